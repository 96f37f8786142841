"""Biometric validations: create one with its liveness session, list, retrieve, populate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from verifik_mock.domain.events import emit_validation_event
from verifik_mock.domain.expiry import sweep_expired
from verifik_mock.domain.listing import Page, paginate, sort_records
from verifik_mock.domain.projects import usable_flow
from verifik_mock.domain.sessions import session_token
from verifik_mock.errors import BiometricValidationNotFoundError
from verifik_mock.models import BiometricValidation, LivenessSession
from verifik_mock.models.control import SentEmail
from verifik_mock.models.enums import Language, LivenessSessionStatus
from verifik_mock.models.queries import (
    BiometricValidationFilters,
    ListBiometricValidationsQuery,
)
from verifik_mock.models.requests import CreateBiometricValidationRequest
from verifik_mock.state.creation_order import CreationKey, page_of_ids
from verifik_mock.state.tenant import VALIDATION_INDEX, TenantState

_FILTERED_FIELDS = (*VALIDATION_INDEX, "livenessSession")


def create_validation(
    state: TenantState,
    body: CreateBiometricValidationRequest,
    session_ttl: timedelta,
    hosted_base_url: str,
    session_secret: str,
) -> BiometricValidation:
    """Store a new validation in status ``new`` with an active liveness session.

    Its ``url`` is the mock's hosted capture page under ``hosted_base_url``, carrying the
    session's token: a server with a signing secret opens the page to that token only.
    """
    usable_flow(state, body.project, body.projectFlow)
    now = state.clock.tick()
    session_end = now + session_ttl
    if body.expiresAt is not None:
        session_end = min(session_end, body.expiresAt)
    session = LivenessSession(
        id=state.ids.new(now),
        identifier=body.identifier,
        client=state.client.id,
        project=body.project,
        projectFlow=body.projectFlow,
        status=LivenessSessionStatus.ACTIVE,
        expiresAt=session_end,
        createdAt=now,
        updatedAt=now,
    )
    validation_id = state.ids.new(now)
    token = session_token(session, session_secret)
    validation = BiometricValidation(
        id=validation_id,
        client=state.client.id,
        livenessSession=session.id,
        url=hosted_url(hosted_base_url, state.client.id, validation_id, token),
        createdAt=now,
        updatedAt=now,
        **body.model_dump(exclude_none=True),
    )
    state.add_validation(validation, session)
    emit_validation_event(state, validation)
    if validation.sendViaEmail and validation.email and validation.url:
        state.emails.append(invitation_email(validation, validation.email, validation.url))
    state.schedule_expiry(session.expiresAt, session.id)
    if validation.expiresAt is not None:
        state.schedule_expiry(validation.expiresAt, validation.id)
    sweep_expired(state)
    return state.validations[validation.id]


def hosted_url(base_url: str, client_id: str, validation_id: str, token: str) -> str:
    """The hosted capture page of a validation, as its ``url`` and email links give it."""
    return f"{base_url}/__mock__/hosted/{client_id}/{validation_id}?token={token}"


EMAIL_SUBJECTS = {Language.EN: "Verify your identity", Language.ES: "Verifica tu identidad"}


def invitation_email(validation: BiometricValidation, to: str, link: str) -> SentEmail:
    """The email Verifik sends for ``sendViaEmail``, in the validation's language."""
    return SentEmail(
        to=to,
        subject=EMAIL_SUBJECTS[validation.language],
        link=link,
        language=validation.language.value,
        biometricValidation=validation.id,
        sentAt=validation.createdAt,
    )


def matches_filters(validation: BiometricValidation, filters: BiometricValidationFilters) -> bool:
    """Whether ``validation`` has every value the ``where_*`` filters ask for."""
    for field in _FILTERED_FIELDS:
        wanted = getattr(filters, f"where_{field}")
        if wanted is not None and getattr(validation, field) != wanted:
            return False
    return True


def populate_validation(
    state: TenantState, validation: BiometricValidation, populates: Sequence[str]
) -> BiometricValidation:
    """``validation`` with the relations named in ``populates`` replaced by their objects."""
    if not populates:
        return validation
    project = state.projects.get(str(validation.project))
    flow = state.project_flows.get(str(validation.projectFlow))
    related = {
        "client": state.client,
        "project": project.summary() if project else None,
        "projectFlow": flow.summary() if flow else None,
        "livenessSession": state.liveness_sessions.get(str(validation.livenessSession)),
    }
    update = {name: related[name] for name in populates if related.get(name) is not None}
    return validation.model_copy(update=update) if update else validation


def list_validations(
    state: TenantState, query: ListBiometricValidationsQuery
) -> Page[BiometricValidation]:
    """The tenant's validations matching the filters, sorted, one page, populated.

    The filters are answered from the index; the default order (by ``createdAt``) is a
    slice of it, and only another order reads every matching record to sort them.
    """
    sweep_expired(state)
    keys = _matching_keys(state, query)
    if query.sort.removeprefix("-") == "createdAt":
        newest_first = query.sort.startswith("-")
        ids = page_of_ids(keys, query.page, query.limit, newest_first)
        records = [state.validations[record_id] for record_id in ids]
        page = Page(records, page=query.page, limit=query.limit, total=len(keys))
    else:
        matching = [state.validations[record_id] for _, record_id in keys]
        page = paginate(sort_records(matching, query.sort), query.page, query.limit)
    page.records[:] = [populate_validation(state, v, query.populates) for v in page.records]
    return page


def _matching_keys(
    state: TenantState, filters: BiometricValidationFilters
) -> Sequence[CreationKey]:
    """The creation keys of the validations matching every ``where_*`` filter, oldest first."""
    wanted = {
        field: value
        for field in VALIDATION_INDEX
        if (value := getattr(filters, f"where_{field}")) is not None
    }
    keys = state.validation_order.keys(wanted)
    if filters.where_livenessSession is None:
        return keys
    owner = state.validation_of_session.get(filters.where_livenessSession)
    return [key for key in keys if key[1] == owner]


def retrieve_validation(
    state: TenantState, validation_id: str, filters: BiometricValidationFilters
) -> BiometricValidation:
    """One of the tenant's validations, if it also matches ``filters``; else 404."""
    sweep_expired(state)
    validation = state.validations.get(validation_id)
    if validation is None or not matches_filters(validation, filters):
        raise BiometricValidationNotFoundError()
    return populate_validation(state, validation, filters.populates)
