"""ASGI middleware that writes every request into the journal: method, path, status, the
error code and injected fault of its answer, time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verifik_mock.errors import ConnectionDropped
from verifik_mock.journal import RequestJournal

CLIENT_KEY = "verifik_mock.client"
OPERATION_KEY = "verifik_mock.operation"
CODE_KEY = "verifik_mock.code"
FAULT_KEY = "verifik_mock.fault"


def note_request(scope: Scope, client: str | None, operation: str | None) -> None:
    """Tell the journal whose request this is (None: its token names no one) and which
    operation served it (None: none did)."""
    state: dict[str, Any] = scope.setdefault("state", {})
    state[CLIENT_KEY] = client
    state[OPERATION_KEY] = operation


def note_answer(scope: Scope, code: str | None, fault: str | None = None) -> None:
    """Tell the journal the error code of the answer about to be sent, and the fault that
    answered it, if one did: the journal sees statuses go by, never bodies."""
    state: dict[str, Any] = scope.setdefault("state", {})
    state[CODE_KEY] = code
    state[FAULT_KEY] = fault


class Journaling:
    """Records each HTTP request once it has been answered (or dropped)."""

    def __init__(self, app: ASGIApp, journal: RequestJournal) -> None:
        self.app = app
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request and journal it, whatever happens."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        state: dict[str, Any] = scope.setdefault("state", {})
        try:
            await self.app(scope, receive, send_and_note)
        except ConnectionDropped:
            status = None  # the client got no answer, whatever was started
            raise
        except ClientDisconnect:
            status = None  # the client left mid-body: nothing to answer, nothing to log
        finally:
            self.journal.record(
                kind="request",
                at=datetime.now(UTC),
                client=state.get(CLIENT_KEY),
                method=scope["method"],
                path=scope["path"],
                operation=state.get(OPERATION_KEY),
                status=status,
                code=state.get(CODE_KEY) if status is not None else None,
                fault=state.get(FAULT_KEY),
                durationMs=round((time.perf_counter() - started) * 1000, 3),
            )
