"""The biometric validation, its liveness session, and the app login a validation creates."""

from __future__ import annotations

from pydantic import Field, SerializationInfo, field_serializer

from verifik_mock.models.accounts import Client, ProjectFlowSummary, ProjectSummary
from verifik_mock.models.base import (
    RecordId,
    RecordModel,
    Score,
    Timestamp,
    WireModel,
    on_observed_wire,
)
from verifik_mock.models.enums import (
    OBSERVED_VALIDATION_STATUS,
    AppLoginStatus,
    AppLoginType,
    BiometricValidationStatus,
    BiometricValidationType,
    CheckOutcome,
    Language,
    LivenessSessionStatus,
)


class LivenessSession(RecordModel):
    """The capture session a biometric validation is completed through."""

    identifier: str
    client: RecordId
    project: RecordId
    projectFlow: RecordId
    status: LivenessSessionStatus
    expiresAt: Timestamp
    createdAt: Timestamp
    updatedAt: Timestamp


class BiometricData(WireModel):
    """What the capture produced."""

    faceImage: str | None = Field(default=None, description="Base64 encoded face image.")
    template: str | None = Field(default=None, description="Biometric template data.")
    quality: str | None = Field(default=None, description="Image quality, e.g. `good`.")
    livenessScore: Score | None = None


class VerificationResults(WireModel):
    """How each step of the verification ended."""

    livenessDetection: CheckOutcome | None = None
    identityMatch: CheckOutcome | None = None
    qualityScore: Score | None = None
    antiSpoofing: CheckOutcome | None = None


class BiometricValidation(RecordModel):
    """A request to verify one user's face, and its outcome (the object page)."""

    client: RecordId | Client
    project: RecordId | ProjectSummary | None = None
    projectFlow: RecordId | ProjectFlowSummary
    livenessSession: RecordId | LivenessSession | None = None
    appRegistration: RecordId | None = None
    status: BiometricValidationStatus = BiometricValidationStatus.NEW
    identifier: str
    type: BiometricValidationType
    expiresAt: Timestamp | None = None
    redirectUrl: str | None = None
    webhookUrl: str | None = None
    requires2FA: bool = False
    ipAddress: str | None = None
    sendViaEmail: bool = False
    email: str | None = None
    language: Language = Language.EN
    biometricData: BiometricData | None = None
    verificationResults: VerificationResults | None = None
    riskScore: Score | None = None
    url: str | None = Field(
        default=None, description="The hosted capture page a user opens to complete it."
    )
    createdAt: Timestamp
    updatedAt: Timestamp
    completedAt: Timestamp | None = None

    @field_serializer("status", when_used="json")
    # Unannotated: a return annotation would replace the JSON schema's enum.
    def _write_status(self, status: BiometricValidationStatus, info: SerializationInfo):  # type: ignore[no-untyped-def]
        """The observed wire writes ``validated`` for ``completed``, ``sent`` for ``pending``."""
        return OBSERVED_VALIDATION_STATUS[status].value if on_observed_wire(info) else status.value


class CreatedBiometricValidation(BiometricValidation):
    """A validation as its create answers it: with the token its capture authenticates with."""

    token: str | None = Field(
        default=None,
        description="The liveness-session token (JWT, claims `id`, `pf`, `cid`, `exp`) that "
        "`POST /v2/biometric-validations/validate` takes as its bearer token. "
        "The mock always sends it; Verifik's create page does not show it.",
    )


class AppLogin(RecordModel):
    """The login a successful validation creates (the validate page's ``appLogin``)."""

    project: RecordId
    projectFlow: RecordId
    client: RecordId
    status: AppLoginStatus
    type: AppLoginType = AppLoginType.FACE_LIVENESS
    biometricValidation: RecordId
    face: RecordId = Field(description="The identity image this capture created.")
    name: str = Field(description="The name of the person identified.")
    createdAt: Timestamp
    updatedAt: Timestamp


class ValidationResult(WireModel):
    """What a successful validate returns inside ``data``."""

    appLogin: AppLogin
    livenessSession: LivenessSession
    person: RecordId = Field(description="The id of the person identified.")
    token: str = Field(description="JWT for authenticated access, as Verifik's hosted page gets.")
