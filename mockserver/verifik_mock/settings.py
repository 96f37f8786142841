"""How one mock server is configured; every knob the CLI and the pytest plugin can turn."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from verifik_mock.clock import DEFAULT_START
from verifik_mock.contract_file import Wire

OPEN_SESSION_SECRET = "verifik-mock-liveness-sessions"
"""Signs liveness-session tokens when no ``--signing-secret`` is given: fixed, so the default
mode stays deterministic, and public, so that mode is for a trusted caller on loopback only."""


@dataclass(frozen=True)
class Settings:
    """A mock server's configuration; the defaults give a deterministic mock on loopback."""

    seed: int = 0
    """Seeds every tenant's world and ids: the same seed and requests give the same bytes."""
    clock_start: datetime = DEFAULT_START
    """Where every tenant's mock clock starts."""
    signing_secret: str | None = None
    """When set, client tokens must be HS256 JWTs signed with it; otherwise any token works.
    It also keys the liveness-session tokens (``session_secret``), so none can be forged."""
    session_ttl: timedelta = timedelta(minutes=10)
    """How long a liveness session stays open (mock-clock time)."""
    max_body_bytes: int = 8 * 1024 * 1024
    """Request bodies above this get 413 PAYLOAD_TOO_LARGE."""
    max_image_bytes: int = 5 * 1024 * 1024
    """Decoded images above this get 413 IMAGE_TOO_LARGE."""
    liveness_score: float | None = None
    """Server-wide liveness score for every capture (``--liveness-score``); None: the image's."""
    search_score: float | None = None
    """Server-wide 1:N search score (``--search-score``); None: the image's."""
    document_score: float | None = None
    """Server-wide score for every document-liveness check (``--document-score``)."""
    admin_token: str | None = None
    """When set, ``/__mock__`` control calls need ``X-Mock-Admin-Token: <it>``, and the
    dashboard asks for it once (a cookie)."""
    public_url: str | None = None
    """Where users reach the mock (``--public-url``), for the links it builds (a validation's
    ``url``, email links) and the origin its form posts must come from; None: the address it
    serves on. Never the request's ``Host`` header, which any client can set."""
    max_tenants: int = 1000
    """How many tenants the mock keeps in memory; past it, the least recently used is
    evicted (seeded afresh on its next request) and the journal says so."""
    webhook_attempts: int = 4
    """How many times a webhook is tried before it is marked failed."""
    webhook_backoff_seconds: float = 0.5
    """The wait before the first retry; it doubles for each further one."""
    webhook_timeout_seconds: float = 5.0
    """How long one webhook attempt may take, connecting and reading included."""
    webhook_concurrency: int = 16
    """How many webhook attempts run at once (the others wait their turn): a receiver that
    hangs holds at most this many sockets."""
    webhook_allowed_hosts: tuple[str, ...] = ()
    """Hosts webhooks may be sent to besides loopback (``--webhook-allow-host``); others are
    blocked. With a ``signing_secret``, loopback too must be named: a client of a shared mock
    must not make it post to the services of the machine it runs on."""
    state_file: Path | None = None
    """SQLite file keeping every tenant across restarts (``--state-file``); None: memory."""
    shared_state: bool = False
    """Several worker processes share ``state_file`` (``serve --workers N``): each turn
    first reads what the others wrote since."""
    store_url: str | None = None
    """Redis keeping every tenant, shared by every replica naming it (``--store``)."""
    cors_origins: tuple[str, ...] = ()
    """Browser origins allowed besides any http(s)://localhost or 127.0.0.1 port; ``*`` for all."""
    journal_size: int = 1000
    """How many requests and webhook attempts the journal keeps (the oldest go first)."""
    max_latency_ms: int = 60_000
    """The most ``X-Mock-Latency-Ms`` may ask for."""
    persons_per_collection: int = 5
    records_per_status: int = 2
    """How many seeded validations and document-liveness records each status gets."""
    seed_validations: int = 0
    """Further validations (of any status) seeded into each new tenant: for load tests."""
    wire: Wire = "pages"
    """How answers look unless a tenant chose otherwise (``--wire``): as the pages show them,
    or as real captures of Verifik's API do."""
    page_examples: bool = False
    """Seed the pages' example records under the pages' ids into every tenant
    (``--page-examples``), so the pages' curl examples answer as the pages say."""

    @property
    def webhooks_to_loopback(self) -> bool:
        """Whether webhooks may go to any loopback address without being named."""
        return self.signing_secret is None

    @property
    def session_secret(self) -> str:
        """The key of liveness-session tokens: derived from ``signing_secret`` when there is
        one (forging a session then needs the secret), else the public default."""
        if self.signing_secret is None:
            return OPEN_SESSION_SECRET
        key = self.signing_secret.encode()
        return hmac.new(key, b"verifik-mock liveness sessions", hashlib.sha256).hexdigest()
