"""The operations the mock serves, each tied to its models and its domain action."""

from __future__ import annotations

from verifik_mock.domain import document_liveness, projects, validation_flow, validations
from verifik_mock.domain.sessions import session_token
from verifik_mock.http.control_routes import CONTROL_OPERATIONS
from verifik_mock.http.envelopes import page_envelope
from verifik_mock.http.operations import Call, Operation
from verifik_mock.models import (
    BiometricValidationList,
    BiometricValidationResponse,
    CreatedBiometricValidation,
    CreatedBiometricValidationResponse,
    DocumentLivenessList,
    DocumentLivenessResponse,
    ProjectFlowList,
    ProjectFlowResponse,
    ProjectList,
    ProjectResponse,
    ValidateResponse,
)
from verifik_mock.models.observed import (
    BiometricValidationPage,
    BiometricValidationRecord,
    CreatedBiometricValidationAnswer,
    CreatedDocumentLivenessAnswer,
    CreatedProjectAnswer,
    CreatedProjectFlowAnswer,
    DocumentLivenessPage,
    DocumentLivenessRecord,
    ProjectFlowPage,
    ProjectFlowRecord,
    ProjectPage,
    ValidateAnswer,
)
from verifik_mock.models.queries import (
    ListBiometricValidationsQuery,
    ListDocumentLivenessQuery,
    ListProjectFlowsQuery,
    ListProjectsQuery,
    NoQuery,
    ObservedListBiometricValidationsQuery,
    ObservedListDocumentLivenessQuery,
    ObservedListProjectFlowsQuery,
    ObservedListProjectsQuery,
    ObservedRetrieveBiometricValidationQuery,
    RetrieveBiometricValidationQuery,
    RetrieveDocumentLivenessQuery,
)
from verifik_mock.models.requests import (
    CreateBiometricValidationRequest,
    CreateDocumentLivenessRequest,
    CreateProjectFlowRequest,
    CreateProjectRequest,
    ValidateRequest,
)


def _create_validation(
    call: Call[NoQuery, CreateBiometricValidationRequest],
) -> CreatedBiometricValidationResponse:
    settings = call.settings
    record = validations.create_validation(
        call.tenant, call.body, settings.session_ttl, call.base_url, settings.session_secret
    )
    session = call.tenant.liveness_sessions[str(record.livenessSession)]
    token = session_token(session, settings.session_secret)
    created = CreatedBiometricValidation(**dict(record), token=token)
    return CreatedBiometricValidationResponse(data=created)


def _validate(call: Call[NoQuery, ValidateRequest]) -> ValidateResponse:
    assert call.session is not None, "validate is authenticated by a liveness session"
    result = validation_flow.validate_capture(
        call.tenant, call.session, call.body.image, call.overrides, call.settings
    )
    return ValidateResponse(
        data=result,
        signature=validation_flow.response_signature(result, call.settings.session_secret),
        id=validation_flow.response_id(call.tenant),
    )


def _list_validations(call: Call[ListBiometricValidationsQuery, None]) -> BiometricValidationList:
    page = validations.list_validations(call.tenant, call.query)
    return page_envelope(BiometricValidationList, page, call.tenant)


def _retrieve_validation(
    call: Call[RetrieveBiometricValidationQuery, None],
) -> BiometricValidationResponse:
    record = validations.retrieve_validation(call.tenant, call.path["id"], call.query)
    return BiometricValidationResponse(data=record)


def _create_document_liveness(
    call: Call[NoQuery, CreateDocumentLivenessRequest],
) -> DocumentLivenessResponse:
    record = document_liveness.create_document_liveness(
        call.tenant, call.body, call.settings, call.overrides.document
    )
    return DocumentLivenessResponse(data=record)


def _list_document_liveness(call: Call[ListDocumentLivenessQuery, None]) -> DocumentLivenessList:
    page = document_liveness.list_document_liveness(call.tenant, call.query)
    return page_envelope(DocumentLivenessList, page, call.tenant)


def _retrieve_document_liveness(
    call: Call[RetrieveDocumentLivenessQuery, None],
) -> DocumentLivenessResponse:
    record = document_liveness.retrieve_document_liveness(
        call.tenant, call.path["id"], call.query.populates
    )
    return DocumentLivenessResponse(data=record)


def _create_project(call: Call[NoQuery, CreateProjectRequest]) -> ProjectResponse:
    return ProjectResponse(data=projects.create_project(call.tenant, call.body))


def _list_projects(call: Call[ListProjectsQuery, None]) -> ProjectList:
    return page_envelope(ProjectList, projects.list_projects(call.tenant, call.query), call.tenant)


def _create_project_flow(call: Call[NoQuery, CreateProjectFlowRequest]) -> ProjectFlowResponse:
    return ProjectFlowResponse(data=projects.create_project_flow(call.tenant, call.body))


def _list_project_flows(call: Call[ListProjectFlowsQuery, None]) -> ProjectFlowList:
    page = projects.list_project_flows(call.tenant, call.query)
    return page_envelope(ProjectFlowList, page, call.tenant)


def _retrieve_project_flow(call: Call[NoQuery, None]) -> ProjectFlowResponse:
    return ProjectFlowResponse(data=projects.retrieve_project_flow(call.tenant, call.path["id"]))


OPERATIONS: list[Operation] = [  # type: ignore[type-arg]
    Operation(
        "createBiometricValidation", "POST", "/v2/biometric-validations",
        NoQuery, CreateBiometricValidationRequest, CreatedBiometricValidationResponse,
        _create_validation, observed_response=CreatedBiometricValidationAnswer,
    ),
    Operation(
        "validateBiometricValidation", "POST", "/v2/biometric-validations/validate",
        NoQuery, ValidateRequest, ValidateResponse, _validate, auth="session",
        observed_response=ValidateAnswer,
    ),
    Operation(
        "listBiometricValidations", "GET", "/v2/biometric-validations",
        ListBiometricValidationsQuery, None, BiometricValidationList, _list_validations,
        observed_response=BiometricValidationPage,
        observed_query=ObservedListBiometricValidationsQuery,
    ),
    Operation(
        "retrieveBiometricValidation", "GET", "/v2/biometric-validations/{id}",
        RetrieveBiometricValidationQuery, None, BiometricValidationResponse, _retrieve_validation,
        observed_response=BiometricValidationRecord,
        observed_query=ObservedRetrieveBiometricValidationQuery,
    ),
    Operation(
        "createDocumentLiveness", "POST", "/v2/document-liveness",
        NoQuery, CreateDocumentLivenessRequest, DocumentLivenessResponse, _create_document_liveness,
        observed_response=CreatedDocumentLivenessAnswer,
    ),
    Operation(
        "listDocumentLiveness", "GET", "/v2/document-liveness",
        ListDocumentLivenessQuery, None, DocumentLivenessList, _list_document_liveness,
        observed_response=DocumentLivenessPage, observed_query=ObservedListDocumentLivenessQuery,
    ),
    Operation(
        "retrieveDocumentLiveness", "GET", "/v2/document-liveness/{id}",
        RetrieveDocumentLivenessQuery, None, DocumentLivenessResponse, _retrieve_document_liveness,
        observed_response=DocumentLivenessRecord,
    ),
    Operation(
        "createProject", "POST", "/v2/projects",
        NoQuery, CreateProjectRequest, ProjectResponse, _create_project,
        observed_response=CreatedProjectAnswer,
    ),
    Operation(
        "listProjects", "GET", "/v2/projects",
        ListProjectsQuery, None, ProjectList, _list_projects,
        observed_response=ProjectPage, observed_query=ObservedListProjectsQuery,
    ),
    Operation(
        "createProjectFlow", "POST", "/v2/project-flows",
        NoQuery, CreateProjectFlowRequest, ProjectFlowResponse, _create_project_flow,
        observed_response=CreatedProjectFlowAnswer,
    ),
    Operation(
        "listProjectFlows", "GET", "/v2/project-flows",
        ListProjectFlowsQuery, None, ProjectFlowList, _list_project_flows,
        observed_response=ProjectFlowPage, observed_query=ObservedListProjectFlowsQuery,
    ),
    Operation(
        "retrieveProjectFlow", "GET", "/v2/project-flows/{id}",
        NoQuery, None, ProjectFlowResponse, _retrieve_project_flow,
        observed_response=ProjectFlowRecord,
    ),
]  # fmt: skip
"""Every Verifik operation the mock serves; the contract lists exactly these."""

ALL_OPERATIONS = OPERATIONS + CONTROL_OPERATIONS
"""Verifik's operations and the mock's own control API: everything the contract lists."""
