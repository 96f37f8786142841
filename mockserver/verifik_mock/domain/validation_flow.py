"""``POST /v2/biometric-validations/validate``: the validate page's six steps, for real.

1. session check, 2. image analysis (a liveness score), 3. a 1:N search in the flow's
collection, 4. comparison with the flow's thresholds, 5. state updates, 6. the answer.
A refusal after step 1 still updates state as Verifik would: the validation reads
``failed`` and its session is used.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from dataclasses import dataclass
from datetime import datetime

from verifik_mock import tokens
from verifik_mock.domain.events import emit_validation_event
from verifik_mock.domain.expiry import sweep_expired
from verifik_mock.domain.forced_scores import magic_overrides, take_rule
from verifik_mock.domain.images import DecodedImage, decode_image, score_hints
from verifik_mock.domain.scoring import stable_score
from verifik_mock.domain.world import person_name
from verifik_mock.errors import (
    CollectionNotSetError,
    LivenessFailedError,
    LivenessSessionExpiredError,
    LivenessSessionUsedError,
    MockError,
    PersonNotFoundError,
)
from verifik_mock.models import (
    AppLogin,
    BiometricData,
    LivenessSession,
    Person,
    ProjectFlow,
    ValidationResult,
    VerificationResults,
)
from verifik_mock.models.enums import (
    AppLoginStatus,
    BiometricValidationStatus,
    BiometricValidationType,
    CheckOutcome,
    LivenessSessionStatus,
)
from verifik_mock.models.rules import ScoreOverrides
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_timestamp

SEARCH_FLOOR = 0.90
"""Default search scores fall in [0.90, 0.99]: they clear Verifik's default 0.85."""


@dataclass(frozen=True)
class Scores:
    """The two scores a capture gets."""

    liveness: float
    search: float


def capture_scores(image: DecodedImage, overrides: ScoreOverrides) -> Scores:
    """The overrides where given, else the image's own stable scores."""
    return Scores(
        liveness=overrides.liveness
        if overrides.liveness is not None
        else stable_score(image.data, "liveness"),
        search=overrides.search
        if overrides.search is not None
        else stable_score(image.data, "search", low=SEARCH_FLOOR),
    )


def check_session_open(state: TenantState, session: LivenessSession) -> None:
    """Step 1: refuse a session that has expired or was already used."""
    sweep_expired(state)
    current = state.liveness_sessions[session.id]
    if current.status is LivenessSessionStatus.EXPIRED:
        expired_at = format_timestamp(current.expiresAt)
        raise LivenessSessionExpiredError(f"Liveness session expired at {expired_at}")
    if current.status is not LivenessSessionStatus.ACTIVE:
        raise LivenessSessionUsedError(f"Liveness session already {current.status.value}")


class ValidationRun:
    """One validate call on one tenant: applies the outcome to every record it touches."""

    def __init__(self, state: TenantState, session: LivenessSession, secret: str) -> None:
        self.state = state
        self.secret = secret
        self.session = session
        self.validation = state.validations[state.validation_of_session[session.id]]
        self.flow = state.project_flows[str(self.validation.projectFlow)]
        self.now: datetime = state.clock.now()

    def run(self, image: DecodedImage, scores: Scores) -> ValidationResult:
        """Steps 2 to 6; raises the documented error after recording a failure."""
        self.now = self.state.clock.tick()
        self._close_session()
        if scores.liveness < self.flow.livenessMinScore:
            self._fail(scores, liveness_passed=False)
            token = f"liveness_failed@{scores.liveness:.2f}"
            raise LivenessFailedError(
                f"Liveness score {scores.liveness} is under the flow's livenessMinScore "
                f"{self.flow.livenessMinScore} ({token})",
                observed_token=token,
            )
        person = self._search(scores)
        return self._complete(image, scores, person)

    def _close_session(self) -> None:
        self.session = self.session.model_copy(
            update={"status": LivenessSessionStatus.COMPLETED, "updatedAt": self.now}
        )
        self.state.liveness_sessions[self.session.id] = self.session

    def _search(self, scores: Scores) -> Person:
        collection = self.flow.assignedCollection
        if collection is None or collection not in self.state.collections:
            self._fail(scores, liveness_passed=True)
            raise CollectionNotSetError(f"Project flow {self.flow.id} has no collection to search")
        enrolled = self.state.find_person(collection, self.validation.identifier)
        if enrolled is None and self.validation.type is not BiometricValidationType.LOGIN:
            return self._enrol(collection)
        if enrolled is None or scores.search < self.flow.searchMinScore:
            self._fail(scores, liveness_passed=True)
            raise _person_not_found(self.flow, scores, enrolled)
        return enrolled

    def _enrol(self, collection: str) -> Person:
        person = Person(
            id=self.state.ids.new(self.now),
            client=self.state.client.id,
            collection=collection,
            identifier=self.validation.identifier,
            name=person_name(self.validation.identifier),
            createdAt=self.now,
            updatedAt=self.now,
        )
        self.state.put_person(person)
        emit_validation_event(self.state, self.validation, "created_person")
        return person

    def _fail(self, scores: Scores, liveness_passed: bool) -> None:
        outcome = CheckOutcome.PASSED if liveness_passed else CheckOutcome.FAILED
        self._update_validation(
            status=BiometricValidationStatus.FAILED,
            biometricData=BiometricData(quality="good", livenessScore=scores.liveness),
            verificationResults=VerificationResults(
                livenessDetection=outcome,
                identityMatch=CheckOutcome.FAILED if liveness_passed else None,
                antiSpoofing=outcome,
            ),
            riskScore=round(1 - scores.liveness, 2),
        )
        if not liveness_passed:
            emit_validation_event(self.state, self.validation, "liveness_failed")
        emit_validation_event(self.state, self.validation)

    def _complete(self, image: DecodedImage, scores: Scores, person: Person) -> ValidationResult:
        face_template = hashlib.blake2b(image.data, digest_size=16).hexdigest()
        self._update_validation(
            status=BiometricValidationStatus.COMPLETED,
            biometricData=BiometricData(
                template=face_template, quality="good", livenessScore=scores.liveness
            ),
            verificationResults=VerificationResults(
                livenessDetection=CheckOutcome.PASSED,
                identityMatch=CheckOutcome.PASSED,
                qualityScore=scores.search,
                antiSpoofing=CheckOutcome.PASSED,
            ),
            riskScore=round(1 - scores.liveness, 2),
            completedAt=self.now,
        )
        emit_validation_event(self.state, self.validation)
        app_login = self._app_login(person)
        claims = {"appLogin": app_login.id, "person": person.id, "pf": self.flow.id}
        return ValidationResult(
            appLogin=app_login,
            livenessSession=self.session,
            person=person.id,
            token=tokens.encode(claims, self.secret),
        )

    def _app_login(self, person: Person) -> AppLogin:
        app_login = AppLogin(
            id=self.state.ids.new(self.now),
            project=str(self.validation.project or self.flow.project),
            projectFlow=self.flow.id,
            client=self.state.client.id,
            status=AppLoginStatus.VALIDATED,
            biometricValidation=self.validation.id,
            face=self.state.ids.new(self.now),
            name=person.name,
            createdAt=self.now,
            updatedAt=self.now,
        )
        self.state.app_logins[app_login.id] = app_login
        return app_login

    def _update_validation(self, **changes: object) -> None:
        self.validation = self.validation.model_copy(update={**changes, "updatedAt": self.now})
        self.state.put_validation(self.validation)


def _person_not_found(flow: ProjectFlow, scores: Scores, enrolled: Person | None) -> MockError:
    if enrolled is None:
        return PersonNotFoundError("No person is enrolled under this identifier (person_not_found)")
    return PersonNotFoundError(
        f"Best match scored {scores.search}, under the flow's searchMinScore "
        f"{flow.searchMinScore} (person_not_found)"
    )


def response_signature(result: ValidationResult, secret: str) -> str:
    """A stable signature of a validate answer: 12 hex of an HMAC over its app login."""
    digest = hmac.new(secret.encode(), result.appLogin.id.encode(), hashlib.sha256).hexdigest()
    return digest[:12]


def response_id(state: TenantState) -> str:
    """A 5-character response id, like Verifik's (``A73ZL``), from the tenant's random."""
    return "".join(state.random.choices(string.ascii_uppercase + string.digits, k=5))


def validate_capture(
    state: TenantState,
    session: LivenessSession,
    encoded_image: str,
    request_overrides: ScoreOverrides,
    settings: Settings,
) -> ValidationResult:
    """Run the six steps for the capture ``encoded_image`` on ``session``'s validation."""
    check_session_open(state, session)
    image = decode_image(encoded_image, settings.max_image_bytes)
    run = ValidationRun(state, state.liveness_sessions[session.id], settings.session_secret)
    identifier = run.validation.identifier
    hints = score_hints(image)
    overrides = (
        request_overrides.over(take_rule(state.scenario_rules, identifier))
        .over(magic_overrides(identifier))
        .over(ScoreOverrides(liveness=hints.get("liveness"), search=hints.get("search")))
        .over(ScoreOverrides(liveness=settings.liveness_score, search=settings.search_score))
    )
    return run.run(image, capture_scores(image, overrides))
