"""The biometric validation, its liveness session, and the app login a validation creates."""

from __future__ import annotations

from pydantic import Field

from mockserver.models.accounts import Client, ProjectFlowSummary, ProjectSummary
from mockserver.models.base import RecordId, RecordModel, Score, Timestamp, WireModel
from mockserver.models.enums import (
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
    createdAt: Timestamp
    updatedAt: Timestamp
    completedAt: Timestamp | None = None
