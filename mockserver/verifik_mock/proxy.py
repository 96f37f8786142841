"""The checking proxy (``verifik-mock proxy``): passes every request unchanged to an upstream
(Verifik, or any server of its API) and the answer unchanged back, checks each answer
against the contract of a wire profile, prints each violation the first time it sees it,
serves its report at ``GET /__proxy__/report`` and, with a recording folder, writes each
exchange there redacted.

One Starlette app with two routes: the report, and a catch-all that forwards. Everything is
async, and the checks and the recording run in worker threads, so a slow upstream or a long
answer holds up no other request. The upstream is the one host the package reaches beyond
loopback: whatever URL the user names.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from verifik_mock.answer_check import AnswerChecker, Matched
from verifik_mock.contract_file import Wire
from verifik_mock.errors import (
    BodyTooLargeError,
    InvalidParametersError,
    MockError,
    UpstreamUnreachableError,
)
from verifik_mock.http.body import join_capped, read_capped
from verifik_mock.http.responses import error_response
from verifik_mock.proxy_report import ProxyReport
from verifik_mock.recording import Exchange, content_type, write_exchange
from verifik_mock.redaction import redacted_url
from verifik_mock.settings import Settings

REPORT_PATH = "/__proxy__/report"
MAX_BODY_BYTES = Settings.max_body_bytes
"""The most the proxy buffers of a request or an answer: the mock's own body limit."""
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "accept-encoding"}
"""Request headers the proxy does not pass on. The client's Accept-Encoding is replaced by
httpx's own, so every answer comes in an encoding the proxy can decode to check it."""
NOT_RETURNED = HOP_BY_HOP | {"content-length", "content-encoding"}
"""Answer headers the proxy does not pass back: the body goes back decoded, and the server
sets its length."""


@dataclass(frozen=True)
class ProxyOptions:
    """Where to forward, what to check against, and where to record."""

    upstream: str
    wire: Wire = "pages"
    record: Path | None = None
    timeout_seconds: float = 30.0


def proxy_app(options: ProxyOptions, echo: Callable[[str], None] = print) -> Starlette:
    """The proxy; ``app.state.report`` is its report. ``echo`` gets one line per violation
    the first time it is seen, and per request the upstream did not answer."""
    checker = AnswerChecker(options.wire)
    upstream = redacted_url(options.upstream)  # what it says of the upstream: no password
    report = ProxyReport(upstream=upstream, wire=options.wire)
    numbers = itertools.count(1)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Redirects go back to the client as they came, for it to follow or not.
        async with httpx.AsyncClient(
            timeout=options.timeout_seconds, follow_redirects=False
        ) as client:
            app.state.upstream = client
            yield

    async def show_report(request: Request) -> Response:
        return JSONResponse(report.to_json())

    async def forward(request: Request) -> Response:
        client: httpx.AsyncClient = request.app.state.upstream
        matched = checker.match(request.method, request.url.path)
        try:
            body = await read_capped(request, MAX_BODY_BYTES)
            upstream_request = _upstream_request(client, options.upstream, request, body)
        except MockError as refused:
            return error_response(refused, options.wire)
        try:
            answer, content = await _send(client, upstream_request)
        except (httpx.HTTPError, BodyTooLargeError) as error:
            reason = _why_unanswered(error)
            report.add_unanswered(matched.label, reason)
            echo(f"{matched.label}: the upstream did not answer ({reason})")
            return error_response(UpstreamUnreachableError(f"{upstream} {reason}"), options.wire)
        exchange = _exchange(next(numbers), matched, request, body, answer, content)
        await check_and_record(exchange, matched)
        return _response(answer, content)

    async def check_and_record(exchange: Exchange, matched: Matched) -> None:
        answered_type = content_type(exchange.response_headers)
        has_body = exchange.method != "HEAD"
        found = await asyncio.to_thread(
            checker.check, matched, exchange.status, answered_type, exchange.response_body, has_body
        )
        for violation in report.add(matched.label, exchange.status, matched.checked, found):
            echo(violation.line())
        if options.record is not None:
            await asyncio.to_thread(write_exchange, options.record, exchange)

    app = Starlette(
        routes=[
            Route(REPORT_PATH, show_report, methods=["GET"]),
            Route("/{path:path}", forward, methods=METHODS),
        ],
        lifespan=lifespan,
    )
    app.state.report = report
    return app


def _upstream_request(
    client: httpx.AsyncClient, upstream: str, request: Request, body: bytes
) -> httpx.Request:
    """The client's request, addressed to the upstream: the same method, path and query
    bytes, headers and body."""
    base = httpx.URL(upstream)
    target = request.scope["raw_path"]
    if query := request.scope["query_string"]:
        target += b"?" + query
    headers = [
        (name, value)
        for name, value in request.headers.raw
        if name.decode("latin-1").lower() not in NOT_FORWARDED
    ]
    try:
        url = base.copy_with(raw_path=base.raw_path.rstrip(b"/") + _ascii(target))
    except (httpx.InvalidURL, UnicodeError):
        raise InvalidParametersError("The request's path or query is no valid URL") from None
    return client.build_request(request.method, url, headers=headers, content=body)


def _ascii(target: bytes) -> bytes:
    """``target`` with bytes beyond ASCII percent-encoded: the only way a URL can carry them."""
    return b"".join(b"%%%02X" % byte if byte > 127 else bytes([byte]) for byte in target)


async def _send(client: httpx.AsyncClient, request: httpx.Request) -> tuple[httpx.Response, bytes]:
    """The upstream's answer and its (decoded) body, at most ``MAX_BODY_BYTES`` of it."""
    answer = await client.send(request, stream=True)
    try:
        return answer, await join_capped(answer.aiter_bytes(), MAX_BODY_BYTES)
    finally:
        await answer.aclose()


def _why_unanswered(error: Exception) -> str:
    """Why the upstream gave no answer, in a few words (no URL query, no body)."""
    if isinstance(error, BodyTooLargeError):
        return f"answered over {MAX_BODY_BYTES} bytes"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return "refused or could not be reached"
    return f"failed ({type(error).__name__})"


def _exchange(
    number: int,
    matched: Matched,
    request: Request,
    body: bytes,
    answer: httpx.Response,
    content: bytes,
) -> Exchange:
    return Exchange(
        number=number,
        label=matched.label,
        checked=matched.checked,
        method=request.method,
        path=request.url.path,
        query=request.scope["query_string"],
        request_headers=_decoded(request.headers.raw),
        request_body=body,
        status=answer.status_code,
        response_headers=_decoded(answer.headers.raw),
        response_body=content,
    )


def _decoded(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def _response(answer: httpx.Response, content: bytes) -> Response:
    """The upstream's answer as it came: its status, headers and (decoded) body."""
    response = Response(content, status_code=answer.status_code)
    kept = [
        (name, value)
        for name, value in answer.headers.raw
        if name.decode("latin-1").lower() not in NOT_RETURNED
    ]
    length = [(name, value) for name, value in response.raw_headers if name == b"content-length"]
    response.raw_headers = kept + length
    return response
