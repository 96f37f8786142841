"""The dashboard's door when the server has an ``--admin-token``: a form asks for it once
and answers with a cookie (HttpOnly, SameSite=Strict) that every dashboard read and action
then checks. The cookie holds a key derived from the token, never the token itself."""

from __future__ import annotations

import hashlib
import hmac
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from verifik_mock.errors import AdminTokenError, MockError
from verifik_mock.http.context import ServerContext
from verifik_mock.http.forms import MAX_FORM_BYTES, form_fields, read_form_post
from verifik_mock.http.headers import ADMIN_HEADER
from verifik_mock.http.pages import refusal
from verifik_mock.models.control import DashboardLoginForm
from verifik_mock.settings import Settings

COOKIE = "verifik_mock_admin"
DASHBOARD = "/__mock__/ui"
LOGIN = "/__mock__/ui/login"


def cookie_value(admin_token: str) -> str:
    """What the cookie holds for ``admin_token``: its HMAC, so the cookie is no token."""
    return hmac.new(admin_token.encode(), b"verifik-mock dashboard", hashlib.sha256).hexdigest()


def is_admin(request: Request, settings: Settings) -> bool:
    """Whether the request may read and drive the dashboard: always without an admin token;
    with one, by the cookie the login form set, or the ``X-Mock-Admin-Token`` header."""
    if settings.admin_token is None:
        return True
    header = request.headers.get(ADMIN_HEADER, "").encode()
    cookie = request.cookies.get(COOKIE, "").encode()
    return hmac.compare_digest(header, settings.admin_token.encode()) or hmac.compare_digest(
        cookie, cookie_value(settings.admin_token).encode()
    )


def require_dashboard_admin(request: Request, settings: Settings) -> None:
    """Refuse a dashboard read or action that is not the admin's (cookie or header)."""
    if not is_admin(request, settings):
        raise AdminTokenError(
            "The dashboard needs the server's --admin-token: sign in at /__mock__/ui"
        )


def login_form(message: str = "", status: int = 200) -> HTMLResponse:
    """The page that asks for the admin token."""
    notice = f"<p role=alert>{html.escape(message)}</p>" if message else ""
    return HTMLResponse(_LOGIN_PAGE.format(notice=notice, action=LOGIN), status_code=status)


def refuse_reader(request: Request, error: MockError) -> Response:
    """A browser is asked for the token; any other client gets the envelope."""
    return refusal(request, error, login_form(status=401))


async def login(request: Request) -> Response:
    """Check the token the form sent; right, set the cookie and go to the dashboard."""
    settings = ServerContext.of(request).settings
    try:
        form = await read_form_post(request, MAX_FORM_BYTES, settings.public_url)
        given = form_fields(form, DashboardLoginForm).token
    except MockError as error:
        return refusal(request, error, login_form(error.message, error.status))
    if settings.admin_token is None:
        return RedirectResponse(DASHBOARD, status_code=303)  # open: nothing to sign in to
    if not hmac.compare_digest(given.encode(), settings.admin_token.encode()):
        wrong = AdminTokenError("That is not the server's --admin-token")
        return refusal(request, wrong, login_form(wrong.message, wrong.status))
    answer = RedirectResponse(DASHBOARD, status_code=303)
    answer.set_cookie(
        COOKIE,
        cookie_value(settings.admin_token),
        httponly=True,
        samesite="strict",
        path="/__mock__",
        secure=(settings.public_url or "").startswith("https://"),
    )
    return answer


_LOGIN_PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8>
<title>verifik-mock dashboard: sign in</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}</style></head>
<body><h1>verifik-mock</h1>{notice}
<form method=post action="{action}"><label>Admin token (the server's --admin-token)
<input type=password name=token autocomplete=current-password autofocus></label>
<button>Sign in</button></form></body></html>"""

LOGIN_ROUTES = [Route(LOGIN, login, methods=["POST"], name="dashboardLogin")]
