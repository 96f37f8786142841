"""The hosted capture step: what a user's choice on the mock's hosted page does.

The page stands in for Verifik's own (the validation's ``url``): the user picks an outcome
or sends an image, and the capture completes through ``validate_capture``, the same code
path as ``POST /v2/biometric-validations/validate``, so state and webhooks agree.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from verifik_mock.domain.control import move_clock_to
from verifik_mock.domain.validation_flow import validate_capture
from verifik_mock.models import BiometricValidation, LivenessSession, ValidationResult
from verifik_mock.models.enums import HostedOutcome
from verifik_mock.models.rules import ScoreOverrides
from verifik_mock.samples import sample_image
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState

SAMPLE_FACE = "face-pass"
"""The capture used when the user picks an outcome without sending an image."""
NO_MATCH_SCORE = 0.1


def sample_face() -> str:
    """The sample face, as base64."""
    return base64.b64encode(sample_image(SAMPLE_FACE)).decode()


def complete_capture(
    state: TenantState,
    session: LivenessSession,
    outcome: HostedOutcome,
    settings: Settings,
    liveness_score: float = 0.3,
    image: str | None = None,
) -> ValidationResult:
    """Run the capture the user chose; raises the same errors validate does."""
    overrides = ScoreOverrides()
    if outcome is HostedOutcome.FAIL_LIVENESS:
        overrides = ScoreOverrides(liveness=liveness_score)
    elif outcome is HostedOutcome.NO_MATCH:
        overrides = ScoreOverrides(search=NO_MATCH_SCORE)
    elif outcome is HostedOutcome.EXPIRE:
        move_clock_to(state, max(state.clock.now(), session.expiresAt))
    return validate_capture(state, session, image or sample_face(), overrides, settings)


def redirect_target(validation: BiometricValidation, **query: str) -> str | None:
    """``redirectUrl`` with ``type=login`` and ``query`` set, as Verifik's page sends the
    user back (replacing any the URL had already); None without a ``redirectUrl``."""
    if not validation.redirectUrl:
        return None
    parts = urlsplit(validation.redirectUrl)
    ours = {"type": "login", **query}
    kept = [(name, value) for name, value in parse_qsl(parts.query, True) if name not in ours]
    return urlunsplit(parts._replace(query=urlencode([*kept, *ours.items()])))
