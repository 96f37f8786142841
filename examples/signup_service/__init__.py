"""Face login for our users, on Verifik's biometric validations."""

from signup_service.verifik import (
    FaceLogin,
    LivenessRejected,
    PersonUnknown,
    VerifikClient,
    VerifikUnavailable,
)

__all__ = ["FaceLogin", "LivenessRejected", "PersonUnknown", "VerifikClient", "VerifikUnavailable"]
