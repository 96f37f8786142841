"""Writing models as JSON responses, and every MockError as Verifik's error envelope."""

from __future__ import annotations

import logging

from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from mockserver.errors import MethodNotAllowedError, MockError, RouteNotFoundError
from mockserver.models import ErrorResponse

logger = logging.getLogger("verifik_mock")


def json_response(model: BaseModel, status: int = 200) -> Response:
    """``model`` as JSON, leaving out fields that have no value."""
    body = model.model_dump_json(exclude_none=True)
    return Response(body, status_code=status, media_type="application/json")


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
        response.headers.update(error.headers or {})  # Starlette's Allow: the methods it takes
        return response
    return error_response(RouteNotFoundError(f"No operation at {request.url.path}"))


async def handle_unexpected_error(request: Request, error: Exception) -> Response:
    """Starlette handler: a bug still answers in the envelope; the log names no request data."""
    logger.error(
        "internal error on %s %s: %s", request.method, request.url.path, type(error).__name__
    )
    return error_response(MockError("Server error."))
