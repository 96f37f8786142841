"""Refusing, before any operation reads them, the headers no operation should see: one over
8 KB (or 64 KB in all), an ``X-Mock-*`` header the mock does not know, one holding bytes
beyond ASCII, or a ``Host`` that names another server.

A misspelt ``X-Mock-Faults: 503`` would otherwise pass silently and the test that sent it
would check nothing; a 16 MB ``Authorization`` would be read, and kept in a cache."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from verifik_mock.errors import HeaderTooLargeError, InvalidParametersError, MockError
from verifik_mock.http.headers import (
    ADMIN_HEADER,
    DOCUMENT_HEADER,
    FAULT_HEADER,
    LATENCY_HEADER,
    LIVENESS_HEADER,
    SEARCH_HEADER,
)
from verifik_mock.http.origins import check_host
from verifik_mock.http.responses import answer_wire, error_response

MAX_HEADER_BYTES = 8 * 1024
"""The longest header value the mock reads: a JWT is well under 1 KB."""
MAX_HEADERS_BYTES = 64 * 1024
"""The most all of a request's headers may hold together."""
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
    total = sum(len(name) + len(value) for name, value in headers)
    if total > MAX_HEADERS_BYTES:
        return HeaderTooLargeError(
            f"The headers are {total} bytes in all; the limit is {MAX_HEADERS_BYTES}"
        )
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
    """ASGI middleware: answers a request with bad headers, or addressed to another host
    (``check_host``), in the error envelope."""

    def __init__(self, app: ASGIApp, public_url: str | None) -> None:
        self.app = app
        self.public_url = public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request, or pass it on untouched."""
        problem = None
        if scope["type"] == "http":
            problem = header_problem(scope["headers"])
            try:
                check_host(scope, self.public_url)
            except MockError as wrong_host:
                problem = problem or wrong_host
        if problem is None:
            await self.app(scope, receive, send)
        else:
            await error_response(problem, answer_wire(scope))(scope, receive, send)
