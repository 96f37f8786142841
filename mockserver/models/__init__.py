"""Pydantic models of every object, body, query and envelope on the wire.

They are the field-level truth of the contract: ``contracts/verifik.openapi.yaml`` carries
their JSON Schema in its generated part, and a test keeps the two identical.
"""

from mockserver.models.accounts import (
    AppRegistration,
    AppRegistrationSummary,
    Client,
    Collection,
    Person,
    Project,
    ProjectFlow,
    ProjectFlowSummary,
    ProjectSummary,
)
from mockserver.models.biometric_validation import (
    BiometricData,
    BiometricValidation,
    LivenessSession,
    VerificationResults,
)
from mockserver.models.document_liveness import CheckResult, DocumentLiveness, ValidationResults
from mockserver.models.envelopes import (
    BiometricValidationList,
    BiometricValidationResponse,
    DocumentLivenessList,
    DocumentLivenessResponse,
    ErrorResponse,
    Pagination,
    ProjectFlowList,
    ProjectFlowResponse,
    ProjectList,
    ProjectResponse,
    Signature,
)

__all__ = [
    "AppRegistration",
    "AppRegistrationSummary",
    "BiometricData",
    "BiometricValidation",
    "BiometricValidationList",
    "BiometricValidationResponse",
    "CheckResult",
    "Client",
    "Collection",
    "DocumentLiveness",
    "DocumentLivenessList",
    "DocumentLivenessResponse",
    "ErrorResponse",
    "LivenessSession",
    "Pagination",
    "Person",
    "Project",
    "ProjectFlow",
    "ProjectFlowList",
    "ProjectFlowResponse",
    "ProjectFlowSummary",
    "ProjectList",
    "ProjectResponse",
    "ProjectSummary",
    "Signature",
    "ValidationResults",
    "VerificationResults",
]
