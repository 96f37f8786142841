"""The Starlette application, built from a Settings object."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import Receive, Scope, Send

from verifik_mock.domain.world import build_tenant
from verifik_mock.errors import MockError
from verifik_mock.http.context import ServerContext
from verifik_mock.http.cors import EnvelopeCors
from verifik_mock.http.dashboard import DASHBOARD_ROUTES
from verifik_mock.http.dashboard_actions import DASHBOARD_ACTION_ROUTES
from verifik_mock.http.docs import DOC_ROUTES
from verifik_mock.http.faults import SERVER_SEND, FaultInjection
from verifik_mock.http.guard import HeaderGuard
from verifik_mock.http.health import HEALTH_ROUTES
from verifik_mock.http.hosted import HOSTED_ROUTES
from verifik_mock.http.journaling import Journaling
from verifik_mock.http.responses import (
    WIRE_KEY,
    handle_http_error,
    handle_mock_error,
    handle_unexpected_error,
)
from verifik_mock.http.routes import ALL_OPERATIONS
from verifik_mock.journal import RequestJournal
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.settings import Settings
from verifik_mock.state.engine import Engine
from verifik_mock.state.memory import MemoryEngine
from verifik_mock.state.sqlite import SqliteEngine
from verifik_mock.state.store import Store
from verifik_mock.webhooks import WebhookDispatcher

LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
"""Front ends served from this machine may call the mock from a browser by default."""


class VerifikMockApp(Starlette):
    """The Starlette app, keeping the server's own ``send`` where ``X-Mock-Fault: reset``
    finds the connection to drop, and answering Verifik's ``/v2`` calls in the server's wire
    profile until a request's tenant is known."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection's request (or the lifespan)."""
        scope[SERVER_SEND] = send
        if scope["type"] == "http" and scope["path"].startswith("/v2/"):
            scope[WIRE_KEY] = self.state.context.settings.wire
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> Starlette:
    """A mock Verifik: every operation of the contract, with its own tenants and clock.

    Around the routes: CORS for local front ends (and ``cors_origins``), the journal of
    every request, the refusal of headers no operation should read, and fault injection,
    which answers
    ``X-Mock-Latency-Ms`` and ``X-Mock-Fault`` before a ``/v2`` request is processed. Each
    route runs its work on a tenant as a turn of the store (``state/store.py``).
    """
    settings = settings or Settings()
    engine = open_engine(settings)
    journal = RequestJournal(engine)
    webhooks = WebhookDispatcher(settings, journal, engine)
    store = Store(
        engine,
        partial(build_tenant, settings),
        settings.seed,
        max_tenants=settings.max_tenants,
        on_evict=partial(_evicted, journal, webhooks, kept=engine.keeps_records),
        on_events=partial(_hand_over, webhooks),
    )
    app = VerifikMockApp(
        routes=[operation.route() for operation in ALL_OPERATIONS]
        + DOC_ROUTES
        + HEALTH_ROUTES
        + HOSTED_ROUTES
        + DASHBOARD_ROUTES
        + DASHBOARD_ACTION_ROUTES,
        middleware=[
            Middleware(
                EnvelopeCors,
                allow_origins=list(settings.cors_origins),
                allow_origin_regex=LOCAL_ORIGINS,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["*"],
                expose_headers=["Retry-After"],
            ),
            Middleware(Journaling, journal=journal),
            Middleware(HeaderGuard, public_url=settings.public_url),
            Middleware(FaultInjection, max_latency_ms=settings.max_latency_ms),
        ],
        exception_handlers={
            MockError: handle_mock_error,
            HTTPException: handle_http_error,
            Exception: handle_unexpected_error,
        },
    )
    # Verifik's paths have no trailing slash; one answers 404 in the envelope, not a redirect.
    app.router.redirect_slashes = False
    app.state.context = ServerContext(
        settings=settings,
        store=store,
        journal=journal,
        webhooks=webhooks,
    )
    return app


def open_engine(settings: Settings) -> Engine:
    """The engine ``settings`` ask for: Redis, a state file's SQLite, else memory."""
    if settings.store_url is not None:
        # Imported here: redis-py costs every other start about 20 MB and a tenth of its
        # imports' time.
        from verifik_mock.state.redis_engine import RedisEngine

        return RedisEngine(settings.store_url, settings.journal_size)
    if settings.state_file is not None:
        return SqliteEngine(settings.state_file, settings.shared_state, settings.journal_size)
    return MemoryEngine(settings.journal_size)


def _hand_over(webhooks: WebhookDispatcher, events: list[WebhookEvent]) -> None:
    """Start delivering the webhook events a saved turn recorded."""
    for event in events:
        webhooks.submit(event)


def _evicted(
    journal: RequestJournal, webhooks: WebhookDispatcher, client_id: str, kept: bool
) -> None:
    """Say in the journal that a tenant left memory; its webhook deliveries (never kept in a
    state file) go with it, so they too stay bounded."""
    if kept:
        note = "evicted from memory past --max-tenants; read back from the state file on use"
    else:
        note = "evicted past --max-tenants; seeded afresh on its next request"
    webhooks.forget(client_id)
    journal.record(kind="eviction", at=datetime.now(UTC), client=client_id, note=note)
