"""Lapsing what the mock clock has passed: validations past ``expiresAt``, stale sessions."""

from __future__ import annotations

from mockserver.domain.events import emit_validation_event
from mockserver.models.enums import BiometricValidationStatus, LivenessSessionStatus
from mockserver.store import TenantState

_OPEN_VALIDATION = {BiometricValidationStatus.NEW, BiometricValidationStatus.PENDING}


def sweep_expired(state: TenantState) -> None:
    """Mark every open validation and active session whose deadline has passed as expired."""
    for record_id in state.pop_due_expiries(state.clock.now()):
        validation = state.validations.get(record_id)
        if validation is not None and validation.status in _OPEN_VALIDATION:
            lapsed = max(validation.expiresAt or validation.createdAt, validation.createdAt)
            expired = validation.model_copy(
                update={"status": BiometricValidationStatus.EXPIRED, "updatedAt": lapsed}
            )
            state.validations[record_id] = expired
            emit_validation_event(state, expired)
        session = state.liveness_sessions.get(record_id)
        if session is not None and session.status is LivenessSessionStatus.ACTIVE:
            lapsed = max(session.expiresAt, session.createdAt)
            state.liveness_sessions[record_id] = session.model_copy(
                update={"status": LivenessSessionStatus.EXPIRED, "updatedAt": lapsed}
            )
