"""A Verifik of your own in a test: a handle on one fresh tenant of a running mock.

Plugin-free, so any test framework can use it; the pytest plugin only hands it out. It
drives the mock the way a user would: Verifik's API with the tenant's token, and the
``/__mock__`` control API for scores, faults, the clock, the journal and webhooks.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx
from starlette.types import ASGIApp

from verifik_mock import tokens
from verifik_mock.contract_file import Wire
from verifik_mock.domain import page_examples
from verifik_mock.errors import ConnectionDropped
from verifik_mock.samples import sample_image

Json = dict[str, Any]
IN_PROCESS_URL = "http://verifik-mock.in-process"
WEBHOOK_WAIT_SECONDS = 5.0
ADMIN_HEADER = "X-Mock-Admin-Token"
"""What a control call carries for a mock started with an admin token."""


class VerifikMockError(AssertionError):
    """The mock answered a control call with an error: the message carries its answer."""


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls an ASGI app in process, on an event loop
    running in a thread of its own: no socket, and the app's background tasks (webhooks)
    keep running between calls. A call is one hop to that loop and back (an anyio portal
    makes two, which cost a downstream test about 0.3 ms a request)."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app and return its whole answer."""
        request.read()
        return asyncio.run_coroutine_threadsafe(self._send(request), self._loop).result()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._asgi.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError("Server disconnected", request=request) from None
        content = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )


@contextmanager
def in_process_transport(app: ASGIApp) -> Iterator[InProcessTransport]:
    """A transport into ``app`` for as long as the block lasts; the app's tasks still
    running when it ends (webhooks on their way) are cancelled."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="verifik-mock in process")
    thread.start()
    try:
        yield InProcessTransport(app, loop)
    finally:
        asyncio.run_coroutine_threadsafe(_cancel_tasks(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _cancel_tasks() -> None:
    """Cancel every other task of the running loop and wait until they have ended."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def tenant_token_for(test_id: str, signing_secret: str | None = None) -> str:
    """A token naming a tenant of its own for the test ``test_id``, the same on every run;
    for a mock with a ``signing_secret``, a JWT signed with it whose ``clientId`` names it."""
    digest = hashlib.sha256(test_id.encode()).hexdigest()
    if signing_secret is None:
        return "verifik-test-" + digest[:32]
    return tokens.encode({"clientId": digest[:24]}, signing_secret)


class MockClock:
    """The tenant's mock clock."""

    def __init__(self, handle: VerifikMock) -> None:
        self._handle = handle

    def now(self) -> str:
        """The current mock instant, ISO-8601."""
        return str(self._handle.control("GET", "/clock")["now"])

    def advance(self, minutes: float = 0, seconds: float = 0) -> str:
        """Move the clock on; sessions and validations it passes expire."""
        total = round(minutes * 60 + seconds)
        return str(self._handle.control("POST", "/clock/advance", {"seconds": total})["now"])

    def set(self, instant: str) -> str:
        """Move the clock on to ``instant`` (ISO-8601 with a zone)."""
        return str(self._handle.control("POST", "/clock", {"now": instant})["now"])


class VerifikMock:
    """One test's Verifik: a tenant of its own on a mock reached through ``http``."""

    def __init__(
        self,
        http: httpx.Client,
        token: str,
        transport: httpx.BaseTransport | None = None,
        admin_token: str | None = None,
    ) -> None:
        self.token = token
        self.http = http
        self.transport = transport
        """For an in-process mock, the transport your own client needs:
        ``httpx.Client(base_url=verifik.base_url, transport=verifik.transport)``."""
        self._control_headers = {ADMIN_HEADER: admin_token} if admin_token else {}
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.clock = MockClock(self)

    @property
    def base_url(self) -> str:
        """Where to point a Verifik client (``https://api.verifik.co`` in production)."""
        return str(self.http.base_url).rstrip("/")

    def control(self, method: str, path: str, body: Json | None = None, **params: Any) -> Json:
        """Call ``/__mock__<path>``; raise VerifikMockError with the answer if it failed."""
        answer = self.http.request(
            method, f"/__mock__{path}", json=body, params=params, headers=self._control_headers
        )
        if answer.is_error:
            raise VerifikMockError(
                f"{method} /__mock__{path} answered {answer.status_code}: {answer.text}"
            )
        result: Json = answer.json()
        return result

    def release(self) -> list[Json]:
        """Let the mock forget the tenant: its records, emails and webhook deliveries (the
        fixtures do it when a test ends, so a suite of thousands keeps the mock small).
        Returns each distinct answer the tenant was given, which coverage reports count."""
        answered: list[Json] = self.control("POST", "/reset")["answered"]
        self.__dict__.pop("project_flows", None)
        return answered

    def reset(self, seed: int | None = None) -> None:
        """Start over with a freshly seeded world (from ``seed``, else the server's)."""
        params: dict[str, Any] = {} if seed is None else {"seed": seed}
        self.control("POST", "/reset", **params)
        self.__dict__.pop("project_flows", None)

    @cached_property
    def project_flows(self) -> dict[str, Json]:
        """The seeded active flows by type: ``validation``, ``login``, ``onboarding``."""
        answer = self.http.get("/v2/project-flows", params={"limit": 100})
        if answer.is_error:
            raise VerifikMockError(
                f"listing the seeded flows answered {answer.status_code}: {answer.text} "
                "(a fault injected before the flows were first read? clear_faults() first)"
            )
        flows = answer.json()["data"]
        seeded: dict[str, Json] = {}
        for flow in reversed(flows):  # oldest first: the seeded flows, then any added
            if flow["_id"] != page_examples.PROJECT_FLOW_ID:
                seeded.setdefault(flow["type"], flow)
        return seeded

    @property
    def project(self) -> str:
        """The id of the seeded project the seeded flows belong to."""
        return str(self.project_flows["validation"]["project"])

    @property
    def client_id(self) -> str:
        """The tenant's client id, as records' ``client`` field holds it."""
        return str(self.project_flows["validation"]["client"])

    def create_biometric_validation(
        self, identifier: str, type: str = "validation", **fields: Any
    ) -> Json:
        """Create a validation on the seeded flow of ``type`` (a ``oneTimeLink`` uses the
        validation flow); the answer's ``token`` is what ``validate`` takes."""
        flow = self.project_flows[
            "login" if type == "login" else type if type in self.project_flows else "validation"
        ]
        body = {
            "project": flow["project"],
            "projectFlow": flow["_id"],
            "identifier": identifier,
            "type": type,
        }
        answer = self.http.post("/v2/biometric-validations", json=body | fields)
        if answer.is_error:
            raise VerifikMockError(f"create answered {answer.status_code}: {answer.text}")
        created: Json = answer.json()["data"]
        return created

    @staticmethod
    def sample_image(name: str = "face-pass") -> bytes:
        """A sample face with a known outcome: ``face-pass``, ``face-borderline`` (liveness
        0.55), ``face-spoof`` (liveness 0.30), ``face-stranger`` (search 0.40)."""
        return sample_image(name)

    def validate(self, session_token: str, image: bytes | str, **headers: str) -> httpx.Response:
        """POST a capture (image bytes or base64) to validate with a session token."""
        encoded = base64.b64encode(image).decode() if isinstance(image, bytes) else image
        return self.http.post(
            "/v2/biometric-validations/validate",
            json={"image": encoded},
            headers={"Authorization": f"Bearer {session_token}", **headers},
        )

    def liveness_token(self, validation_id: str) -> str:
        """The session token of any of the tenant's validations, seeded ones included."""
        return str(self.control("GET", f"/liveness-tokens/{validation_id}")["token"])

    def inject_scores(
        self,
        liveness_score: float | None = None,
        search_score: float | None = None,
        identifier: str = "*",
        times: int | None = None,
    ) -> None:
        """Force the scores of ``identifier``'s (default: everyone's) next validations."""
        rule: Json = {"identifier": identifier}
        if liveness_score is not None:
            rule["livenessScore"] = liveness_score
        if search_score is not None:
            rule["searchScore"] = search_score
        if times is not None:
            rule["times"] = times
        self.control("POST", "/scenarios", rule)

    def inject_fault(
        self, fault: str | None = None, latency_ms: int = 0, times: int | None = None
    ) -> None:
        """Make the tenant's next API calls slow (``latency_ms``) or fail (``503``, ``429``,
        ``500``, ``502``, ``timeout``, ``reset``), ``times`` times or until cleared."""
        body: Json = {"latencyMs": latency_ms}
        if fault is not None:
            body["fault"] = fault
        if times is not None:
            body["times"] = times
        self.control("POST", "/faults", body)

    def clear_faults(self) -> None:
        """Let the tenant's API calls through again."""
        self.control("DELETE", "/faults")

    def load_fixture(self, name: str) -> Json:
        """Load ``fixtures/scenarios/<name>.json`` (flows, persons, rules) into the tenant."""
        self.__dict__.pop("project_flows", None)
        return self.control("POST", f"/fixtures/{name}")

    def load_page_examples(self) -> Json:
        """Add the records Verifik's pages show, under the pages' ids (``project_123456789``,
        ``flow_123456789``, ``biometric_validation_123456789``, ...), so a page's own example
        works against the tenant as written; asking again changes nothing."""
        return self.control("POST", "/fixtures/page-examples")

    def journal(self, limit: int = 100) -> list[Json]:
        """The tenant's newest requests and webhook attempts, newest first."""
        entries: list[Json] = self.control("GET", "/journal", limit=limit)["data"]
        return entries

    @property
    def webhook_secret(self) -> str:
        """The key of the ``X-Verifik-Signature`` HMAC of the tenant's webhooks."""
        return str(self.control("GET", "/webhooks")["secret"])

    def webhook_deliveries(self) -> list[Json]:
        """The tenant's webhook deliveries, newest first."""
        deliveries: list[Json] = self.control("GET", "/webhooks")["data"]
        return deliveries

    def wait_for_webhooks(self, seconds: float = WEBHOOK_WAIT_SECONDS) -> list[Json]:
        """The deliveries once none is pending (or after ``seconds``), newest first."""
        deadline = time.monotonic() + seconds
        deliveries = self.webhook_deliveries()
        while any(d["state"] == "pending" for d in deliveries) and time.monotonic() < deadline:
            time.sleep(0.02)
            deliveries = self.webhook_deliveries()
        return deliveries


@dataclass(frozen=True)
class MarkerSettings:
    """What ``@pytest.mark.verifik(...)`` asks of one test's Verifik."""

    seed: int | None = None
    liveness_score: float | None = None
    search_score: float | None = None
    fault: str | None = None
    latency_ms: int = 0
    fixture: str | None = None
    wire: Wire | None = None
    """How the test's Verifik answers: ``pages`` or ``observed``; None: the session's."""
    page_examples: bool = False
    """Whether the tenant also holds the pages' example records, under the pages' ids."""

    def prepare(self, handle: VerifikMock, default_seed: int) -> None:
        """Give ``handle`` a fresh world from the seed, in the asked-for wire, then the
        asked-for fixture, page examples, scores and faults."""
        handle.reset(seed=default_seed if self.seed is None else self.seed)
        if self.wire is not None:
            handle.control("POST", "/wire", {"wire": self.wire})
        if self.fixture is not None:
            handle.load_fixture(self.fixture)
        if self.page_examples:
            handle.load_page_examples()
        if self.liveness_score is not None or self.search_score is not None:
            handle.inject_scores(self.liveness_score, self.search_score)
        if self.fault is not None or self.latency_ms:
            handle.project_flows  # noqa: B018 - read them now, before the fault hides them
            handle.inject_fault(self.fault, self.latency_ms)
