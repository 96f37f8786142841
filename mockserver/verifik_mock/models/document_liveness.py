"""The document-liveness check: is this a live document, or a replay, copy or forgery?"""

from __future__ import annotations

from verifik_mock.models.accounts import AppRegistrationSummary, Client
from verifik_mock.models.base import RecordId, RecordModel, Score, Timestamp, WireModel
from verifik_mock.models.enums import Calibration, DocumentLivenessStatus


class CheckResult(WireModel):
    """One anti-spoofing check: its score (1 is authentic) and whether it passed."""

    passed: bool
    score: Score


class ValidationResults(WireModel):
    """The checks that were asked for; a check not asked for is left out."""

    screenReplay: CheckResult | None = None
    printedCopy: CheckResult | None = None
    portraitSubstitution: CheckResult | None = None
    digitalManipulation: CheckResult | None = None


class DocumentLiveness(RecordModel):
    """A document-liveness record (the list page's item)."""

    client: RecordId | Client
    appRegistration: RecordId | AppRegistrationSummary | None = None
    imageSaved: bool = False
    imageUrl: str | None = None
    status: DocumentLivenessStatus
    validationResults: ValidationResults | None = None
    riskScore: Score | None = None
    confidence: Score | None = None
    createdAt: Timestamp
    updatedAt: Timestamp
    completedAt: Timestamp | None = None


class DocumentCheckSettings(RecordModel):
    """How a document-liveness record's checks were asked for, under the record's id: the
    pages' record does not show it, the observed wire's does. Records without one (seeded)
    were asked for with the defaults."""

    screenReplayCalibration: Calibration = Calibration.REGULAR
    printedCopyCalibration: Calibration = Calibration.REGULAR
    portraitSubstitutionCalibration: Calibration = Calibration.REGULAR
    ignoreDocumentCroppedValidation: bool = False
    ignoreColourLessValidation: bool = False
    createdAt: Timestamp
