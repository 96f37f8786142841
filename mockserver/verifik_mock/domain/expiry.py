"""Lapsing what the mock clock has passed: validations past ``expiresAt``, stale sessions."""

from __future__ import annotations

from datetime import datetime

from verifik_mock.domain.events import emit_validation_event
from verifik_mock.models.enums import BiometricValidationStatus, LivenessSessionStatus
from verifik_mock.state.tenant import TenantState

_OPEN_VALIDATION = {BiometricValidationStatus.NEW, BiometricValidationStatus.PENDING}


def sweep_expired(state: TenantState) -> None:
    """Expire every active session and open validation whose deadline has passed.

    A validation is open only while its session is: when the session lapses, so does the
    validation, even before its own ``expiresAt``, since nothing can complete it any more.
    """
    for record_id in state.pop_due_expiries(state.clock.now()):
        session = state.liveness_sessions.get(record_id)
        if session is not None and session.status is LivenessSessionStatus.ACTIVE:
            lapsed = max(session.expiresAt, session.createdAt)
            state.liveness_sessions[record_id] = session.model_copy(
                update={"status": LivenessSessionStatus.EXPIRED, "updatedAt": lapsed}
            )
            _expire_validation(state, state.validation_of_session.get(record_id), lapsed)
        validation = state.validations.get(record_id)
        if validation is not None:
            _expire_validation(state, record_id, validation.expiresAt or validation.createdAt)


def _expire_validation(state: TenantState, validation_id: str | None, at: datetime) -> None:
    validation = state.validations.get(validation_id or "")
    if validation is None or validation.status not in _OPEN_VALIDATION:
        return
    expired = validation.model_copy(
        update={
            "status": BiometricValidationStatus.EXPIRED,
            "updatedAt": max(at, validation.createdAt),
        }
    )
    state.put_validation(expired)
    emit_validation_event(state, expired)
