"""``GET /healthz``: whether the mock is up, for probes and for tools that check a server.

No token needed. Its headers say which mock answers and whether it checks tokens, so the
contract runner can tell a mock that accepts any token (every "invalid auth accepted"
failure would then be the run's setup, not the API)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from verifik_mock.http.context import ServerContext
from verifik_mock.http.responses import json_response
from verifik_mock.models.control import HealthView
from verifik_mock.version import VERSION

VERSION_HEADER = "X-Verifik-Mock-Version"
TOKENS_HEADER = "X-Verifik-Mock-Tokens"
"""``any`` (every token is accepted: the default) or ``signed`` (``--signing-secret``)."""


async def healthz(request: Request) -> Response:
    """``{"status": "ok"}``, with the mock's version and token mode as headers."""
    settings = ServerContext.of(request).settings
    answer = json_response(HealthView())
    answer.headers[VERSION_HEADER] = VERSION
    answer.headers[TOKENS_HEADER] = "any" if settings.signing_secret is None else "signed"
    return answer


HEALTH_ROUTES = [Route("/healthz", healthz, methods=["GET"], name="healthz")]
