"""Delivering webhook events: signed, retried with backoff, to allowed hosts only.

Delivery runs as background tasks on the server's event loop, so an API answer never
waits for a receiver. Every event is recorded as a delivery with its attempts, and every
attempt goes into the request journal.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mockserver.domain.webhook_event import WebhookEvent
from mockserver.journal import RequestJournal
from mockserver.models.control import DeliveryAttempt, WebhookDelivery
from mockserver.settings import Settings

if TYPE_CHECKING:  # imported on first delivery: httpx costs a cold start ~40 ms
    import httpx

SIGNATURE_HEADER = "X-Verifik-Signature"
DELIVERIES_KEPT = 500
"""Deliveries kept per client, oldest dropped first."""


def sign(body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Whether ``url`` is http(s) to an allowed host or a loopback address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        return False
    if host in allowed_hosts:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookDispatcher:
    """Every webhook of one running mock: the deliveries so far and those under way."""

    def __init__(self, settings: Settings, journal: RequestJournal) -> None:
        self._settings = settings
        self._journal = journal
        self._deliveries: dict[str, OrderedDict[str, WebhookDelivery]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._count = 0

    def secret_for(self, client: str) -> str:
        """The client's signing secret, stable for a seed and client."""
        digest = hashlib.sha256(f"{self._settings.seed}:{client}:webhooks".encode()).hexdigest()
        return f"whsec_{digest[:32]}"

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""
        return list(reversed(self._deliveries.get(client, {}).values()))

    def submit(self, event: WebhookEvent) -> None:
        """Record ``event`` and, if it has an allowed destination, start delivering it."""
        self._count += 1
        body = json.dumps(event.body(), separators=(",", ":")).encode()
        delivery = WebhookDelivery(
            id=f"evt_{self._count:06d}",
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
        elif not host_allowed(event.url, self._settings.webhook_allowed_hosts):
            reason = "host not on the allow-list (--webhook-allow-host)"
            delivery = delivery.model_copy(update={"state": "blocked", "reason": reason})
        self._store(delivery)
        if delivery.state == "pending":
            task = asyncio.get_running_loop().create_task(
                self._deliver(delivery.id, event.client, body)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def redeliver(self, client: str, delivery_id: str) -> bool:
        """Send a recorded delivery's event again, as a new delivery; False if unknown."""
        kept = self._deliveries.get(client)
        delivery = kept.get(delivery_id) if kept else None
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

    def _store(self, delivery: WebhookDelivery) -> None:
        kept = self._deliveries.setdefault(delivery.client, OrderedDict())
        kept[delivery.id] = delivery
        while len(kept) > DELIVERIES_KEPT:
            kept.popitem(last=False)

    async def _deliver(self, delivery_id: str, client: str, body: bytes) -> None:
        import httpx  # deferred: see the import at the top

        settings = self._settings
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as http:
            for attempt in range(settings.webhook_attempts):
                if attempt:
                    await asyncio.sleep(settings.webhook_backoff_seconds * 2 ** (attempt - 1))
                if await self._attempt(http, delivery_id, client, body):
                    self._finish(client, delivery_id, "delivered")
                    return
        self._finish(client, delivery_id, "failed")

    async def _attempt(
        self, http: httpx.AsyncClient, delivery_id: str, client: str, body: bytes
    ) -> bool:
        delivery = self._deliveries[client][delivery_id]
        assert delivery.url is not None
        import httpx  # deferred: see the import at the top

        started, status, error = time.perf_counter(), None, None
        try:
            answer = await http.post(
                delivery.url,
                content=body,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: delivery.signature},
            )
            status = answer.status_code
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        duration = round((time.perf_counter() - started) * 1000, 3)
        now = datetime.now(UTC)
        attempt = DeliveryAttempt(at=now, status=status, error=error, durationMs=duration)
        self._deliveries[client][delivery_id] = delivery.model_copy(
            update={"attempts": [*delivery.attempts, attempt]}
        )
        self._journal.record(
            kind="webhook", at=now, client=client, method="POST",
            path=urlsplit(delivery.url)._replace(query="").geturl(),
            operation=delivery.type, status=status, durationMs=duration,
        )  # fmt: skip
        return status is not None and 200 <= status < 300

    def _finish(self, client: str, delivery_id: str, state: str) -> None:
        delivery = self._deliveries[client].get(delivery_id)
        if delivery is not None:
            self._deliveries[client][delivery_id] = delivery.model_copy(update={"state": state})
