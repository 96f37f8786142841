"""The observed wire's own shapes: what real captures of Verifik's API show where they part
from the pages (``beyond-the-pages.md``). Records keep the pages' models, written with the
``OBSERVED_WIRE`` context (``__v``, milliseconds, ``validated``); the envelopes, the errors
and the flat document-liveness record are these.

- An operation (a create, a validate) answers ``{data, signature, id}``; a retrieve answers
  ``{data}`` alone; no answer has ``success``.
- Biometric validations are listed as ``{data: {docs, total, limit, page, pages}}``; the
  other lists as ``{data: [...], total, limit, page, pages}``.
- An error is ``{code, message}``; a missing or refused token is ``{error}``.
"""

from __future__ import annotations

from typing import Final, Generic, Literal, TypeVar

from pydantic import Field

from verifik_mock.models.accounts import Client, Project, ProjectFlow
from verifik_mock.models.base import RecordId, RecordModel, Score, Timestamp, WireModel
from verifik_mock.models.biometric_validation import (
    BiometricValidation,
    CreatedBiometricValidation,
    ValidationResult,
)
from verifik_mock.models.enums import Calibration
from verifik_mock.models.envelopes import Signature

Data = TypeVar("Data", bound=WireModel)

PROTECTED_RESOURCE: Final = "Protected resource, use Authorization header to get access"
"""The whole 401 body's one value, byte for byte as Verifik's captures show it."""


class OperationAnswer(WireModel, Generic[Data]):
    """An operation's answer: its data, Verifik's signature and a 5-character request id."""

    data: Data
    signature: Signature
    id: str = Field(pattern="^[A-Z0-9]{5}$", examples=["A73ZL"])


class RecordAnswer(WireModel, Generic[Data]):
    """A retrieve's answer: the record alone (captures show no signature and no id)."""

    data: Data


class PageCounts(WireModel):
    """Where a page sits: the size asked for (``perPage``) is written back as ``limit``."""

    total: int = Field(ge=0)
    limit: int = Field(ge=1, le=100)
    page: int = Field(ge=1)
    pages: int = Field(ge=0)


class Docs(PageCounts, Generic[Data]):
    """A page of records as Verifik's paginator returns it."""

    docs: list[Data]


class NestedPage(WireModel, Generic[Data]):
    """A list answer with the paginator's result inside ``data`` (biometric validations)."""

    data: Docs[Data]


class FlatPage(PageCounts, Generic[Data]):
    """A list answer with the paginator's result spread at the top (document liveness)."""

    data: list[Data]


class ObservedError(WireModel):
    """Every failure but a refused token: Verifik's code for the status and a message (a
    snake_case token such as ``liveness_failed@0.45`` where captures show one)."""

    code: str = Field(examples=["NotFound", "Conflict", "MissingParameter"])
    message: str = Field(examples=["Record not found.", "liveness_failed@0.45"])


class ProtectedResourceError(WireModel):
    """A missing or refused token (401)."""

    error: Literal["Protected resource, use Authorization header to get access"] = (
        PROTECTED_RESOURCE
    )


class ObservedDocumentLiveness(RecordModel):
    """A document-liveness record as captures show it: flat, one set of fields per check.

    A score is the model's raw output (unbounded; higher is more authentic), a probability
    the chance the document is not authentic (0 to 1). A check not asked for has score and
    probability 0. The field names keep Verifik's spelling ``sreenReplay``.
    """

    client: RecordId | Client
    imageSaved: bool
    imageUrl: str = Field(description="Where the image was saved; empty when it was not.")
    validateScreenReplay: bool
    validatePrintedCopy: bool
    validatePortraitSubstitution: bool
    validateDigitalManipulation: bool
    sreenReplayScore: float
    printedCopyScore: float
    portraitSubstitutionScore: float
    digitalManipulationScore: float
    screenReplayProbability: Score
    printedCopyProbability: Score
    portraitSubstitutionProbability: Score
    digitalManipulationProbability: Score
    sreenReplayCalibration: Calibration
    printedCopyCalibration: Calibration
    portraitSubstitutionCalibration: Calibration
    digitalManipulationCalibration: Calibration
    ignoreDocumentCroppedValidation: bool
    ignoreColourLessValidation: bool
    screenReplayWarnings: list[str]
    printedCopyWarnings: list[str]
    portraitSubstitutionWarnings: list[str]
    digitalManipulationWarnings: list[str]
    screenReplayErrors: list[str]
    printedCopyErrors: list[str]
    portraitSubstitutionErrors: list[str]
    digitalManipulationErrors: list[str]
    aggregatedScore: Score = Field(
        description="The chance the document is not authentic, all checks together."
    )
    createdAt: Timestamp
    updatedAt: Timestamp


class CreatedObservedDocumentLiveness(ObservedDocumentLiveness):
    """A document-liveness record as its create answers it, with what it was charged."""

    chargesCount: int = Field(ge=1, le=4, description="One charge per check asked for.")


class CreatedBiometricValidationAnswer(OperationAnswer[CreatedBiometricValidation]):
    """A new biometric validation, with its liveness-session token."""


class ValidateAnswer(OperationAnswer[ValidationResult]):
    """A successful capture: the app login, the closed session, the person and a token."""


class BiometricValidationRecord(RecordAnswer[BiometricValidation]):
    """One biometric validation."""


class BiometricValidationPage(NestedPage[BiometricValidation]):
    """A page of biometric validations."""


class CreatedDocumentLivenessAnswer(OperationAnswer[CreatedObservedDocumentLiveness]):
    """A new document-liveness record."""


class DocumentLivenessRecord(RecordAnswer[ObservedDocumentLiveness]):
    """One document-liveness record."""


class DocumentLivenessPage(FlatPage[ObservedDocumentLiveness]):
    """A page of document-liveness records."""


class CreatedProjectAnswer(OperationAnswer[Project]):
    """A new project."""


class ProjectPage(FlatPage[Project]):
    """A page of projects."""


class CreatedProjectFlowAnswer(OperationAnswer[ProjectFlow]):
    """A new project flow."""


class ProjectFlowRecord(RecordAnswer[ProjectFlow]):
    """One project flow."""


class ProjectFlowPage(FlatPage[ProjectFlow]):
    """A page of project flows."""
