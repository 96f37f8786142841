"""Wrapping domain results in the envelope models the contract names."""

from __future__ import annotations

from typing import TypeVar, cast

from verifik_mock.domain.listing import Page
from verifik_mock.models import Pagination, Signature
from verifik_mock.models.envelopes import RecordPage
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_signature_time

ListEnvelope = TypeVar("ListEnvelope", bound=RecordPage)  # type: ignore[type-arg]


def page_envelope(envelope: type[ListEnvelope], page: Page, tenant: TenantState) -> ListEnvelope:  # type: ignore[type-arg]
    """``page`` in ``envelope``: its records, where it sits, and a signature stamped now.

    Built without validation: the records are stored ones, validated when they were made,
    and checking them again cost a tenth of a list request."""
    built = envelope.model_construct(
        data=page.records,
        pagination=Pagination(page=page.page, limit=page.limit, total=page.total, pages=page.pages),
        signature=Signature(dateTime=format_signature_time(tenant.clock.now())),
    )
    return cast(ListEnvelope, built)
