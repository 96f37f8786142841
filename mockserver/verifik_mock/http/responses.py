"""Writing models as JSON responses, and every MockError as Verifik's error envelope, in
the wire profile the request is answered in."""

from __future__ import annotations

import logging

from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from verifik_mock.contract_file import Wire
from verifik_mock.errors import (
    AuthenticationError,
    ConnectionDropped,
    MethodNotAllowedError,
    MockError,
    RouteNotFoundError,
)
from verifik_mock.http.journaling import note_answer
from verifik_mock.http.serialized import RecordJson
from verifik_mock.models import ErrorResponse
from verifik_mock.models.base import OBSERVED_WIRE
from verifik_mock.models.observed import ObservedError, ProtectedResourceError

logger = logging.getLogger("verifik_mock")
_record_json = RecordJson()

WIRE_KEY = "verifik_mock.wire"
"""Where a request's scope says which wire its answer is written in: the server's for a
Verifik call, until its turn finds the tenant's; the pages' for the mock's own surfaces."""


def answer_wire(scope: Scope) -> Wire:
    """The wire the request of ``scope`` is answered in."""
    wire: Wire = scope.get(WIRE_KEY, "pages")
    return wire


def _json(model: BaseModel, wire: Wire) -> str | bytes:
    """``model`` as JSON in ``wire``, leaving out fields that have no value."""
    if wire == "observed":
        return model.model_dump_json(exclude_none=True, context=OBSERVED_WIRE)
    return _record_json.envelope(model)


def json_response(model: BaseModel, status: int = 200, wire: Wire = "pages") -> Response:
    """``model`` as a JSON answer in ``wire``."""
    return Response(_json(model, wire), status_code=status, media_type="application/json")


class ErrorAnswer(Response):
    """An error's JSON answer, which tells the journal the error's code (the pages', on
    either wire) and the fault that answered, if one did, as it is sent."""

    def __init__(self, body: str | bytes, error: MockError, fault: str | None = None) -> None:
        super().__init__(body, status_code=error.status, media_type="application/json")
        self.code = error.code
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Note the code, then send the answer."""
        note_answer(scope, self.code, self.fault)
        await super().__call__(scope, receive, send)


def error_response(error: MockError, wire: Wire = "pages", fault: str | None = None) -> Response:
    """``error`` in ``wire``'s envelope: the pages' ``{"success": false, "error", "code"}``,
    or the observed ``{"code", "message"}`` (``{"error"}`` for a refused token); ``fault``
    names the fault that answers with it."""
    if wire == "pages":
        envelope: BaseModel = ErrorResponse(error=error.message, code=error.code)
    elif isinstance(error, AuthenticationError):
        envelope = ProtectedResourceError()
    else:
        envelope = ObservedError(code=error.observed_code(), message=error.observed_message)
    return ErrorAnswer(_json(envelope, wire), error, fault)


async def handle_mock_error(request: Request, error: Exception) -> Response:
    """Starlette handler: a MockError raised anywhere becomes its envelope."""
    assert isinstance(error, MockError)
    return error_response(error, answer_wire(request.scope))


async def handle_http_error(request: Request, error: Exception) -> Response:
    """Starlette handler: routing's own 404 and 405 in the same envelope as ours."""
    assert isinstance(error, HTTPException)
    wire = answer_wire(request.scope)
    if error.status_code == 405:
        refusal = MethodNotAllowedError(f"{request.method} is not allowed here")
        response = error_response(refusal, wire)
        response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response
    return error_response(RouteNotFoundError(f"No operation at {request.url.path}"), wire)


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
    return error_response(MockError("Server error."), answer_wire(request.scope))
