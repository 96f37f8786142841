"""The mock's own pages (the hosted capture page, the dashboard): a browser gets HTML, with
errors shown on a page that leads back; any other client gets the error envelope."""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from verifik_mock.errors import MockError
from verifik_mock.http.responses import error_response


def wants_html(request: Request) -> bool:
    """Whether the client asked for HTML, as a browser's navigation and form posts do."""
    return "text/html" in request.headers.get("accept", "")


def error_page(title: str, error: MockError, back: str | None, template: str) -> HTMLResponse:
    """``error`` on a page of ``template`` (with ``{title}`` and ``{body}``), linking back."""
    link = f'<p><a href="{html.escape(back)}">Back</a></p>' if back else ""
    body = f"<p role=alert><strong>{error.code}</strong>: {html.escape(error.message)}</p>{link}"
    return HTMLResponse(
        template.format(title=html.escape(title), body=body), status_code=error.status
    )


def refusal(request: Request, error: MockError, page: HTMLResponse | None) -> Response:
    """``page`` for a browser (when there is one), the envelope for any other client."""
    return page if page is not None and wants_html(request) else error_response(error)
