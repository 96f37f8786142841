"""The closed value sets of Verifik's biometric-validation family, in Verifik's own spelling."""

from __future__ import annotations

from enum import StrEnum


class BiometricValidationStatus(StrEnum):
    """Where a biometric validation stands (the object page's list)."""

    NEW = "new"
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"


class ObservedValidationStatus(StrEnum):
    """A biometric validation's status on the observed wire: the retrieve page's list and the
    webhooks' (``validated``, not the object page's ``completed``)."""

    NEW = "new"
    SENT = "sent"
    VALIDATED = "validated"
    FAILED = "failed"
    EXPIRED = "expired"


OBSERVED_VALIDATION_STATUS = dict(
    zip(BiometricValidationStatus, ObservedValidationStatus, strict=True)
)
"""Each status of the pages as the observed wire writes it (``pending`` is ``sent``)."""


class BiometricValidationType(StrEnum):
    """What a biometric validation is for (the create page's list)."""

    VALIDATION = "validation"
    LOGIN = "login"
    ONBOARDING = "onboarding"
    ONE_TIME_LINK = "oneTimeLink"


class ProjectFlowType(StrEnum):
    """What a project flow configures; its webhook events are prefixed with it."""

    VALIDATION = "validation"
    LOGIN = "login"
    ONBOARDING = "onboarding"


class ProjectFlowStatus(StrEnum):
    """Whether a project flow can be used; only ``active`` flows accept validations."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"


class SearchMode(StrEnum):
    """How the 1:N face search trades speed for accuracy."""

    FAST = "FAST"
    ACCURATE = "ACCURATE"


class Language(StrEnum):
    """The language of the emails Verifik sends."""

    EN = "en"
    ES = "es"


class LivenessSessionStatus(StrEnum):
    """Where a liveness session stands (the validate page's list)."""

    ACTIVE = "active"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CheckOutcome(StrEnum):
    """The result of one step of a biometric check."""

    PASSED = "passed"
    FAILED = "failed"


class DocumentLivenessStatus(StrEnum):
    """Where a document-liveness check stands (the list page's filter values)."""

    NEW = "new"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class Calibration(StrEnum):
    """How strict a document-liveness check is."""

    SOFT = "SOFT"
    REGULAR = "REGULAR"
    HARD = "HARD"


class AppRegistrationStatus(StrEnum):
    """Where an app registration stands (Verifik's list, in the pages' lower case)."""

    STARTED = "started"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    COMPLETED_WITHOUT_KYC = "completed_without_kyc"
    NEEDS_MANUAL_VERIFICATION = "needs_manual_verification"
    FAILED = "failed"
    EXPIRED = "expired"


class AppLoginStatus(StrEnum):
    """Where an app login stands (the validate page's list)."""

    PENDING = "pending"
    VALIDATED = "validated"
    FAILED = "failed"


class AppLoginType(StrEnum):
    """How an app login authenticated; face liveness is the only kind this API makes."""

    FACE_LIVENESS = "faceLiveness"


class DeviceOs(StrEnum):
    """The device a capture was taken on."""

    DESKTOP = "DESKTOP"
    IOS = "IOS"
    ANDROID = "ANDROID"


class HostedOutcome(StrEnum):
    """What the user of the mock's hosted capture page chose to happen."""

    PASS = "pass"
    FAIL_LIVENESS = "fail_liveness"
    NO_MATCH = "no_match"
    EXPIRE = "expire"
