"""Pydantic models of every object, body, query and envelope on the wire.

They are the field-level truth of the contract: ``contracts/verifik.openapi.yaml`` carries
their JSON Schema in its generated part, and a test keeps the two identical.
"""

from verifik_mock.models.accounts import (
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
from verifik_mock.models.biometric_validation import (
    AppLogin,
    BiometricData,
    BiometricValidation,
    CreatedBiometricValidation,
    LivenessSession,
    ValidationResult,
    VerificationResults,
)
from verifik_mock.models.document_liveness import (
    CheckResult,
    DocumentCheckSettings,
    DocumentLiveness,
    ValidationResults,
)
from verifik_mock.models.envelopes import (
    BiometricValidationList,
    BiometricValidationResponse,
    CreatedBiometricValidationResponse,
    DocumentLivenessList,
    DocumentLivenessResponse,
    ErrorResponse,
    Pagination,
    ProjectFlowList,
    ProjectFlowResponse,
    ProjectList,
    ProjectResponse,
    Signature,
    ValidateResponse,
)

__all__ = [
    "AppLogin",
    "AppRegistration",
    "AppRegistrationSummary",
    "BiometricData",
    "BiometricValidation",
    "BiometricValidationList",
    "BiometricValidationResponse",
    "CheckResult",
    "Client",
    "Collection",
    "CreatedBiometricValidation",
    "CreatedBiometricValidationResponse",
    "DocumentCheckSettings",
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
    "ValidateResponse",
    "ValidationResult",
    "ValidationResults",
    "VerificationResults",
]
