"""``X-Mock-Latency-Ms`` and ``X-Mock-Fault``: a slow answer, a 5xx, a 429, a timeout or a
dropped connection, on any ``/v2`` request, before it is processed (so no state changes)."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import struct
from contextlib import suppress
from typing import overload

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from verifik_mock.contract_file import Wire
from verifik_mock.errors import (
    ConnectionDropped,
    InjectedBadGatewayError,
    InjectedFaultError,
    InjectedRateLimitError,
    InjectedServerError,
    InjectedTimeoutError,
    InjectedUnavailableError,
    InvalidParametersError,
    MockError,
)
from verifik_mock.http.context import ServerContext
from verifik_mock.http.headers import FAULT_HEADER, LATENCY_HEADER
from verifik_mock.http.journaling import note_answer, note_request
from verifik_mock.http.responses import answer_wire, error_response

logger = logging.getLogger("verifik_mock")

SERVER_SEND = "verifik_mock.server_send"
"""Where the app keeps the server's own ``send`` in the scope: its connection is what a
reset closes (middleware wraps the ``send`` every layer below sees)."""
RETRY_AFTER_SECONDS = "1"
_MILLISECONDS = re.compile(r"^[0-9]{1,9}$")
TIMEOUT_HOLD_SECONDS = 30.0
"""How long ``X-Mock-Fault: timeout`` holds the answer when no latency is given."""

FAULTS: dict[str, type[InjectedFaultError]] = {
    "429": InjectedRateLimitError,
    "500": InjectedServerError,
    "502": InjectedBadGatewayError,
    "503": InjectedUnavailableError,
    "timeout": InjectedTimeoutError,
}
"""Each fault that answers, and the error it answers with."""
RESET = "reset"
"""The fault that does not answer: the connection is dropped."""


def read_latency(headers: Headers, max_latency_ms: int) -> float:
    """The delay in seconds ``X-Mock-Latency-Ms`` asks for (0 without the header)."""
    raw = headers.get(LATENCY_HEADER)
    if raw is None:
        return 0.0
    if not _MILLISECONDS.match(raw) or int(raw) > max_latency_ms:
        raise InvalidParametersError(
            f"Invalid header '{LATENCY_HEADER}': milliseconds from 0 to {max_latency_ms}"
        )
    return int(raw) / 1000


def read_fault(headers: Headers) -> str | None:
    """The fault ``X-Mock-Fault`` asks for, checked against the known ones."""
    fault = headers.get(FAULT_HEADER)
    if fault is not None and fault not in {*FAULTS, RESET}:
        known = ", ".join([*FAULTS, RESET])
        raise InvalidParametersError(f"Invalid header '{FAULT_HEADER}': one of {known}")
    return fault


class DroppedConnection(Response):
    """No answer at all: the connection is reset before a byte of a response is sent."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reset the connection, and say so in one log line and the journal."""
        note_answer(scope, None, RESET)
        logger.warning("X-Mock-Fault: reset: dropped %s %s", scope["method"], scope["path"])
        await drop_connection(scope)


async def drop_connection(scope: Scope) -> None:
    """Abort the request's TCP connection with a reset (SO_LINGER 0). uvicorn's request
    cycle holds the transport; once it has seen the connection go, it neither answers nor
    logs. Served some other way (in process), ConnectionDropped is raised instead."""
    cycle = getattr(scope.get(SERVER_SEND), "__self__", None)
    transport = getattr(cycle, "transport", None)
    if not callable(getattr(transport, "abort", None)):  # uvloop's are no asyncio.Transport
        raise ConnectionDropped("X-Mock-Fault: reset")
    assert transport is not None
    connection = transport.get_extra_info("socket")
    if connection is not None:
        with suppress(OSError):
            linger_zero = struct.pack("ii", 1, 0)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
    transport.abort()
    for _ in range(100):  # connection_lost runs on a later turn of the loop
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)


@overload
async def apply_fault(fault: str, delay: float, wire: Wire) -> Response: ...
@overload
async def apply_fault(fault: None, delay: float, wire: Wire) -> None: ...
@overload
async def apply_fault(fault: str | None, delay: float, wire: Wire) -> Response | None: ...
async def apply_fault(fault: str | None, delay: float, wire: Wire) -> Response | None:
    """Wait ``delay`` seconds (a timeout waits 30 s unless told), then the fault's answer in
    ``wire``, or None to let the request through."""
    if fault == "timeout" and not delay:
        delay = TIMEOUT_HOLD_SECONDS
    await asyncio.sleep(delay)
    if fault is None:
        return None
    if fault == RESET:
        return DroppedConnection()
    error = FAULTS[fault]
    response = error_response(error(f"Injected fault: {error.code}"), wire, fault)
    if error is InjectedRateLimitError:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class FaultInjection:
    """ASGI middleware that delays or fails ``/v2`` requests as their headers ask."""

    def __init__(self, app: ASGIApp, max_latency_ms: int) -> None:
        self.app = app
        self.max_latency_ms = max_latency_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, after the asked-for delay, or answer the asked-for fault."""
        if scope["type"] != "http" or not scope["path"].startswith("/v2/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        wire = answer_wire(scope)  # the server's: no tenant is known before the request runs
        try:
            delay, fault = read_latency(headers, self.max_latency_ms), read_fault(headers)
        except MockError as error:
            await error_response(error, wire)(scope, receive, send)
            return
        response = await apply_fault(fault, delay, wire)
        if response is None:
            await self.app(scope, receive, send)
        else:
            _note_caller(scope, headers)
            await response(scope, receive, send)


def _note_caller(scope: Scope, headers: Headers) -> None:
    """Tell the journal whose request a fault answered and which operation it was for, as
    far as the request names them: the fault answers before any route has read it."""
    app = scope["app"]
    operation = next(
        (route.name for route in app.router.routes if route.matches(scope)[0] is Match.FULL),
        None,
    )
    context: ServerContext = app.state.context
    note_request(scope, context.caller(headers.get("authorization")), operation)
