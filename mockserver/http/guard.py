"""Refusing, before any operation reads them, the headers no operation should see: one over
8 KB, an ``X-Mock-*`` header the mock does not know, or one holding bytes beyond ASCII.

A misspelt ``X-Mock-Faults: 503`` would otherwise pass silently and the test that sent it
would check nothing; a 16 MB ``Authorization`` would be read, and kept in a cache."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.errors import HeaderTooLargeError, InvalidParametersError, MockError
from mockserver.http.context import ADMIN_HEADER
from mockserver.http.faults import FAULT_HEADER, LATENCY_HEADER
from mockserver.http.responses import error_response
from mockserver.http.scenario_headers import DOCUMENT_HEADER, LIVENESS_HEADER, SEARCH_HEADER

MAX_HEADER_BYTES = 8 * 1024
"""The longest header value the mock reads: a JWT is well under 1 KB."""
MOCK_HEADER_PREFIX = b"x-mock-"
MOCK_HEADERS = (
    ADMIN_HEADER,
    DOCUMENT_HEADER,
    FAULT_HEADER,
    LATENCY_HEADER,
    LIVENESS_HEADER,
    SEARCH_HEADER,
)
"""Every ``X-Mock-*`` header the mock reads."""
_KNOWN = frozenset(name.encode() for name in MOCK_HEADERS)


def header_problem(headers: list[tuple[bytes, bytes]]) -> MockError | None:
    """What is wrong with a request's headers (names arrive lower-cased), if anything."""
    for name, value in headers:
        shown = name.decode("latin-1")
        if len(value) > MAX_HEADER_BYTES:
            return HeaderTooLargeError(
                f"Header '{shown}' is {len(value)} bytes; the limit is {MAX_HEADER_BYTES}"
            )
        if not name.startswith(MOCK_HEADER_PREFIX):
            continue
        if name not in _KNOWN:
            return InvalidParametersError(
                f"Unknown header '{shown}': the mock reads {', '.join(MOCK_HEADERS)}"
            )
        if not value.isascii():
            return InvalidParametersError(f"Invalid header '{shown}': ASCII characters only")
    return None


class HeaderGuard:
    """ASGI middleware: answers a request with bad headers in the error envelope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request, or pass it on untouched."""
        problem = header_problem(scope["headers"]) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
        else:
            await error_response(problem)(scope, receive, send)
