"""``POST /v2/biometric-validations/validate`` end to end: the happy path, every failure
through every injection layer (headers, control-API rules, magic identifiers, sample images,
server-wide settings), their precedence, the state each leaves, the webhooks that follow,
session expiry on the mock clock, and document-liveness score injection."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.answers import Json, assert_error, get_answer, seeded_flow
from tests.contract_schema import assert_matches_schema
from tests.sample_images import face_png
from verifik_mock import Settings, create_app
from verifik_mock.server import RunningServer, serve_in_thread

VALIDATIONS = "/v2/biometric-validations"
VALIDATE = "/v2/biometric-validations/validate"
DOCUMENT_LIVENESS = "/v2/document-liveness"
SCENARIOS = "/__mock__/scenarios"
WEBHOOKS = "/__mock__/webhooks"
IMAGES = Path(__file__).parents[1] / "fixtures" / "images"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
RESPONSE_ID = re.compile(r"^[A-Z0-9]{5}$")
ANA = "ana@example.com"
DEFAULT_LIVENESS_MIN = 0.55
WEBHOOK_WAIT_SECONDS = 5.0
WEBHOOK_POLL_SECONDS = 0.02
SMALL_FACE = face_png(size=8)
"""A face small enough for a server whose image limit is 100 bytes, with no score hint."""
DOCUMENT_CHECKS = ("screenReplay", "printedCopy", "portraitSubstitution", "digitalManipulation")

ServerPool = Callable[[Settings], RunningServer]
ClientFor = Callable[[Settings | None], httpx.Client]


# ---- a webhook receiver on loopback -----------------------------------------------------


@dataclass(frozen=True)
class ReceivedWebhook:
    """One POST the receiver got: its raw body, parsed body and signature header."""

    raw: bytes
    body: Json
    signature: str


class WebhookReceiver:
    """A loopback Starlette app that records every JSON body posted to it, by path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: dict[str, list[ReceivedWebhook]] = {}
        self.base_url = ""
        self.app = Starlette(routes=[Route("/{path:path}", self._receive, methods=["POST"])])

    async def _receive(self, request: Request) -> Response:
        raw = await request.body()
        webhook = ReceivedWebhook(
            raw=raw,
            body=await request.json(),
            signature=request.headers.get("x-verifik-signature", ""),
        )
        with self._lock:
            self._received.setdefault(request.url.path, []).append(webhook)
        return Response(status_code=204)

    def new_url(self) -> str:
        """A URL no other test posts to."""
        return f"{self.base_url}/hooks/{uuid.uuid4().hex}"

    def received(self, url: str) -> list[ReceivedWebhook]:
        """What was posted to ``url`` so far, in arrival order."""
        path = url.removeprefix(self.base_url)
        with self._lock:
            return list(self._received.get(path, []))


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver serving on loopback for this module."""
    hooks = WebhookReceiver()
    with serve_in_thread(hooks.app) as running:
        hooks.base_url = running.base_url
        yield hooks


# ---- servers with other settings --------------------------------------------------------


@pytest.fixture(scope="module")
def own_servers() -> Iterator[ServerPool]:
    """Mock servers with non-default settings, each started on first use and kept."""
    with ExitStack() as stack:
        started: dict[Settings, RunningServer] = {}

        def server_with(settings: Settings) -> RunningServer:
            if settings not in started:
                app = create_app(settings)
                started[settings] = stack.enter_context(serve_in_thread(app))
            return started[settings]

        yield server_with


@pytest.fixture
def client_for(client: httpx.Client, token: str, own_servers: ServerPool) -> Iterator[ClientFor]:
    """The test's tenant on the shared server (None) or on a server with other settings."""
    with ExitStack() as stack:

        def tenant_client(settings: Settings | None) -> httpx.Client:
            if settings is None:
                return client
            server = own_servers(settings)
            auth = {"Authorization": f"Bearer {token}"}
            return stack.enter_context(
                httpx.Client(base_url=server.base_url, headers=auth, timeout=10)
            )

        yield tenant_client


# ---- module-level helpers ---------------------------------------------------------------


def sample(name: str) -> bytes:
    """A sample image of ``fixtures/images``."""
    return (IMAGES / name).read_bytes()


def encoded(image: bytes) -> str:
    """``image`` as the raw base64 validate takes."""
    return base64.b64encode(image).decode()


def create_validation(http: httpx.Client, flow: Json, identifier: str = ANA, **extra: Any) -> Json:
    """Create a validation of the flow's type on ``flow``; the create answer's record."""
    body = {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": identifier,
        "type": flow["type"],
    } | extra
    response = http.post(VALIDATIONS, json=body)
    assert response.status_code == 200, response.text
    assert_matches_schema(response.json(), "CreatedBiometricValidationResponse")
    created: Json = response.json()["data"]
    return created


def post_capture(
    http: httpx.Client, session_token: str, image: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """Validate with the already encoded ``image``, authenticated by ``session_token``."""
    return http.post(
        VALIDATE,
        json={"image": image},
        headers={"Authorization": f"Bearer {session_token}", **(headers or {})},
    )


def validate(
    http: httpx.Client, session_token: str, image: bytes, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """Validate with ``image``, authenticated by ``session_token``."""
    return post_capture(http, session_token, encoded(image), headers)


def retrieve(http: httpx.Client, validation_id: str) -> Json:
    """The validation as retrieve answers it, with its liveness session populated."""
    path = f"{VALIDATIONS}/{validation_id}"
    params = {"populates[]": "livenessSession"}
    record: Json = get_answer(http, path, "BiometricValidationResponse", **params)["data"]
    return record


def enrol(http: httpx.Client, identifier: str = ANA) -> str:
    """Enrol ``identifier`` with face-pass.png through an onboarding; the person's id."""
    created = create_validation(http, seeded_flow(http, "onboarding"), identifier)
    response = validate(http, created["token"], sample("face-pass.png"))
    assert response.status_code == 200, response.text
    person: str = response.json()["data"]["person"]
    return person


def set_rule(http: httpx.Client, identifier: str, **rule: Any) -> Json:
    """Set a control-API scenario rule for ``identifier``; the rules now in force."""
    response = http.post(SCENARIOS, json={"identifier": identifier, **rule})
    assert response.status_code == 200, response.text
    assert_matches_schema(response.json(), "ScenarioRuleList")
    rules: Json = response.json()
    return rules


def rules_of(http: httpx.Client, identifier: str) -> list[Json]:
    """The rules in force for ``identifier``, as ``GET /__mock__/scenarios`` lists them."""
    rules: list[Json] = get_answer(http, SCENARIOS, "ScenarioRuleList")["data"]
    return [rule for rule in rules if rule["identifier"] == identifier]


def settled_deliveries(http: httpx.Client, validation_id: str) -> list[Json]:
    """The validation's webhook deliveries, oldest first, once none is still pending."""
    deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
    for _ in range(int(WEBHOOK_WAIT_SECONDS / WEBHOOK_POLL_SECONDS)):
        answer = get_answer(http, WEBHOOKS, "WebhookDeliveryList")["data"]
        deliveries = [d for d in answer if d["body"]["object"]["_id"] == validation_id]
        if all(d["state"] != "pending" for d in deliveries) or time.monotonic() > deadline:
            break
        time.sleep(WEBHOOK_POLL_SECONDS)
    assert all(d["state"] != "pending" for d in deliveries), deliveries
    return list(reversed(deliveries))


def event_types(http: httpx.Client, validation_id: str) -> list[str]:
    """The types of the validation's webhook events, in the order they happened."""
    return [delivery["type"] for delivery in settled_deliveries(http, validation_id)]


def delivered_types(
    http: httpx.Client, receiver: WebhookReceiver, url: str, validation_id: str
) -> list[str]:
    """The validation's event types, in order, having checked each reached ``url``."""
    deliveries = settled_deliveries(http, validation_id)
    assert {d["state"] for d in deliveries} == {"delivered"}, deliveries
    types = [delivery["type"] for delivery in deliveries]
    assert sorted(w.body["type"] for w in receiver.received(url)) == sorted(types)
    return types


def events(flow_type: str, *suffixes: str) -> list[str]:
    """The webhook event types ``<flowType>_biometric_validation_<suffix>``."""
    return [f"{flow_type}_biometric_validation_{suffix}" for suffix in suffixes]


def assert_failed_validate(
    response: httpx.Response, status: int, code: str, message_part: str
) -> None:
    """``response`` is the error envelope, and its message says ``message_part``."""
    body = assert_error(response, status, code)
    assert message_part in body["error"], body


def assert_untouched(http: httpx.Client, created: Json) -> None:
    """The validation is still ``new`` with an active session, and only its create's event."""
    stored = retrieve(http, created["_id"])
    assert stored["status"] == "new"
    assert stored["livenessSession"]["status"] == "active"
    assert "biometricData" not in stored
    assert event_types(http, created["_id"]) == events("onboarding", "new")


def clock_now(http: httpx.Client) -> datetime:
    """The tenant's mock clock."""
    return datetime.fromisoformat(get_answer(http, "/__mock__/clock", "ClockView")["now"])


def wire_instant(instant: datetime) -> str:
    """``instant`` as the API writes one."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def wire_instant_ms(instant: datetime) -> str:
    """``instant`` with its milliseconds, as the control API takes one."""
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---- the happy path ---------------------------------------------------------------------


def test_onboarding_validate_answers_the_pages_shape(client: httpx.Client) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))

    response = validate(client, created["token"], sample("face-pass.png"))

    assert response.status_code == 200, response.text
    answer = response.json()
    assert_matches_schema(answer, "ValidateResponse")
    data = answer["data"]
    assert data["appLogin"]["status"] == "validated"
    assert data["appLogin"]["type"] == "faceLiveness"
    assert data["appLogin"]["biometricValidation"] == created["_id"]
    assert data["livenessSession"]["_id"] == created["livenessSession"]
    assert data["livenessSession"]["status"] == "completed"
    assert OBJECT_ID.match(data["person"])
    assert data["token"].count(".") == 2
    assert isinstance(answer["signature"], str)
    assert answer["signature"]
    assert RESPONSE_ID.match(answer["id"])


def test_onboarding_validate_completes_the_stored_validation_and_its_session(
    client: httpx.Client,
) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))
    assert validate(client, created["token"], sample("face-pass.png")).status_code == 200

    stored = retrieve(client, created["_id"])

    assert stored["status"] == "completed"
    liveness = stored["biometricData"]["livenessScore"]
    assert 0.70 <= liveness <= 0.99
    results = stored["verificationResults"]
    assert (results["livenessDetection"], results["identityMatch"], results["antiSpoofing"]) == (
        "passed",
        "passed",
        "passed",
    )
    assert stored["riskScore"] == round(1 - liveness, 2)
    assert stored["completedAt"] == stored["updatedAt"]
    assert stored["livenessSession"]["status"] == "completed"


def test_onboarding_validate_posts_new_created_person_and_completed_webhooks(
    client: httpx.Client, receiver: WebhookReceiver
) -> None:
    url = receiver.new_url()
    created = create_validation(client, seeded_flow(client, "onboarding"), webhookUrl=url)
    assert validate(client, created["token"], sample("face-pass.png")).status_code == 200

    types = delivered_types(client, receiver, url, created["_id"])

    assert types == events("onboarding", "new", "created_person", "completed")
    received = {w.body["type"]: w for w in receiver.received(url)}
    assert received[types[-1]].body["object"]["status"] == "completed"
    secret = get_answer(client, WEBHOOKS, "WebhookDeliveryList")["secret"]
    for webhook in received.values():
        digest = hmac.new(secret.encode(), webhook.raw, hashlib.sha256).hexdigest()
        assert webhook.signature == f"sha256={digest}"


def test_login_after_onboarding_finds_the_enrolled_person(client: httpx.Client) -> None:
    person = enrol(client)
    created = create_validation(client, seeded_flow(client, "login"))

    response = validate(client, created["token"], sample("face-pass.png"))

    assert response.status_code == 200, response.text
    assert response.json()["data"]["person"] == person
    assert retrieve(client, created["_id"])["status"] == "completed"
    assert event_types(client, created["_id"]) == events("login", "new", "completed")


def test_same_image_gets_the_same_scores_in_two_tenants(
    client: httpx.Client, server: RunningServer
) -> None:
    image = face_png(tone=37)
    other_auth = {"Authorization": f"Bearer test-{uuid.uuid4().hex}"}
    with httpx.Client(base_url=server.base_url, headers=other_auth, timeout=10) as other:
        scores = []
        for http in (client, other):
            created = create_validation(http, seeded_flow(http, "onboarding"))
            assert validate(http, created["token"], image).status_code == 200
            stored = retrieve(http, created["_id"])
            scores.append((stored["biometricData"]["livenessScore"], stored["verificationResults"]))

    assert scores[0] == scores[1]


# ---- failures through each injection layer ---------------------------------------------


@dataclass(frozen=True)
class Injection:
    """A capture with scores forced through one or more layers; unset fields force nothing."""

    identifier: str = ANA
    image: str = "face-pass.png"
    headers: dict[str, str] = field(default_factory=dict)
    rule: dict[str, float] = field(default_factory=dict)
    """Scores of a control-API rule set for ``identifier`` just before validating."""
    settings: Settings | None = None
    """Server-wide settings: the capture runs on a server of its own with them."""


def run_injection(
    http: httpx.Client, injection: Injection, flow_type: str, **extra: Any
) -> tuple[Json, httpx.Response]:
    """Create a validation for the injection's identifier and validate its capture."""
    if injection.rule:
        set_rule(http, injection.identifier, **injection.rule)
    created = create_validation(http, seeded_flow(http, flow_type), injection.identifier, **extra)
    response = validate(http, created["token"], sample(injection.image), injection.headers)
    return created, response


LIVENESS_LAYERS = [
    pytest.param(Injection(headers={"X-Mock-Liveness-Score": "0.3"}), 0.30, id="header"),
    pytest.param(Injection(rule={"livenessScore": 0.3}), 0.30, id="rule"),
    pytest.param(Injection(identifier="ana+liveness_fail@example.com"), 0.20, id="magic"),
    pytest.param(Injection(image="face-spoof.png"), 0.30, id="image-hint"),
    pytest.param(Injection(settings=Settings(liveness_score=0.3)), 0.30, id="server-wide"),
]
"""Each layer that can force a failing liveness score, and the score it forces."""


@pytest.mark.parametrize(("injection", "score"), LIVENESS_LAYERS)
def test_low_liveness_from_each_layer_answers_liveness_failed(
    client_for: ClientFor, injection: Injection, score: float
) -> None:
    http = client_for(injection.settings)

    _, response = run_injection(http, injection, "onboarding")

    assert_failed_validate(response, 409, "LIVENESS_FAILED", f"liveness_failed@{score:.2f}")


@pytest.mark.parametrize(("injection", "score"), LIVENESS_LAYERS)
def test_low_liveness_from_each_layer_fails_the_validation_and_uses_its_session(
    client_for: ClientFor, injection: Injection, score: float
) -> None:
    http = client_for(injection.settings)
    created, _ = run_injection(http, injection, "onboarding")

    stored = retrieve(http, created["_id"])

    assert stored["status"] == "failed"
    assert stored["biometricData"]["livenessScore"] == score
    assert stored["verificationResults"]["livenessDetection"] == "failed"
    assert stored["verificationResults"]["antiSpoofing"] == "failed"
    assert stored["riskScore"] == round(1 - score, 2)
    assert stored["livenessSession"]["status"] == "completed"
    again = validate(http, created["token"], sample("face-pass.png"))
    assert_error(again, 409, "LIVENESS_SESSION_USED")


@pytest.mark.parametrize(("injection", "score"), LIVENESS_LAYERS)
def test_low_liveness_from_each_layer_posts_liveness_failed_then_failed_webhooks(
    client_for: ClientFor, receiver: WebhookReceiver, injection: Injection, score: float
) -> None:
    http = client_for(injection.settings)
    url = receiver.new_url()
    created, _ = run_injection(http, injection, "onboarding", webhookUrl=url)

    types = delivered_types(http, receiver, url, created["_id"])

    assert types == events("onboarding", "new", "liveness_failed", "failed")
    last = {w.body["type"]: w.body for w in receiver.received(url)}[types[-1]]
    assert last["object"]["status"] == "failed"
    assert last["object"]["biometricData"]["livenessScore"] == score


NO_MATCH_LAYERS = [
    pytest.param(Injection(headers={"X-Mock-Search-Score": "0.5"}), 0.5, id="header"),
    pytest.param(Injection(rule={"searchScore": 0.5}), 0.5, id="rule"),
    pytest.param(Injection(identifier="ana+no_match@example.com"), 0.1, id="magic"),
    pytest.param(Injection(image="face-stranger.png"), 0.4, id="image-hint"),
    pytest.param(Injection(settings=Settings(search_score=0.5)), 0.5, id="server-wide"),
]
"""Each layer that can force a search score under 0.85, and the score it forces."""


@pytest.mark.parametrize(("injection", "score"), NO_MATCH_LAYERS)
def test_low_search_score_from_each_layer_answers_person_not_found_on_login(
    client_for: ClientFor, injection: Injection, score: float
) -> None:
    http = client_for(injection.settings)
    enrol(http, injection.identifier)

    _, response = run_injection(http, injection, "login")

    assert_failed_validate(response, 404, "PERSON_NOT_FOUND", f"scored {score}")
    assert "searchMinScore 0.85" in response.json()["error"]


@pytest.mark.parametrize(("injection", "score"), NO_MATCH_LAYERS)
def test_low_search_score_from_each_layer_fails_the_login_and_posts_failed(
    client_for: ClientFor, receiver: WebhookReceiver, injection: Injection, score: float
) -> None:
    http = client_for(injection.settings)
    enrol(http, injection.identifier)
    url = receiver.new_url()
    created, _ = run_injection(http, injection, "login", webhookUrl=url)

    stored = retrieve(http, created["_id"])

    assert stored["status"] == "failed"
    assert stored["verificationResults"]["livenessDetection"] == "passed"
    assert stored["verificationResults"]["identityMatch"] == "failed"
    assert stored["livenessSession"]["status"] == "completed"
    types = delivered_types(http, receiver, url, created["_id"])
    assert types == events("login", "new", "failed")


def test_login_for_an_identifier_nobody_enrolled_answers_person_not_found(
    client: httpx.Client,
) -> None:
    created = create_validation(client, seeded_flow(client, "login"), "nobody@example.com")

    response = validate(client, created["token"], sample("face-pass.png"))

    assert_failed_validate(response, 404, "PERSON_NOT_FOUND", "No person is enrolled")
    stored = retrieve(client, created["_id"])
    assert stored["status"] == "failed"
    assert stored["verificationResults"]["identityMatch"] == "failed"
    assert stored["livenessSession"]["status"] == "completed"
    assert event_types(client, created["_id"]) == events("login", "new", "failed")


# ---- scenario rules count down -----------------------------------------------------------


def test_rule_with_times_applies_to_exactly_that_many_validations(
    client: httpx.Client,
) -> None:
    identifier = "bruno@example.com"
    set_rule(client, identifier, livenessScore=0.41, times=2)
    flow = seeded_flow(client, "onboarding")
    remaining, outcomes = [], []

    for _ in range(3):
        remaining.append([rule.get("remaining") for rule in rules_of(client, identifier)])
        created = create_validation(client, flow, identifier)
        response = validate(client, created["token"], sample("face-pass.png"))
        outcomes.append((response.status_code, retrieve(client, created["_id"])))

    assert remaining == [[2], [1], []]
    assert [status for status, _ in outcomes] == [409, 409, 200]
    assert [stored["biometricData"]["livenessScore"] for _, stored in outcomes[:2]] == [
        0.41,
        0.41,
    ]
    assert 0.70 <= outcomes[2][1]["biometricData"]["livenessScore"] <= 0.99


# ---- precedence: headers > rule > magic identifier > image hint > server-wide > bytes ---


@pytest.mark.parametrize(
    ("injection", "liveness"),
    [
        pytest.param(
            Injection(
                identifier="ana+liveness_fail@example.com",
                headers={"X-Mock-Liveness-Score": "0.9"},
            ),
            0.9,
            id="header-beats-magic-identifier",
        ),
        pytest.param(
            Injection(headers={"X-Mock-Liveness-Score": "0.3"}, rule={"livenessScore": 0.9}),
            0.3,
            id="header-beats-rule",
        ),
        pytest.param(
            Injection(identifier="ana+liveness_fail@example.com", rule={"livenessScore": 0.9}),
            0.9,
            id="rule-beats-magic-identifier",
        ),
        pytest.param(
            Injection(identifier="ana+liveness_fail@example.com", image="face-borderline.png"),
            0.2,
            id="magic-identifier-beats-image-hint",
        ),
        pytest.param(
            Injection(image="face-spoof.png", settings=Settings(liveness_score=0.9)),
            0.3,
            id="image-hint-beats-server-wide",
        ),
        pytest.param(
            Injection(settings=Settings(liveness_score=0.3)),
            0.3,
            id="server-wide-beats-image-bytes",
        ),
        pytest.param(
            Injection(
                headers={"X-Mock-Liveness-Score": "0.9"}, settings=Settings(liveness_score=0.3)
            ),
            0.9,
            id="header-beats-server-wide",
        ),
    ],
)
def test_more_specific_layer_decides_the_liveness_score(
    client_for: ClientFor, injection: Injection, liveness: float
) -> None:
    http = client_for(injection.settings)

    created, response = run_injection(http, injection, "onboarding")

    if liveness >= DEFAULT_LIVENESS_MIN:
        assert response.status_code == 200, response.text
    else:
        assert_failed_validate(response, 409, "LIVENESS_FAILED", f"liveness_failed@{liveness:.2f}")
    assert retrieve(http, created["_id"])["biometricData"]["livenessScore"] == liveness


@pytest.mark.parametrize(
    ("injection", "search"),
    [
        pytest.param(
            Injection(
                identifier="ana+no_match@example.com", headers={"X-Mock-Search-Score": "0.95"}
            ),
            0.95,
            id="header-beats-magic-identifier",
        ),
        pytest.param(
            Injection(identifier="ana+no_match@example.com", rule={"searchScore": 0.95}),
            0.95,
            id="rule-beats-magic-identifier",
        ),
        pytest.param(
            Injection(identifier="ana+no_match@example.com", image="face-stranger.png"),
            0.1,
            id="magic-identifier-beats-image-hint",
        ),
        pytest.param(
            Injection(image="face-stranger.png", settings=Settings(search_score=0.95)),
            0.4,
            id="image-hint-beats-server-wide",
        ),
        pytest.param(
            Injection(headers={"X-Mock-Search-Score": "0.9"}, settings=Settings(search_score=0.5)),
            0.9,
            id="header-beats-server-wide",
        ),
    ],
)
def test_more_specific_layer_decides_the_search_score(
    client_for: ClientFor, injection: Injection, search: float
) -> None:
    http = client_for(injection.settings)
    enrol(http, injection.identifier)

    created, response = run_injection(http, injection, "login")

    if search >= 0.85:
        assert response.status_code == 200, response.text
        assert retrieve(http, created["_id"])["verificationResults"]["qualityScore"] == search
    else:
        assert_failed_validate(response, 404, "PERSON_NOT_FOUND", f"scored {search},")


# ---- thresholds ---------------------------------------------------------------------------


def test_liveness_equal_to_the_threshold_passes(client: httpx.Client) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))

    response = validate(client, created["token"], sample("face-borderline.png"))

    assert response.status_code == 200, response.text
    assert retrieve(client, created["_id"])["biometricData"]["livenessScore"] == 0.55


@pytest.mark.parametrize(("header", "status"), [("0.8", 409), ("0.9", 200)])
def test_custom_flow_judges_liveness_by_its_own_min_score(
    client: httpx.Client, header: str, status: int
) -> None:
    body = {
        "project": seeded_flow(client, "onboarding")["project"],
        "name": "Strict onboarding",
        "type": "onboarding",
        "livenessMinScore": 0.9,
    }
    answer = client.post("/v2/project-flows", json=body)
    assert answer.status_code == 200, answer.text
    assert_matches_schema(answer.json(), "ProjectFlowResponse")
    created = create_validation(client, answer.json()["data"])

    response = validate(
        client, created["token"], sample("face-pass.png"), {"X-Mock-Liveness-Score": header}
    )

    assert response.status_code == status, response.text
    if status == 409:
        assert_failed_validate(response, 409, "LIVENESS_FAILED", "liveness_failed@0.80")
        assert "livenessMinScore 0.9" in response.json()["error"]


@pytest.mark.parametrize(
    ("below_threshold", "status"),
    [(0.0, 200), (0.01, 404)],
    ids=["equal-passes", "a-hundredth-under-fails"],
)
def test_search_score_equal_to_the_threshold_passes(
    client: httpx.Client, below_threshold: float, status: int
) -> None:
    enrol(client)
    flow = seeded_flow(client, "login")
    score = round(flow["searchMinScore"] - below_threshold, 2)
    created = create_validation(client, flow)

    response = validate(
        client, created["token"], sample("face-pass.png"), {"X-Mock-Search-Score": str(score)}
    )

    if status == 200:
        assert response.status_code == 200, response.text
        assert retrieve(client, created["_id"])["verificationResults"]["qualityScore"] == score
    else:
        assert_failed_validate(response, 404, "PERSON_NOT_FOUND", f"scored {score},")


# ---- session failures ---------------------------------------------------------------------


def test_validating_twice_answers_liveness_session_used_and_changes_nothing(
    client: httpx.Client,
) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))
    assert validate(client, created["token"], sample("face-pass.png")).status_code == 200
    before = retrieve(client, created["_id"])

    response = validate(client, created["token"], sample("face-pass.png"))

    assert_failed_validate(response, 409, "LIVENESS_SESSION_USED", "already completed")
    assert retrieve(client, created["_id"]) == before
    assert event_types(client, created["_id"]) == events(
        "onboarding", "new", "created_person", "completed"
    )


def advance_eleven_minutes(http: httpx.Client) -> httpx.Response:
    """Move the mock clock on by 11 minutes with ``POST /__mock__/clock/advance``."""
    return http.post("/__mock__/clock/advance", json={"minutes": 11})


def set_clock_eleven_minutes_on(http: httpx.Client) -> httpx.Response:
    """Move the mock clock on by 11 minutes with ``POST /__mock__/clock``."""
    later = clock_now(http) + timedelta(minutes=11)
    return http.post("/__mock__/clock", json={"now": wire_instant(later)})


CLOCK_MOVES = [
    pytest.param(advance_eleven_minutes, id="advance"),
    pytest.param(set_clock_eleven_minutes_on, id="set"),
]


@pytest.mark.parametrize("move_clock", CLOCK_MOVES)
def test_moving_the_clock_past_expiry_expires_the_validation_and_posts_expired(
    client: httpx.Client,
    receiver: WebhookReceiver,
    move_clock: Callable[[httpx.Client], httpx.Response],
) -> None:
    url = receiver.new_url()
    expires_at = wire_instant(clock_now(client) + timedelta(minutes=10))
    flow = seeded_flow(client, "onboarding")
    created = create_validation(client, flow, expiresAt=expires_at, webhookUrl=url)

    moved = move_clock(client)

    assert moved.status_code == 200, moved.text
    stored = retrieve(client, created["_id"])
    assert stored["status"] == "expired"
    assert stored["livenessSession"]["status"] == "expired"
    types = delivered_types(client, receiver, url, created["_id"])
    assert types == events("onboarding", "new", "expired")


@pytest.mark.parametrize("move_clock", CLOCK_MOVES)
def test_validate_after_the_clock_passes_expiry_answers_session_expired(
    client: httpx.Client, move_clock: Callable[[httpx.Client], httpx.Response]
) -> None:
    expires_at = wire_instant(clock_now(client) + timedelta(minutes=10))
    created = create_validation(client, seeded_flow(client, "onboarding"), expiresAt=expires_at)
    assert move_clock(client).status_code == 200

    response = validate(client, created["token"], sample("face-pass.png"))

    assert_failed_validate(response, 409, "LIVENESS_SESSION_EXPIRED", "expired")
    assert retrieve(client, created["_id"])["status"] == "expired"
    assert event_types(client, created["_id"]) == events("onboarding", "new", "expired")


def test_session_lasts_ten_minutes_of_mock_time(client: httpx.Client) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))

    client.post("/__mock__/clock/advance", json={"minutes": 9})
    session_at_nine = retrieve(client, created["_id"])["livenessSession"]["status"]
    client.post("/__mock__/clock/advance", json={"minutes": 2})
    session_at_eleven = retrieve(client, created["_id"])["livenessSession"]["status"]
    response = validate(client, created["token"], sample("face-pass.png"))

    assert (session_at_nine, session_at_eleven) == ("active", "expired")
    assert_failed_validate(response, 409, "LIVENESS_SESSION_EXPIRED", "expired")


@pytest.mark.parametrize(
    ("before_expiry", "status"),
    [(timedelta(milliseconds=1), 200), (timedelta(0), 409)],
    ids=["a-millisecond-before", "exactly-at"],
)
def test_session_expires_exactly_at_its_expires_at(
    client: httpx.Client, before_expiry: timedelta, status: int
) -> None:
    created = create_validation(client, seeded_flow(client, "onboarding"))
    session = retrieve(client, created["_id"])["livenessSession"]
    moved_to = datetime.fromisoformat(session["expiresAt"]) - before_expiry
    moved = client.post("/__mock__/clock", json={"now": wire_instant_ms(moved_to)})
    assert moved.status_code == 200, moved.text

    response = validate(client, created["token"], sample("face-pass.png"))

    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert_failed_validate(response, 409, "LIVENESS_SESSION_EXPIRED", session["expiresAt"])


def test_flow_without_collection_answers_collection_not_set(client: httpx.Client) -> None:
    loaded = client.post("/__mock__/fixtures/unconfigured-flow")
    assert loaded.status_code == 200, loaded.text
    flow_id = loaded.json()["projectFlows"][0]
    flow = get_answer(client, f"/v2/project-flows/{flow_id}", "ProjectFlowResponse")["data"]
    created = create_validation(client, flow)

    response = validate(client, created["token"], sample("face-pass.png"))

    assert_failed_validate(response, 409, "COLLECTION_NOT_SET", flow_id)
    stored = retrieve(client, created["_id"])
    assert stored["status"] == "failed"
    assert stored["verificationResults"]["livenessDetection"] == "passed"
    assert stored["livenessSession"]["status"] == "completed"
    assert event_types(client, created["_id"]) == events("login", "new", "failed")


# ---- refusals that change nothing ------------------------------------------------------


def send_tampered_token(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with the session token's signature altered."""
    head, claims, signature = session_token.split(".")
    forged = f"{head}.{claims}.{signature[::-1]}"
    return validate(http, forged, sample("face-pass.png"))


def send_client_token(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with the client's own token instead of the session's."""
    return http.post(VALIDATE, json={"image": encoded(sample("face-pass.png"))})


def send_no_token(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with no ``Authorization`` header at all."""
    request = http.build_request("POST", VALIDATE, json={"image": encoded(sample("face-pass.png"))})
    del request.headers["Authorization"]
    return http.send(request)


def send_text_as_image(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with an ``image`` that is not base64."""
    return post_capture(http, session_token, "not an image!")


def send_gif(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with base64 of a GIF."""
    return validate(http, session_token, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")


def send_bad_score_header(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with a liveness-score header out of range."""
    return validate(http, session_token, sample("face-pass.png"), {"X-Mock-Liveness-Score": "2"})


def send_face_pass(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate with face-pass.png (over a server's small image limit)."""
    return validate(http, session_token, sample("face-pass.png"))


@pytest.mark.parametrize(
    ("send", "settings", "status", "code", "message_part"),
    [
        pytest.param(send_tampered_token, None, 403, "TOKEN_NOT_RIGHT", "token_not_right",
                     id="tampered-token"),
        pytest.param(send_client_token, None, 403, "TOKEN_NOT_RIGHT", "token_not_right",
                     id="client-token"),
        pytest.param(send_no_token, None, 403, "LIVENESS_SESSION_TOKEN_MISSING",
                     "liveness_session_token_missing", id="no-token"),
        pytest.param(send_text_as_image, None, 400, "INVALID_IMAGE_FORMAT", "base64",
                     id="not-base64"),
        pytest.param(send_gif, None, 400, "INVALID_IMAGE_FORMAT", "JPEG or PNG", id="gif"),
        pytest.param(send_bad_score_header, None, 400, "INVALID_PARAMETERS",
                     "x-mock-liveness-score", id="score-header-out-of-range"),
        pytest.param(send_face_pass, Settings(max_image_bytes=100), 413, "IMAGE_TOO_LARGE",
                     "100 bytes", id="image-too-large"),
    ],
)  # fmt: skip
def test_refused_capture_leaves_the_validation_open_for_a_good_one(
    client_for: ClientFor,
    send: Callable[[httpx.Client, str], httpx.Response],
    settings: Settings | None,
    status: int,
    code: str,
    message_part: str,
) -> None:
    http = client_for(settings)
    created = create_validation(http, seeded_flow(http, "onboarding"))

    response = send(http, created["token"])

    assert_failed_validate(response, status, code, message_part)
    assert_untouched(http, created)
    good = validate(http, created["token"], SMALL_FACE)
    assert good.status_code == 200, good.text


# ---- document liveness --------------------------------------------------------------------


def check_document(
    http: httpx.Client, image: bytes, headers: Mapping[str, str] | None = None
) -> Json:
    """Run every document-liveness check on ``image``; the stored record."""
    body = {"image": encoded(image)} | {
        f"validate{name[0].upper()}{name[1:]}": True for name in DOCUMENT_CHECKS
    }
    response = http.post(DOCUMENT_LIVENESS, json=body, headers=headers or {})
    assert response.status_code == 200, response.text
    assert_matches_schema(response.json(), "DocumentLivenessResponse")
    record: Json = response.json()["data"]
    return record


@pytest.mark.parametrize(
    ("hint", "headers", "settings", "failing"),
    [
        pytest.param(None, {"X-Mock-Document-Score": "0.2"}, None, set(DOCUMENT_CHECKS),
                     id="header"),
        pytest.param("screenReplay=0.2", {}, None, {"screenReplay"}, id="image-hint"),
        pytest.param(None, {}, Settings(document_score=0.2), set(DOCUMENT_CHECKS),
                     id="server-wide"),
        pytest.param("screenReplay=0.2", {"X-Mock-Document-Score": "0.9"}, None, set(),
                     id="header-beats-image-hint"),
        pytest.param("screenReplay=0.2", {}, Settings(document_score=0.9), {"screenReplay"},
                     id="image-hint-beats-server-wide"),
    ],
)  # fmt: skip
def test_document_score_injection_fails_exactly_the_forced_checks(
    client_for: ClientFor,
    hint: str | None,
    headers: dict[str, str],
    settings: Settings | None,
    failing: set[str],
) -> None:
    http = client_for(settings)

    record = check_document(http, face_png(hint, tone=11), headers)

    results = record["validationResults"]
    assert {name for name in DOCUMENT_CHECKS if not results[name]["passed"]} == failing
    assert {name for name in failing if results[name]["score"] == 0.2} == failing
    assert record["status"] == ("failed" if failing else "completed")
