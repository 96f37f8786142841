"""Delivering webhook events: signed, retried with backoff, to allowed hosts only.

Delivery runs as background tasks on the server's event loop, so an API answer never
waits for a receiver. Every event is recorded as a delivery with its attempts, kept by the
store's engine, and every attempt goes into the request journal (its URL without credentials
or query values). Replicas sharing an engine see the same deliveries; each is delivered by
the one replica that holds its claim, renewed before every attempt, and a pending delivery
whose claim lapsed (its replica died) is taken up by another.
Attempts share one HTTP client that ignores the environment's proxies, run at most
``webhook_concurrency`` at a time (one client's at most a quarter of them, so its slow
receiver delays no other client's webhooks), and each is bounded whole by
``webhook_timeout_seconds``: a receiver that hangs or trickles holds neither sockets nor a
delivery for long.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from verifik_mock.errors import StoreUnavailableError
from verifik_mock.journal import RequestJournal
from verifik_mock.models.control import DeliveryAttempt, WebhookDelivery
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.redaction import redacted_url
from verifik_mock.settings import Settings
from verifik_mock.state.engine import Engine

if TYPE_CHECKING:  # imported on first delivery: httpx costs a cold start ~40 ms
    import httpx

SIGNATURE_HEADER = "X-Verifik-Signature"
TAKE_UP_EVERY_SECONDS = 1.0
"""How often a replica looks for pending deliveries whose claim lapsed."""


def sign(body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def host_allowed(url: str, allowed_hosts: tuple[str, ...], loopback: bool = True) -> bool:
    """Whether ``url`` is http(s) to an allowed host, or (when ``loopback``) to this machine."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        return False
    if host in allowed_hosts:
        return True
    if not loopback:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookDispatcher:
    """Every webhook of one running mock: the deliveries so far and those under way."""

    def __init__(self, settings: Settings, journal: RequestJournal, engine: Engine) -> None:
        self._settings = settings
        self._journal = journal
        self._engine = engine
        self._owner = secrets.token_hex(8)
        """This process's name on the claims it takes."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._delivering: set[str] = set()
        self._taking_up: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None
        """Made for the first delivery, closed once none is under way."""
        self._slots: asyncio.Semaphore | None = None
        self._client_slots: dict[str, asyncio.Semaphore] = {}
        """Each client's share of the slots, so one client's slow receiver delays no other's."""
        self._under_way = 0

    def secret_for(self, client: str) -> str:
        """The client's signing secret, stable for a seed and client; keyed by the server's
        ``--signing-secret`` when it has one, so no one can work out another's."""
        name = f"{self._settings.seed}:{client}:webhooks".encode()
        key = (self._settings.signing_secret or "").encode()
        digest = hmac.new(key, name, hashlib.sha256).hexdigest() if key else None
        return f"whsec_{(digest or hashlib.sha256(name).hexdigest())[:32]}"

    def forget(self, client: str | None = None) -> None:
        """Drop one client's deliveries (a reset), or every client's; attempts under way
        for them end without a trace."""
        self._engine.deliveries_forget(client)
        if client is None:
            self._client_slots.clear()
        else:
            self._client_slots.pop(client, None)

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""
        self._keep_taking_up()
        return self._engine.deliveries(client)

    def submit(self, event: WebhookEvent) -> None:
        """Record ``event`` and, if it has an allowed destination, start delivering it."""
        self._keep_taking_up()
        body = json.dumps(event.body(), separators=(",", ":")).encode()
        delivery = WebhookDelivery(
            id=f"evt_{self._engine.delivery_number():06d}",
            client=event.client,
            type=event.type,
            url=event.url,
            state="pending",
            signature=sign(body, self.secret_for(event.client)),
            body=event.body(),
            attempts=[],
        )
        if event.url is None:
            delivery = delivery.model_copy(update={"state": "skipped", "reason": "no webhookUrl"})
        elif not host_allowed(
            event.url, self._settings.webhook_allowed_hosts, self._settings.webhooks_to_loopback
        ):
            reason = "host not on the allow-list (--webhook-allow-host)"
            delivery = delivery.model_copy(update={"state": "blocked", "reason": reason})
        self._engine.delivery_put(delivery)
        if delivery.state == "pending":
            self._start(delivery.id, event.client, body, attempts_made=0)

    def _start(self, delivery_id: str, client: str, body: bytes, attempts_made: int) -> None:
        self._delivering.add(delivery_id)
        task = asyncio.get_running_loop().create_task(
            self._deliver(delivery_id, client, body, attempts_made)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _keep_taking_up(self) -> None:
        """With an engine other replicas share, look now and then for deliveries a dead
        replica left pending (started on first use: a replica serving no request holds none)."""
        if not self._engine.shared or self._taking_up is not None:
            return
        self._taking_up = asyncio.get_running_loop().create_task(self._take_up_lapsed())

    async def _take_up_lapsed(self) -> None:
        while True:
            await asyncio.sleep(TAKE_UP_EVERY_SECONDS)
            try:
                lapsed = self._engine.pending_deliveries()
            except StoreUnavailableError:
                continue
            for delivery in lapsed:
                if delivery.id in self._delivering or not self._claim(delivery.id, 0):
                    continue
                body = json.dumps(delivery.body, separators=(",", ":")).encode()
                self._start(delivery.id, delivery.client, body, len(delivery.attempts))

    def _claim(self, delivery_id: str, attempt: int) -> bool:
        """Hold the delivery for this attempt and its wait (False: another replica has it)."""
        settings = self._settings
        lease = settings.webhook_timeout_seconds + settings.webhook_backoff_seconds * 2**attempt
        return self._engine.delivery_claim(delivery_id, self._owner, lease + 5)

    def redeliver(self, client: str, delivery_id: str) -> bool:
        """Send a recorded delivery's event again, as a new delivery; False if unknown."""
        delivery = self._find(client, delivery_id)
        if delivery is None:
            return False
        body = delivery.body.get("object")
        snapshot = body if isinstance(body, dict) else {}
        self.submit(
            WebhookEvent(client=client, type=delivery.type, url=delivery.url, object=snapshot)
        )
        return True

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for the deliveries under way to finish (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def _deliver(
        self, delivery_id: str, client: str, body: bytes, attempts_made: int
    ) -> None:
        settings = self._settings
        self._under_way += 1
        try:
            for attempt in range(attempts_made, settings.webhook_attempts):
                if attempt:
                    await asyncio.sleep(settings.webhook_backoff_seconds * 2 ** (attempt - 1))
                if not self._claim(delivery_id, attempt):
                    return  # another replica took it up
                outcome = await self._attempt(delivery_id, client, body)
                if outcome != "retry":
                    self._finish(client, delivery_id, outcome)
                    return
            self._finish(client, delivery_id, "failed")
        except StoreUnavailableError:
            pass  # still pending where it is kept: a replica takes it up once the store is back
        finally:
            self._delivering.discard(delivery_id)
            self._under_way -= 1
            if not self._under_way and self._http is not None:
                http, self._http = self._http, None
                await http.aclose()

    def _client_share(self) -> int:
        """How many of the slots one client's deliveries may hold at once: a quarter."""
        return max(1, self._settings.webhook_concurrency // 4)

    def _client(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        import httpx  # deferred: see the import at the top

        if self._http is None or self._slots is None:
            concurrency = self._settings.webhook_concurrency
            self._http = httpx.AsyncClient(
                trust_env=False,  # HTTP_PROXY and the like must not see signed bodies
                limits=httpx.Limits(max_connections=concurrency),
                timeout=self._settings.webhook_timeout_seconds,
            )
            self._slots = asyncio.Semaphore(concurrency)
        return self._http, self._slots

    async def _attempt(self, delivery_id: str, client: str, body: bytes) -> str:
        """One try: ``delivered``, ``retry``, or ``failed`` for a URL no try can reach."""
        delivery = self._find(client, delivery_id)
        if delivery is None or delivery.url is None:
            return "failed"  # forgotten by a reset meanwhile
        import httpx  # deferred: see the import at the top

        http, slots = self._client()
        share = self._client_slots.setdefault(client, asyncio.Semaphore(self._client_share()))
        status, error, outcome = None, None, "retry"
        async with share, slots:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self._settings.webhook_timeout_seconds):
                    answer = await http.post(
                        delivery.url,
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            SIGNATURE_HEADER: delivery.signature,
                        },
                    )
                status = answer.status_code
                outcome = "delivered" if 200 <= status < 300 else "retry"
            except TimeoutError:
                error = f"no answer within {self._settings.webhook_timeout_seconds} s"
            except httpx.TransportError as failure:
                error = type(failure).__name__
            except Exception as failure:  # a URL httpx refuses: no retry can deliver it
                error, outcome = f"{type(failure).__name__}: {failure}", "failed"
            duration = round((time.perf_counter() - started) * 1000, 3)
        self._record_attempt(client, delivery_id, status, error, duration)
        return outcome

    def _record_attempt(
        self, client: str, delivery_id: str, status: int | None, error: str | None, ms: float
    ) -> None:
        delivery = self._find(client, delivery_id)
        if delivery is None or delivery.url is None:
            return
        now = datetime.now(UTC)
        attempt = DeliveryAttempt(at=now, status=status, error=error, durationMs=ms)
        self._engine.delivery_put(
            delivery.model_copy(update={"attempts": [*delivery.attempts, attempt]})
        )
        self._journal.record(
            kind="webhook", at=now, client=client, method="POST", path=redacted_url(delivery.url),
            operation=delivery.type, status=status, durationMs=ms,
        )  # fmt: skip

    def _find(self, client: str, delivery_id: str) -> WebhookDelivery | None:
        return self._engine.delivery_get(client, delivery_id)

    def _finish(self, client: str, delivery_id: str, state: str) -> None:
        delivery = self._find(client, delivery_id)
        if delivery is not None:
            self._engine.delivery_put(delivery.model_copy(update={"state": state}))
