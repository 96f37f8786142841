"""What the ``/__mock__`` control API reads and writes: rules, the clock, the journal, webhooks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from verifik_mock.contract_file import Wire
from verifik_mock.models.base import (
    RequestBody,
    RequestInstant,
    Score,
    Timestamp,
    WebUrl,
    WireModel,
)
from verifik_mock.models.enums import HostedOutcome, ProjectFlowType
from verifik_mock.models.requests import IMAGE_TEXT


class ScenarioRuleBody(RequestBody):
    """Force the scores of one identifier's next validations."""

    identifier: str = Field(
        min_length=1, description="The validations' `identifier`; `*` for every identifier."
    )
    livenessScore: Score | None = None
    searchScore: Score | None = None
    times: int | None = Field(
        default=None, ge=1, le=1_000_000, description="How many validations; every one if left out."
    )


class ScenarioRuleView(WireModel):
    """A rule in force."""

    identifier: str
    livenessScore: Score | None = None
    searchScore: Score | None = None
    remaining: int | None = Field(default=None, description="Uses left; absent: unlimited.")


class ScenarioRuleList(WireModel):
    """Every rule of the caller's tenant."""

    success: Literal[True] = True
    data: list[ScenarioRuleView]


class ClockView(WireModel):
    """The caller's mock clock."""

    success: Literal[True] = True
    now: Timestamp


class AdvanceClockBody(RequestBody):
    """Move the mock clock on (sessions and validations past their deadline expire)."""

    seconds: int = Field(default=0, ge=0, le=10 * 365 * 86400)
    minutes: int = Field(default=0, ge=0, le=10 * 365 * 1440)


class SetClockBody(RequestBody):
    """Move the mock clock on to an instant (it never goes back)."""

    now: RequestInstant


class JournalEntry(WireModel):
    """One request the mock answered, one webhook attempt it made, or one tenant it evicted
    from memory; no body, no secret."""

    kind: Literal["request", "webhook", "eviction"]
    at: Timestamp = Field(description="Wall-clock time the entry was made.")
    client: str | None = Field(default=None, description="The tenant, when it is known.")
    method: str | None = Field(default=None, description="Absent for an eviction.")
    path: str | None = Field(
        default=None,
        description="The path, with no query string; for a webhook, its URL without "
        "credentials and with every query value `REDACTED`. Absent for an eviction.",
    )
    operation: str | None = Field(
        default=None,
        description="The operation that served the request; for a webhook, the event's type.",
    )
    status: int | None = Field(default=None, description="HTTP status; absent: no answer.")
    code: str | None = Field(
        default=None,
        description="An error answer's code: the pages' `code`, whichever wire wrote it.",
    )
    fault: str | None = Field(
        default=None,
        description="The fault `X-Mock-Fault` or a fault rule injected: `500`, `502`, "
        "`503`, `429`, `timeout` or `reset`.",
    )
    durationMs: float | None = Field(default=None, description="Absent for an eviction.")
    note: str | None = Field(default=None, description="What an eviction means for the tenant.")


class JournalList(WireModel):
    """The newest journal entries first."""

    success: Literal[True] = True
    data: list[JournalEntry]


class DeliveryAttempt(WireModel):
    """One try at delivering a webhook."""

    at: Timestamp
    status: int | None = Field(default=None, description="The receiver's status, if it answered.")
    error: str | None = Field(default=None, description="Why it did not answer, if it did not.")
    durationMs: float


class WebhookDelivery(WireModel):
    """One webhook event and what became of it."""

    id: str
    client: str
    type: str
    url: str | None = None
    state: Literal["pending", "delivered", "failed", "blocked", "skipped"]
    reason: str | None = Field(default=None, description="Why it was blocked or skipped.")
    signature: str = Field(description="The `X-Verifik-Signature` header it is sent with.")
    body: dict[str, object]
    attempts: list[DeliveryAttempt]


class WebhookDeliveryList(WireModel):
    """The caller's webhook deliveries, newest first, and the secret they are signed with."""

    success: Literal[True] = True
    secret: str = Field(description="HMAC-SHA256 key of `X-Verifik-Signature` for this client.")
    data: list[WebhookDelivery]


class LivenessTokenView(WireModel):
    """The liveness-session token of a validation, as its create answer carried it."""

    success: Literal[True] = True
    token: str
    livenessSession: str


class Answered(WireModel):
    """One distinct answer a tenant was given, as a coverage report counts it: an answer of
    Verifik's API (its operation, status, error code and injected fault; the control API's
    are left out) or a webhook attempt that reached its URL (the event's type as
    ``operation``)."""

    kind: Literal["request", "webhook"]
    operation: str | None = None
    status: int | None = Field(default=None, description="Absent: no answer (a reset).")
    code: str | None = None
    fault: str | None = None


class ResetView(WireModel):
    """What a reset forgot."""

    success: Literal[True] = True
    reset: Literal["tenant", "all"]
    answered: list[Answered] = Field(
        default_factory=list,
        description="A tenant's reset: each distinct answer the tenant was given since its "
        "last reset, webhooks included (the pytest plugin's coverage report reads it as a "
        "test ends, at no extra call). Kept by the process that answered: behind several "
        "workers, read the journal instead (`verifik-mock coverage`).",
    )


class FixtureLoaded(WireModel):
    """What loading a fixture file added to the caller's tenant."""

    success: Literal[True] = True
    fixture: str
    projectFlows: list[str] = Field(description="Ids of the flows it created.")
    persons: list[str] = Field(description="Ids of the persons it enrolled.")
    rules: int = Field(description="How many scenario rules it set.")


class PageExamplesLoaded(WireModel):
    """The pages' example records the caller's tenant holds, by the ids the pages use."""

    success: Literal[True] = True
    project: str
    projectFlow: str
    biometricValidation: str
    livenessSession: str
    appRegistration: str
    documentLiveness: str


class FixtureFlow(RequestBody):
    """A project flow a fixture adds to the tenant's first project."""

    name: str = Field(min_length=1)
    type: ProjectFlowType
    livenessMinScore: Score = 0.55
    searchMinScore: Score = 0.85
    webhookUrl: WebUrl | None = None
    withCollection: bool = Field(
        default=True, description="false: a flow with no collection (COLLECTION_NOT_SET)."
    )


class FixturePerson(RequestBody):
    """A person a fixture enrols in the tenant's collection."""

    identifier: str = Field(min_length=1)
    name: str = Field(min_length=1)


class FixtureFile(RequestBody):
    """A file of ``fixtures/scenarios``: flows, people and rules to load into a tenant."""

    description: str
    projectFlows: list[FixtureFlow] = Field(default_factory=list)
    persons: list[FixturePerson] = Field(default_factory=list)
    rules: list[ScenarioRuleBody] = Field(default_factory=list)


class FaultRuleBody(RequestBody):
    """Make the caller's next API calls slow or fail, as ``X-Mock-*`` headers would."""

    fault: Literal["500", "502", "503", "429", "timeout", "reset"] | None = None
    latencyMs: int = Field(default=0, ge=0, le=60_000)
    times: int | None = Field(
        default=None, ge=1, le=1_000_000, description="How many calls; every one if left out."
    )


class WireBody(RequestBody):
    """Answer the caller's Verifik calls in another wire profile from now on."""

    wire: Wire = Field(
        description="`pages` (as Verifik's pages show answers) or `observed` (as real "
        "captures of its API do)."
    )


class WireView(WireModel):
    """The wire profile the caller's Verifik calls are answered in."""

    success: Literal[True] = True
    wire: Wire
    chosen: bool = Field(description="Whether the tenant chose it (else it is the server's).")


class FaultRuleView(WireModel):
    """The fault in force for the caller's API calls, if any."""

    success: Literal[True] = True
    fault: str | None = None
    latencyMs: int = 0
    remaining: int | None = None
    active: bool


class SentEmail(WireModel):
    """An email Verifik would have sent for a ``sendViaEmail`` validation."""

    to: str
    subject: str
    link: str = Field(description="The hosted capture page the email invites the user to.")
    language: Literal["en", "es"]
    biometricValidation: str
    sentAt: Timestamp


class EmailOutbox(WireModel):
    """The caller's sent emails, newest first."""

    success: Literal[True] = True
    data: list[SentEmail]


class HealthView(WireModel):
    """``GET /healthz``: the mock is up."""

    status: Literal["ok"] = "ok"


SCORE_TEXT = r"(0(\.[0-9]{1,6})?|1(\.0{1,6})?)"
"""A score from 0 to 1 as a form writes it (without anchors)."""


def blank_or(text: str) -> str:
    """A form field's pattern: ``text``, or blank (a browser sends every field, a blank one
    meaning "not given")."""
    return f"^({text})?$"


class HostedCaptureForm(RequestBody):
    """The hosted page's form (blank fields count as not sent)."""

    outcome: HostedOutcome = Field(description="What happens to the capture.")
    livenessScore: str | None = Field(
        default=None,
        pattern=blank_or(SCORE_TEXT),
        description="The score of `fail_liveness`, 0 to 1.",
    )
    image: str | None = Field(
        default=None,
        pattern=blank_or(IMAGE_TEXT),
        description="A photo of the user's own (JPEG or PNG), as base64.",
    )


class HostedCaptureUpload(HostedCaptureForm):
    """The hosted page's form as a browser sends it with a photo file (multipart)."""

    photo: bytes | None = Field(
        default=None, description="A photo file of the user's own (JPEG or PNG)."
    )


class DashboardLoginForm(RequestBody):
    """The dashboard's sign-in form."""

    token: str = Field(min_length=1, max_length=1024, description="The server's `--admin-token`.")


class DashboardForm(RequestBody):
    """A dashboard form's fields, whichever action it posts (blank counts as not sent)."""

    minutes: str | None = Field(default=None, pattern=blank_or("[0-9]{1,6}"))
    identifier: str | None = Field(default=None, max_length=200)
    livenessScore: str | None = Field(default=None, pattern=blank_or(SCORE_TEXT))
    searchScore: str | None = Field(default=None, pattern=blank_or(SCORE_TEXT))
    times: str | None = Field(default=None, pattern=blank_or("[1-9][0-9]{0,5}"))
    delivery: str | None = Field(default=None, description="A webhook delivery's id.")
