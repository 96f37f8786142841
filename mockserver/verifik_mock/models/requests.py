"""The bodies clients send, checked field by field before anything is stored."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from verifik_mock.models.base import RecordId, RequestBody, RequestInstant, Score, WebUrl
from verifik_mock.models.enums import (
    BiometricValidationType,
    Calibration,
    DeviceOs,
    Language,
    ProjectFlowStatus,
    ProjectFlowType,
    SearchMode,
)

IMAGE_TEXT = r"(data:image/[a-zA-Z+.-]+;base64,)?[A-Za-z0-9+/]+={0,2}"
"""Base64, raw or in a data URI (the pattern without its anchors)."""

Image = Annotated[
    str,
    Field(
        min_length=4,
        pattern=f"^{IMAGE_TEXT}$",
        description="Raw base64 or a `data:image/...;base64,` URI of a JPEG or PNG.",
    ),
]
"""A face or document image: raw base64 or a ``data:image/...;base64,`` URI, JPEG or PNG."""


class CreateBiometricValidationRequest(RequestBody):
    """The create page's parameters."""

    project: RecordId
    projectFlow: RecordId
    identifier: str = Field(min_length=1)
    type: BiometricValidationType
    expiresAt: RequestInstant | None = None
    redirectUrl: WebUrl | None = None
    webhookUrl: WebUrl | None = None
    requires2FA: bool = False
    ipAddress: str | None = None
    sendViaEmail: bool = False
    email: str | None = Field(default=None, min_length=3)
    language: Language = Language.EN

    @model_validator(mode="after")
    def _email_when_sent_by_email(self) -> Self:
        if self.sendViaEmail and not self.email:
            raise ValueError("email is required when sendViaEmail is true")
        return self


class ValidateRequest(RequestBody):
    """The validate page's body: the face to check."""

    image: Image
    os: DeviceOs | None = None


class CreateDocumentLivenessRequest(RequestBody):
    """A document image and the checks to run on it; at least one check must be enabled."""

    image: Image
    saveImage: bool = False
    validateScreenReplay: bool = False
    validatePrintedCopy: bool = False
    validatePortraitSubstitution: bool = False
    validateDigitalManipulation: bool = False
    screenReplayCalibration: Calibration = Calibration.REGULAR
    printedCopyCalibration: Calibration = Calibration.REGULAR
    portraitSubstitutionCalibration: Calibration = Calibration.REGULAR
    ignoreDocumentCroppedValidation: bool = False
    ignoreColourLessValidation: bool = False


class CreateProjectRequest(RequestBody):
    """A new project."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class CreateProjectFlowRequest(RequestBody):
    """A new project flow in one of the client's projects."""

    project: RecordId
    name: str = Field(min_length=1, max_length=200)
    type: ProjectFlowType
    status: ProjectFlowStatus = ProjectFlowStatus.ACTIVE
    livenessMinScore: Score = 0.55
    searchMinScore: Score = 0.85
    searchMode: SearchMode = SearchMode.ACCURATE
    assignedCollection: RecordId | None = None
    redirectUrl: WebUrl | None = None
    webhookUrl: WebUrl | None = None
