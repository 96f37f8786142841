"""``X-Mock-Latency-Ms`` and ``X-Mock-Fault``: a slow answer, a 5xx, a 429, a timeout or a
dropped connection, on any ``/v2`` request, before it is processed (so no state changes)."""

from __future__ import annotations

import asyncio
from typing import overload

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.errors import (
    InjectedBadGatewayError,
    InjectedFaultError,
    InjectedRateLimitError,
    InjectedServerError,
    InjectedTimeoutError,
    InjectedUnavailableError,
    InvalidParametersError,
    MockError,
)
from mockserver.http.responses import error_response

LATENCY_HEADER = "x-mock-latency-ms"
FAULT_HEADER = "x-mock-fault"
RETRY_AFTER_SECONDS = "1"
TIMEOUT_HOLD_SECONDS = 30.0
"""How long ``X-Mock-Fault: timeout`` holds the answer when no latency is given."""

_FAULTS: dict[str, type[InjectedFaultError]] = {
    "500": InjectedServerError,
    "502": InjectedBadGatewayError,
    "503": InjectedUnavailableError,
    "429": InjectedRateLimitError,
    "timeout": InjectedTimeoutError,
}


class ConnectionDropped(Exception):  # noqa: N818 - it names what happens, not a failure of ours
    """Raised mid-response on purpose: the server closes the connection without an answer."""


def read_latency(headers: Headers, max_latency_ms: int) -> float:
    """The delay in seconds ``X-Mock-Latency-Ms`` asks for (0 without the header)."""
    raw = headers.get(LATENCY_HEADER)
    if raw is None:
        return 0.0
    if not raw.isdigit() or int(raw) > max_latency_ms:
        raise InvalidParametersError(
            f"Invalid header '{LATENCY_HEADER}': milliseconds from 0 to {max_latency_ms}"
        )
    return int(raw) / 1000


def read_fault(headers: Headers) -> str | None:
    """The fault ``X-Mock-Fault`` asks for, checked against the known ones."""
    fault = headers.get(FAULT_HEADER)
    if fault is not None and fault not in {*_FAULTS, "reset"}:
        known = ", ".join([*_FAULTS, "reset"])
        raise InvalidParametersError(f"Invalid header '{FAULT_HEADER}': one of {known}")
    return fault


class DroppedConnection(Response):
    """A response that starts, then closes the connection with no body: a dropped line."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the status line, then drop the connection."""
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ConnectionDropped("X-Mock-Fault: reset")


@overload
async def apply_fault(fault: str, delay: float) -> Response: ...
@overload
async def apply_fault(fault: None, delay: float) -> None: ...
@overload
async def apply_fault(fault: str | None, delay: float) -> Response | None: ...
async def apply_fault(fault: str | None, delay: float) -> Response | None:
    """Wait ``delay`` seconds (a timeout waits 30 s unless told), then the fault's answer,
    or None to let the request through."""
    if fault == "timeout" and not delay:
        delay = TIMEOUT_HOLD_SECONDS
    await asyncio.sleep(delay)
    if fault is None:
        return None
    if fault == "reset":
        return DroppedConnection()
    error = _FAULTS[fault]
    response = error_response(error(f"Injected fault: {error.code}"))
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
        try:
            delay, fault = read_latency(headers, self.max_latency_ms), read_fault(headers)
        except MockError as error:
            await error_response(error)(scope, receive, send)
            return
        response = await apply_fault(fault, delay)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)
