"""Face login for our users, on Verifik's biometric validations."""

from signup_service.verifik import (
    FaceLogin,
    LivenessRejectedError,
    PersonUnknownError,
    VerifikClient,
    VerifikUnavailableError,
)

__all__ = [
    "FaceLogin",
    "LivenessRejectedError",
    "PersonUnknownError",
    "VerifikClient",
    "VerifikUnavailableError",
]
