"""Webhooks: signed events posted to loopback receivers, retried with backoff, journaled."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.answers import Json, create_example_validation, get_answer, seeded_flow
from verifik_mock import Settings, create_app, tokens
from verifik_mock.contract_file import load_contract
from verifik_mock.journal import RequestJournal
from verifik_mock.models.control import WebhookDelivery
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.server import RunningServer, serve_in_thread
from verifik_mock.state.memory import MemoryEngine
from verifik_mock.testing import VerifikMock
from verifik_mock.webhooks import WebhookDispatcher

VALIDATIONS = "/v2/biometric-validations"
WEBHOOKS = "/__mock__/webhooks"
FAST = Settings(webhook_backoff_seconds=0.05)
"""The default mock with a short backoff: four attempts take about a third of a second."""
SIGNATURE_HEADER = "x-verifik-signature"
LIVENESS = "X-Mock-Liveness-Score"
FINAL_STATES = {"delivered", "failed", "blocked", "skipped"}
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.02
MAX_POLLS = int(WAIT_SECONDS / POLL_SECONDS)


@dataclass(frozen=True)
class ReceivedRequest:
    """One POST a receiver got, and the status it answered."""

    body: bytes
    headers: dict[str, str]
    status: int


class Receiver:
    """A webhook receiver: answers 500 to its first ``refusals`` POSTs, then 200.

    Each answer waits ``delay_seconds`` first; every request is recorded as it came.
    """

    def __init__(self, refusals: int = 0, delay_seconds: float = 0.0) -> None:
        self.refusals = refusals
        self.delay_seconds = delay_seconds
        self.received: list[ReceivedRequest] = []

    def app(self) -> Starlette:
        """The receiver as an ASGI app, taking POSTs at ``/hook``."""
        return Starlette(routes=[Route("/hook", self._receive, methods=["POST"])])

    def accepted(self) -> list[ReceivedRequest]:
        """The requests it answered with 200."""
        return [request for request in self.received if request.status == 200]

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        await asyncio.sleep(self.delay_seconds)
        status = 500 if len(self.received) < self.refusals else 200
        self.received.append(ReceivedRequest(body, dict(request.headers), status))
        return Response(status_code=status)


class RawReceiver:
    """A loopback TCP server below HTTP, in threads of its own: it counts the connections it
    holds and answers none of them, or, given ``trickle_seconds``, answers each request one
    byte at a time, that far apart, for as long as the client stays."""

    TRICKLE = b"HTTP/1.1 200 OK\r\nX-Trickle: "
    """The bytes a trickled answer starts with; ``a`` follows, one byte at a time."""
    POLL_SECONDS = 0.05

    def __init__(self, trickle_seconds: float | None = None) -> None:
        self.trickle_seconds = trickle_seconds
        self.accepted = 0
        self.holding = 0
        self.most_held = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(self.POLL_SECONDS)
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> RawReceiver:
        self._threads[0].start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                self.accepted += 1
                self.holding += 1
                self.most_held = max(self.most_held, self.holding)
            thread = threading.Thread(target=self._hold, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _hold(self, connection: socket.socket) -> None:
        """Keep ``connection`` until its client closes it or the receiver stops."""
        connection.settimeout(self.trickle_seconds or self.POLL_SECONDS)
        sent, requested = 0, False
        with connection:
            while not self._stop.is_set():
                try:
                    received: bytes | None = connection.recv(65536)
                except TimeoutError:
                    received = None
                except OSError:
                    break
                if received == b"":
                    break
                requested = requested or received is not None
                if received is None and requested and self.trickle_seconds is not None:
                    try:
                        connection.sendall(self.TRICKLE[sent : sent + 1] or b"a")
                    except OSError:
                        break
                    sent += 1
        with self._lock:
            self.holding -= 1


StartReceiver = Callable[[Receiver], RunningServer]


@pytest.fixture(scope="module")
def fast_server() -> Iterator[RunningServer]:
    """A mock of its own whose webhook retries come quickly."""
    with serve_in_thread(create_app(FAST)) as running:
        yield running


@pytest.fixture
def fast_client(fast_server: RunningServer, token: str) -> Iterator[httpx.Client]:
    """A client of a fresh tenant on the fast-retrying mock."""
    with connect(fast_server, token) as http:
        yield http


@pytest.fixture
def start_receiver() -> Iterator[StartReceiver]:
    """Start receivers on loopback; each stops when the test ends."""
    with ExitStack() as running:

        def start(receiver: Receiver) -> RunningServer:
            return running.enter_context(serve_in_thread(receiver.app()))

        yield start


def connect(server: RunningServer, token: str) -> httpx.Client:
    """A client of ``server`` authenticated with ``token``."""
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=10)


def hook_url(receiver: RunningServer, host: str | None = None) -> str:
    """The receiver's ``/hook`` URL, on ``host`` when one is given."""
    return f"http://{host or receiver.host}:{receiver.port}/hook"


def webhooks(http: httpx.Client) -> Json:
    """The tenant's webhook deliveries and secret, checked against the contract."""
    return get_answer(http, WEBHOOKS, "WebhookDeliveryList")


def delivery_of(http: httpx.Client, validation_id: str) -> Json:
    """The one delivery of the event ``validation_id``'s creation sent."""
    found: list[Json] = [
        delivery
        for delivery in webhooks(http)["data"]
        if delivery["body"]["object"]["_id"] == validation_id
        and delivery["type"].endswith("_biometric_validation_new")
    ]
    assert len(found) == 1, found
    return found[0]


def settled_delivery_of(http: httpx.Client, validation_id: str) -> Json:
    """``validation_id``'s delivery once it is no longer pending (waiting at most 5 s)."""
    deadline = time.monotonic() + WAIT_SECONDS
    for _ in range(MAX_POLLS):
        delivery = delivery_of(http, validation_id)
        if delivery["state"] in FINAL_STATES or time.monotonic() > deadline:
            return delivery
        time.sleep(POLL_SECONDS)
    return delivery_of(http, validation_id)


def create_and_settle(http: httpx.Client, **fields: str) -> tuple[Json, Json]:
    """Create a validation with ``fields``; it and its creation event's settled delivery."""
    created = create_example_validation(http, **fields)
    return created, settled_delivery_of(http, created["_id"])


def webhook_journal(http: httpx.Client, url: str) -> list[Json]:
    """The journal's webhook attempts at ``url``, newest first."""
    entries = get_answer(http, "/__mock__/journal", "JournalList")["data"]
    return [e for e in entries if e["kind"] == "webhook" and e["path"] == url]


def expected_signature(secret: str, body: bytes) -> str:
    """``X-Verifik-Signature`` as the contract defines it, computed here independently."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


DISPATCHED_CLIENT = "client_dispatched"


def deliver(settings: Settings, *urls: str) -> tuple[list[WebhookDelivery], float]:
    """Submit an event for each of ``urls`` to a dispatcher of its own, on an event loop of
    its own; the deliveries, oldest first, once settled (or after ``WAIT_SECONDS``), and the
    seconds that took."""
    engine = MemoryEngine(100)
    dispatcher = WebhookDispatcher(settings, RequestJournal(engine), engine)
    events = [
        WebhookEvent(
            client=DISPATCHED_CLIENT, type="validation_biometric_validation_new", url=url, object={}
        )
        for url in urls
    ]

    async def submit_and_drain() -> float:
        started = time.monotonic()
        for event in events:
            dispatcher.submit(event)
        await dispatcher.drain(timeout=WAIT_SECONDS)
        return time.monotonic() - started

    seconds = asyncio.run(submit_and_drain())
    return dispatcher.deliveries(DISPATCHED_CLIENT)[::-1], seconds


def test_event_refused_twice_arrives_once_signed_after_three_attempts(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver(refusals=2)
    url = hook_url(start_receiver(receiver))
    created, delivery = create_and_settle(fast_client, webhookUrl=url)

    assert delivery["state"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert [r.status for r in receiver.received] == [500, 500, 200]
    [accepted] = receiver.accepted()
    assert json.loads(accepted.body) == {
        "type": "onboarding_biometric_validation_new",
        "object": {key: value for key, value in created.items() if key != "token"},
    }
    secret = webhooks(fast_client)["secret"]
    assert accepted.headers[SIGNATURE_HEADER] == expected_signature(secret, accepted.body)
    assert accepted.headers["content-type"] == "application/json"
    journal = webhook_journal(fast_client, url)
    assert [e["status"] for e in journal] == [200, 500, 500]
    assert {e["operation"] for e in journal} == {"onboarding_biometric_validation_new"}
    assert {e["method"] for e in journal} == {"POST"}


def test_every_retry_carries_the_same_body_and_signature(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver(refusals=2)
    _, delivery = create_and_settle(fast_client, webhookUrl=hook_url(start_receiver(receiver)))

    assert delivery["state"] == "delivered"
    assert len({r.body for r in receiver.received}) == 1
    assert {r.headers[SIGNATURE_HEADER] for r in receiver.received} == {delivery["signature"]}


def test_delivery_lists_what_was_sent_and_where(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver()
    url = hook_url(start_receiver(receiver))
    created, delivery = create_and_settle(fast_client, webhookUrl=url)

    [accepted] = receiver.accepted()
    assert delivery["url"] == url
    assert delivery["type"] == "onboarding_biometric_validation_new"
    assert delivery["body"] == json.loads(accepted.body)
    assert delivery["client"] == created["client"]


def test_page_webhook_url_on_a_public_host_is_blocked_and_not_sent(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client, webhookUrl="https://example.com/webhook")

    delivery = delivery_of(client, created["_id"])

    assert delivery["state"] == "blocked"
    assert delivery["reason"]
    assert delivery["attempts"] == []
    assert webhook_journal(client, "https://example.com/webhook") == []


@pytest.mark.parametrize(
    ("allowed_hosts", "state"),
    [(("localhost",), "delivered"), ((), "blocked")],
    ids=["allowed", "not-allowed"],
)
def test_with_a_signing_secret_loopback_receives_webhooks_only_when_named(
    start_receiver: StartReceiver, allowed_hosts: tuple[str, ...], state: str
) -> None:
    """A client of a shared mock must not make it post to the services of its machine."""
    receiver = Receiver()
    url = hook_url(start_receiver(receiver), host="localhost")
    settings = Settings(
        webhook_backoff_seconds=0.05, webhook_allowed_hosts=allowed_hosts, signing_secret="s"
    )
    token = tokens.encode({"clientId": "webhooks"}, "s")
    with serve_in_thread(create_app(settings)) as mock, connect(mock, token) as http:
        _, delivery = create_and_settle(http, webhookUrl=url)

    assert delivery["state"] == state
    assert len(receiver.accepted()) == (1 if state == "delivered" else 0)


def test_event_without_any_webhook_url_is_skipped(client: httpx.Client) -> None:
    created = create_example_validation(client)

    delivery = delivery_of(client, created["_id"])

    assert delivery["state"] == "skipped"
    assert "url" not in delivery
    assert delivery["attempts"] == []


def contract_event_types() -> set[str]:
    """The webhook event types the contract lists."""
    webhook = load_contract()["webhooks"]["biometricValidationEvent"]["post"]
    listed = webhook["requestBody"]["content"]["application/json"]["schema"]["properties"]
    return set(listed["type"]["enum"])


@pytest.mark.parametrize("flow_type", ["validation", "login", "onboarding"])
def test_each_flow_type_sends_the_event_types_the_contract_lists(
    client: httpx.Client, token: str, flow_type: str
) -> None:
    verifik = VerifikMock(client, token)
    flow = verifik.project_flows[flow_type]

    def create(identifier: str, type: str) -> str:
        body = {"project": flow["project"], "projectFlow": flow["_id"], "type": type}
        answer = client.post(VALIDATIONS, json=body | {"identifier": identifier})
        return str(answer.json()["data"]["token"])

    face = verifik.sample_image()
    verifik.validate(create("ana@example.com", "onboarding"), face)  # enrols: created_person
    verifik.validate(create("ana@example.com", "onboarding"), face, **{LIVENESS: "0.1"})
    verifik.validate(create("nobody@example.com", "login"), face)  # no person found: failed
    create("eve@example.com", "onboarding")
    verifik.clock.advance(minutes=11)  # every open validation expires

    sent = {delivery["type"] for delivery in verifik.webhook_deliveries()}
    assert sent <= contract_event_types()  # the seeded world's other flows expire too
    of_flow = {t for t in contract_event_types() if t.startswith(f"{flow_type}_biometric_")}
    assert {t for t in sent if t.startswith(f"{flow_type}_biometric_")} == of_flow


def test_flow_webhook_url_is_used_when_the_validation_has_none(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver()
    url = hook_url(start_receiver(receiver))
    project = seeded_flow(fast_client)["project"]
    flow = fast_client.post(
        "/v2/project-flows",
        json={"project": project, "name": "Hooked", "type": "validation", "webhookUrl": url},
    )
    assert flow.status_code == 200, flow.text
    _, delivery = create_and_settle(fast_client, projectFlow=flow.json()["data"]["_id"])

    assert delivery["state"] == "delivered"
    assert delivery["url"] == url
    [accepted] = receiver.accepted()
    assert json.loads(accepted.body)["type"] == "validation_biometric_validation_new"


def test_validation_webhook_url_wins_over_the_flows(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    flow_receiver, validation_receiver = Receiver(), Receiver()
    flow_url = hook_url(start_receiver(flow_receiver))
    validation_url = hook_url(start_receiver(validation_receiver))
    project = seeded_flow(fast_client)["project"]
    flow = fast_client.post(
        "/v2/project-flows",
        json={"project": project, "name": "Hooked", "type": "login", "webhookUrl": flow_url},
    ).json()["data"]
    _, delivery = create_and_settle(fast_client, projectFlow=flow["_id"], webhookUrl=validation_url)

    assert delivery["state"] == "delivered"
    assert len(validation_receiver.accepted()) == 1
    assert flow_receiver.received == []


def test_receiver_that_never_accepts_fails_after_every_attempt(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver(refusals=1_000)
    url = hook_url(start_receiver(receiver))
    _, delivery = create_and_settle(fast_client, webhookUrl=url)

    assert delivery["state"] == "failed"
    assert [a["status"] for a in delivery["attempts"]] == [500] * FAST.webhook_attempts
    assert len(receiver.received) == FAST.webhook_attempts
    assert len(webhook_journal(fast_client, url)) == FAST.webhook_attempts


def test_receiver_nobody_listens_on_fails_with_the_error_named(
    fast_client: httpx.Client,
) -> None:
    with serve_in_thread(Receiver().app()) as gone:
        url = hook_url(gone)
    _, delivery = create_and_settle(fast_client, webhookUrl=url)

    assert delivery["state"] == "failed"
    assert len(delivery["attempts"]) == FAST.webhook_attempts
    assert all("status" not in a and a["error"] for a in delivery["attempts"])


def test_api_answers_without_waiting_for_a_slow_receiver(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    receiver = Receiver(delay_seconds=1.0)
    created = create_example_validation(fast_client, webhookUrl=hook_url(start_receiver(receiver)))

    while_receiving = delivery_of(fast_client, created["_id"])
    settled = settled_delivery_of(fast_client, created["_id"])

    assert while_receiving["state"] == "pending"
    assert while_receiving["attempts"] == []
    assert settled["state"] == "delivered"


def test_webhook_journal_entry_hides_the_url_credentials_and_query_values(
    fast_client: httpx.Client, start_receiver: StartReceiver
) -> None:
    key, password = uuid.uuid4().hex, uuid.uuid4().hex
    receiver = start_receiver(Receiver())
    url = hook_url(receiver)
    with_secrets = f"http://hook-user:{password}@{receiver.host}:{receiver.port}/hook?key={key}&a=1"
    create_and_settle(fast_client, webhookUrl=with_secrets)

    assert len(webhook_journal(fast_client, f"{url}?key=REDACTED&a=REDACTED")) == 1
    journal = fast_client.get("/__mock__/journal", params={"scope": "all", "limit": 1000})
    assert key not in journal.text
    assert password not in journal.text
    assert "hook-user" not in journal.text


def test_signing_secret_is_stable_per_tenant_and_differs_between_tenants(
    client: httpx.Client, server: RunningServer, token: str
) -> None:
    with connect(server, f"{token}-other") as other:
        other_secret = webhooks(other)["secret"]

    assert webhooks(client)["secret"] == webhooks(client)["secret"]
    assert webhooks(client)["secret"] != other_secret


def test_each_tenant_lists_only_its_own_webhook_deliveries(
    server: RunningServer, token: str
) -> None:
    with connect(server, f"{token}-a") as first, connect(server, f"{token}-b") as second:
        created = {
            http: create_example_validation(http, webhookUrl=f"https://example.com/{name}")
            for name, http in (("a", first), ("b", second))
        }
        listed = {http: webhooks(http)["data"] for http in (first, second)}

    for http, record in created.items():
        assert {delivery["client"] for delivery in listed[http]} == {record["client"]}
        assert {delivery["body"]["object"]["_id"] for delivery in listed[http]} == {record["_id"]}
    assert created[first]["client"] != created[second]["client"]


def test_delivery_to_a_url_httpx_refuses_fails_with_the_reason_at_once() -> None:
    [delivery], _ = deliver(Settings(), "http://127.0.0.1:abc/x")

    assert delivery.state == "failed"
    [attempt] = delivery.attempts
    assert attempt.status is None
    assert attempt.error is not None
    assert "Invalid port: 'abc'" in attempt.error


def test_attempt_is_bounded_whole_by_the_webhook_timeout() -> None:
    settings = Settings(webhook_timeout_seconds=1, webhook_attempts=1)
    with RawReceiver(trickle_seconds=0.3) as trickler:
        [delivery], seconds = deliver(settings, trickler.url)

    assert delivery.state == "failed"
    [attempt] = delivery.attempts
    assert attempt.error == "no answer within 1 s"
    assert seconds < 2


def test_deliveries_share_one_concurrency_cap(token: str) -> None:
    settings = Settings(webhook_concurrency=3, webhook_attempts=1)
    with (
        RawReceiver() as silent,
        serve_in_thread(create_app(settings)) as mock,
        connect(mock, token) as http,
    ):
        for tenant in range(4):  # each may hold a share of the slots: together, all of them
            with connect(mock, f"{token}-{tenant}") as tenant_http:
                for _ in range(5):
                    create_example_validation(tenant_http, webhookUrl=f"{silent.url}/hook")
        deadline = time.monotonic() + WAIT_SECONDS
        while silent.accepted < 3 and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        time.sleep(0.5)  # time enough for any connection over the cap to arrive
        started = time.monotonic()
        answer = http.get("/v2/projects")
        answered_in = time.monotonic() - started

        assert (silent.accepted, silent.most_held) == (3, 3)
    assert answer.status_code == 200, answer.text
    assert answered_in < 1


def test_one_tenants_hanging_receiver_does_not_delay_anothers_webhooks(
    token: str, start_receiver: StartReceiver
) -> None:
    settings = Settings(webhook_concurrency=4, webhook_attempts=1, webhook_timeout_seconds=5)
    receiver = Receiver()
    with (
        RawReceiver() as silent,
        serve_in_thread(create_app(settings)) as mock,
        connect(mock, f"{token}-hog") as hog,
        connect(mock, f"{token}-other") as other,
    ):
        for _ in range(12):
            create_example_validation(hog, webhookUrl=f"{silent.url}/hook")
        started = time.monotonic()
        create_example_validation(other, webhookUrl=hook_url(start_receiver(receiver)))
        deadline = started + WAIT_SECONDS
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        arrived_in = time.monotonic() - started
        assert silent.most_held == 1  # the hog holds its share (a quarter of 4), no more
    assert receiver.received, "the other tenant's webhook never arrived"
    assert arrived_in < 2  # not after the hog's attempts time out (5 s each)


def test_delivery_waiting_for_a_slot_is_tried_once_one_frees() -> None:
    settings = Settings(webhook_concurrency=1, webhook_attempts=1, webhook_timeout_seconds=1)
    with RawReceiver() as silent:
        deliveries, _ = deliver(settings, silent.url, silent.url)

    assert [len(delivery.attempts) for delivery in deliveries] == [1, 1]
    assert {attempt.error for d in deliveries for attempt in d.attempts} == {"no answer within 1 s"}
    assert silent.accepted == 2  # the second waited its turn instead of timing out unsent


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
"""The proxy variables httpx reads from the environment, each also in capitals."""


def test_webhooks_ignore_the_environments_proxies(
    monkeypatch: pytest.MonkeyPatch, start_receiver: StartReceiver
) -> None:
    receiver = Receiver()
    url = hook_url(start_receiver(receiver))
    with RawReceiver() as proxy:
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, proxy.url)
            monkeypatch.setenv(name.upper(), proxy.url)
        for name in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)  # one could exempt loopback
        [delivery], _ = deliver(Settings(webhook_attempts=1, webhook_timeout_seconds=1), url)

    assert delivery.state == "delivered"
    assert len(receiver.accepted()) == 1
    assert proxy.accepted == 0
