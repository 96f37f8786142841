"""Writing models as JSON responses, and every MockError as Verifik's error envelope."""

from __future__ import annotations

import logging

from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

from verifik_mock.errors import (
    ConnectionDropped,
    MethodNotAllowedError,
    MockError,
    RouteNotFoundError,
)
from verifik_mock.http.serialized import RecordJson
from verifik_mock.models import ErrorResponse

logger = logging.getLogger("verifik_mock")
_record_json = RecordJson()


def json_response(model: BaseModel, status: int = 200) -> Response:
    """``model`` as JSON, leaving out fields that have no value."""
    return Response(_record_json.envelope(model), status_code=status, media_type="application/json")


def error_response(error: MockError) -> Response:
    """The documented envelope ``{"success": false, "error", "code"}`` for ``error``."""
    return json_response(ErrorResponse(error=error.message, code=error.code), error.status)


async def handle_mock_error(request: Request, error: Exception) -> Response:
    """Starlette handler: a MockError raised anywhere becomes its envelope."""
    assert isinstance(error, MockError)
    return error_response(error)


async def handle_http_error(request: Request, error: Exception) -> Response:
    """Starlette handler: routing's own 404 and 405 in the same envelope as ours."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        response = error_response(MethodNotAllowedError(f"{request.method} is not allowed here"))
        response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response
    return error_response(RouteNotFoundError(f"No operation at {request.url.path}"))


def allowed_methods(request: Request) -> list[str]:
    """Every method served at this path (Starlette's own 405 names only one route's, and
    each of our operations is a route of its own). A literal path outranks a templated one:
    ``/validate`` is not also ``/{id}``."""
    matching = [r for r in request.app.routes if r.matches(request.scope)[0] is not Match.NONE]
    literal = [r for r in matching if "{" not in getattr(r, "path", "{")]
    methods: set[str] = set()
    for route in literal or matching:
        methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def handle_unexpected_error(request: Request, error: Exception) -> Response:
    """Starlette handler: a bug still answers in the envelope; the log names no request data.
    A reset asked for in process (no socket to drop) is no bug: it was logged already."""
    if not isinstance(error, ConnectionDropped):
        logger.error(
            "internal error on %s %s: %s", request.method, request.url.path, type(error).__name__
        )
    return error_response(MockError("Server error."))
