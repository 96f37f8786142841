"""Webhook events: what Verifik would POST when a biometric validation changes.

The domain only records events in the tenant's outbox; delivering them over HTTP is the
edge's job (``verifik_mock.webhooks``), so no domain code waits on a network.
"""

from __future__ import annotations

from verifik_mock.models import BiometricValidation
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.state.tenant import TenantState


def emit_validation_event(
    state: TenantState, validation: BiometricValidation, suffix: str | None = None
) -> None:
    """Record ``<flowType>_biometric_validation_<suffix or status>`` for ``validation``.

    It goes to the validation's ``webhookUrl``, else its flow's.
    """
    flow = state.project_flows.get(str(validation.projectFlow))
    flow_type = flow.type.value if flow else "validation"
    event = WebhookEvent(
        client=state.client.id,
        type=f"{flow_type}_biometric_validation_{suffix or validation.status.value}",
        url=validation.webhookUrl or (flow.webhookUrl if flow else None),
        object=validation.model_dump(mode="json", exclude_none=True),
    )
    state.outbox.append(event)
