"""The Starlette application, built from a Settings object."""

from __future__ import annotations

from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from mockserver.domain.world import build_tenant
from mockserver.errors import MockError
from mockserver.http.context import ServerContext
from mockserver.http.docs import DOC_ROUTES
from mockserver.http.responses import (
    handle_http_error,
    handle_mock_error,
    handle_unexpected_error,
)
from mockserver.http.routes import OPERATIONS
from mockserver.settings import Settings
from mockserver.store import TenantRegistry


def create_app(settings: Settings | None = None) -> Starlette:
    """A mock Verifik: every operation of the contract, with its own tenants and clock."""
    settings = settings or Settings()
    app = Starlette(
        routes=[operation.route() for operation in OPERATIONS] + DOC_ROUTES,
        exception_handlers={
            MockError: handle_mock_error,
            HTTPException: handle_http_error,
            Exception: handle_unexpected_error,
        },
    )
    # Verifik's paths have no trailing slash; one answers 404 in the envelope, not a redirect.
    app.router.redirect_slashes = False
    app.state.context = ServerContext(
        settings=settings, tenants=TenantRegistry(partial(build_tenant, settings))
    )
    return app
