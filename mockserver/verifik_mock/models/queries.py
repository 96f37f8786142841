"""The query parameters each operation takes, with their defaults and limits.

Parameters are read by these models and nothing else, so an unknown or out-of-range
parameter is refused with ``400 INVALID_PARAMETERS`` naming it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from verifik_mock.models.base import RecordId
from verifik_mock.models.enums import (
    OBSERVED_VALIDATION_STATUS,
    BiometricValidationStatus,
    BiometricValidationType,
    DocumentLivenessStatus,
    ObservedValidationStatus,
    ProjectFlowStatus,
    ProjectFlowType,
)

BiometricValidationSort = Literal[
    "createdAt", "-createdAt", "updatedAt", "-updatedAt", "expiresAt", "-expiresAt",
    "completedAt", "-completedAt", "status", "-status", "type", "-type",
    "identifier", "-identifier",
]  # fmt: skip
BiometricValidationPopulate = Literal["client", "project", "projectFlow", "livenessSession"]
DocumentLivenessPopulate = Literal["client", "appRegistration"]


class QueryModel(BaseModel):
    """Query parameters: closed, with Verifik's bracketed names as aliases."""

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=False,
        validate_by_alias=True,
        frozen=True,  # parsed once per query string and shared by every request sending it
        defer_build=True,
    )


class PageQuery(QueryModel):
    """Which page of a list to answer with."""

    page: int = Field(default=1, ge=1, le=1_000_000, description="Page number, from 1.")
    limit: int = Field(default=10, ge=1, le=100, description="Records per page (at most 100).")


class BiometricValidationFilters(QueryModel):
    """The ``where_*`` filters, ``sort`` and ``populates[]`` of biometric validations."""

    sort: BiometricValidationSort = Field(
        default="-createdAt", description="Field to sort by; a leading `-` sorts descending."
    )
    where_client: RecordId | None = Field(default=None, description="Only this client's.")
    where_project: RecordId | None = Field(default=None, description="Only this project's.")
    where_projectFlow: RecordId | None = Field(default=None, description="Only this flow's.")
    where_status: BiometricValidationStatus | None = Field(default=None, description="Status.")
    where_type: BiometricValidationType | None = Field(default=None, description="Type.")
    where_livenessSession: RecordId | None = Field(default=None, description="Session id.")
    where_identifier: str | None = Field(default=None, description="Exactly this identifier.")
    populates: tuple[BiometricValidationPopulate, ...] = Field(
        default_factory=tuple,
        alias="populates[]",
        description="Relations to replace by their objects.",
    )


class ListBiometricValidationsQuery(BiometricValidationFilters, PageQuery):
    """``GET /v2/biometric-validations``."""


class RetrieveBiometricValidationQuery(BiometricValidationFilters):
    """``GET /v2/biometric-validations/{id}``: the page lists the list's parameters here too.

    ``where_*`` must also match the record (else 404); ``sort`` and ``limit`` are accepted
    and have nothing to act on.
    """

    limit: int = Field(default=10, ge=1, le=100, description="Accepted; one record is returned.")


class ListDocumentLivenessQuery(PageQuery):
    """``GET /v2/document-liveness``."""

    status: DocumentLivenessStatus | None = Field(default=None, description="Only this status.")
    populates: tuple[DocumentLivenessPopulate, ...] = Field(
        default_factory=tuple,
        alias="populates[]",
        description="Relations to replace by their objects.",
    )


class RetrieveDocumentLivenessQuery(QueryModel):
    """``GET /v2/document-liveness/{id}``."""

    populates: tuple[DocumentLivenessPopulate, ...] = Field(
        default_factory=tuple,
        alias="populates[]",
        description="Relations to replace by their objects.",
    )


class ListProjectsQuery(PageQuery):
    """``GET /v2/projects``."""


class ListProjectFlowsQuery(PageQuery):
    """``GET /v2/project-flows``."""

    project: RecordId | None = Field(default=None, description="Only this project's flows.")
    type: ProjectFlowType | None = Field(default=None, description="Only flows of this type.")
    status: ProjectFlowStatus | None = Field(default=None, description="Only this status.")


class ObservedQuery(QueryModel):
    """A query as the observed wire takes it, read into the pages' query the domain takes:
    the observed status names, and the page size as ``perPage`` (default 20) or ``limit``."""

    pages_query: ClassVar[type[QueryModel]]

    def for_domain(self) -> QueryModel:
        """The same query in the pages' terms."""
        values = {name: getattr(self, name) for name in self.pages_query.model_fields}
        status = values.get("where_status")
        if isinstance(status, ObservedValidationStatus):
            values["where_status"] = _PAGES_STATUS[status]
        per_page = getattr(self, "per_page", None)
        if per_page is not None:
            values["limit"] = values["limit"] or per_page
        return self.pages_query.model_construct(**values)


class ObservedPageQuery(ObservedQuery):
    """Which page of a list to answer with, in the observed wire's parameters."""

    page: int = Field(default=1, ge=1, le=1_000_000, description="Page number, from 1.")
    per_page: int = Field(
        default=20,
        ge=1,
        le=100,
        alias="perPage",
        description="Records per page (at most 100); the answer writes it back as `limit`.",
    )
    limit: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Records per page, the newer pages' name; "
        "`perPage` is used when it is left out.",
    )


_PAGES_STATUS = {observed: pages for pages, observed in OBSERVED_VALIDATION_STATUS.items()}
_OBSERVED_STATUS = Field(default=None, description="Status, in the observed wire's names.")


class ObservedListBiometricValidationsQuery(ObservedPageQuery, BiometricValidationFilters):
    """``GET /v2/biometric-validations`` on the observed wire."""

    pages_query = ListBiometricValidationsQuery
    where_status: ObservedValidationStatus | None = _OBSERVED_STATUS  # type: ignore[assignment]


class ObservedRetrieveBiometricValidationQuery(ObservedQuery, RetrieveBiometricValidationQuery):
    """``GET /v2/biometric-validations/{id}`` on the observed wire."""

    pages_query = RetrieveBiometricValidationQuery
    where_status: ObservedValidationStatus | None = _OBSERVED_STATUS  # type: ignore[assignment]


class ObservedListDocumentLivenessQuery(ObservedPageQuery, ListDocumentLivenessQuery):
    """``GET /v2/document-liveness`` on the observed wire."""

    pages_query = ListDocumentLivenessQuery


class ObservedListProjectsQuery(ObservedPageQuery):
    """``GET /v2/projects`` on the observed wire."""

    pages_query = ListProjectsQuery


class ObservedListProjectFlowsQuery(ObservedPageQuery, ListProjectFlowsQuery):
    """``GET /v2/project-flows`` on the observed wire."""

    pages_query = ListProjectFlowsQuery


class NoQuery(QueryModel):
    """An operation that takes no query parameter."""


class ScopeQuery(QueryModel):
    """Whether a control call acts on the caller's tenant or on every tenant."""

    scope: Literal["tenant", "all"] = Field(
        default="tenant", description="`tenant` (the caller's) or `all`."
    )


class JournalQuery(ScopeQuery):
    """``GET /__mock__/journal``."""

    limit: int = Field(default=100, ge=1, le=1000, description="Entries, newest first.")


class ClearRulesQuery(QueryModel):
    """``DELETE /__mock__/scenarios``."""

    identifier: str | None = Field(default=None, description="Only this identifier's rule.")


class ResetQuery(ScopeQuery):
    """``POST /__mock__/reset``."""

    seed: int | None = Field(
        default=None,
        ge=0,
        le=2**32 - 1,
        description="Seed the caller's tenant afresh from this seed instead of the server's.",
    )


class DashboardQuery(QueryModel):
    """``GET /__mock__/ui``."""

    client: str | None = Field(default=None, description="The tenant to show.")
    refresh: int | None = Field(
        default=None, ge=1, le=3600, description="Reload the page every N seconds."
    )


class HostedPageQuery(QueryModel):
    """``/__mock__/hosted/{client}/{id}``."""

    token: str | None = Field(
        default=None,
        description="The validation's session token, as its `url` carries it; required by a "
        "server with `--signing-secret`.",
    )
