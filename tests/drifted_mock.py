"""Deliberately drifted variants of the mock, to prove the contract checks catch drift.

Each variant wraps the real app and breaks one promise of the contract on the way out (or,
for auth, on the way in); the mock itself is untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verifik_mock import Settings, create_app, tokens

SECRET = "drift-secret"
TOKEN = tokens.encode({"clientId": "drift-checks"}, SECRET)
Body = dict[str, Any]


def _each_validation(body: Body, change: Callable[[Body], None]) -> None:
    data = body.get("data")
    for record in data if isinstance(data, list) else [data]:
        if isinstance(record, dict) and "identifier" in record and "requires2FA" in record:
            change(record)


def rename_identifier(path: str, status: int, body: Body) -> tuple[int, Body]:
    """A renamed field: ``identifier`` becomes ``identifer``."""
    _each_validation(body, lambda r: r.update(identifer=r.pop("identifier")))
    return status, body


def wrong_enum(path: str, status: int, body: Body) -> tuple[int, Body]:
    """A wrong enum value: ``language`` reads ``english``."""
    _each_validation(body, lambda r: r.update(language="english"))
    return status, body


def drop_required(path: str, status: int, body: Body) -> tuple[int, Body]:
    """A dropped required field: ``type`` is gone."""
    _each_validation(body, lambda r: r.pop("type", None))
    return status, body


def wrong_type(path: str, status: int, body: Body) -> tuple[int, Body]:
    """A wrong type: ``requires2FA`` is the string ``"false"``."""
    _each_validation(body, lambda r: r.update(requires2FA=str(r["requires2FA"]).lower()))
    return status, body


def server_error_on_bad_input(path: str, status: int, body: Body) -> tuple[int, Body]:
    """A 500 on bad input: every 400 becomes a 500."""
    return (500, body) if status == 400 else (status, body)


def undocumented_status(path: str, status: int, body: Body) -> tuple[int, Body]:
    """An undocumented status code: a 404 from a retrieve becomes a 410."""
    return (410, body) if status == 404 else (status, body)


RESPONSE_DRIFTS = {
    "renamed-field": rename_identifier,
    "wrong-enum-value": wrong_enum,
    "dropped-required-field": drop_required,
    "wrong-type": wrong_type,
    "500-on-bad-input": server_error_on_bad_input,
    "undocumented-status": undocumented_status,
}
VARIANTS = [*RESPONSE_DRIFTS, "auth-not-enforced"]


class ResponseDrift:
    """Rewrites every JSON answer of ``/v2`` with ``drift``."""

    def __init__(self, app: ASGIApp, drift: Callable[[str, int, Body], tuple[int, Body]]) -> None:
        self.app, self.drift = app, drift

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v2"):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, hold)
        status, body = self.drift(scope["path"], start["status"], json.loads(b"".join(chunks)))
        content = json.dumps(body).encode()
        headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


class AuthNotEnforced:
    """Serves every ``/v2`` request as the drift tenant, whatever its Authorization says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith("/v2/")
            and "validate" not in scope["path"]
        ):
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            scope = {**scope, "headers": [*headers, (b"authorization", f"Bearer {TOKEN}".encode())]}
        await self.app(scope, receive, send)


def drifted_app(*variants: str) -> ASGIApp:
    """The mock (enforcing signed tokens, as contract runs need) with one drift, or several:
    each answer goes through the variants' drifts in the order given."""
    app: ASGIApp = create_app(Settings(signing_secret=SECRET))
    for variant in variants:
        if variant == "auth-not-enforced":
            app = AuthNotEnforced(app)
        else:
            app = ResponseDrift(app, RESPONSE_DRIFTS[variant])
    return app
