"""``serve --workers N``: worker processes sharing one ``--state-file`` take turns.

Each request holds an exclusive lock on ``<state file>.lock`` while it takes in what the
other workers saved, runs, and saves before it answers, so every worker serves the same
state. A worker's own requests first queue on an asyncio lock, so waiting never blocks its
event loop on itself. The price is that requests run one at a time across workers; see
``bench/README.md`` for what that does to throughput.
"""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.store import TenantRegistry


def lock_path_for(state_file: Path) -> Path:
    """The lock file beside a state file."""
    return state_file.with_name(state_file.name + ".lock")


class SharedStateLock:
    """ASGI middleware: one request at a time across the processes sharing a state file."""

    def __init__(self, app: ASGIApp, tenants: TenantRegistry, state_file: Path) -> None:
        self.app = app
        self.tenants = tenants
        self._lock_file = lock_path_for(state_file).open("ab")
        self._turn = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self._turn:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                self.tenants.refresh()
                await self.app(scope, receive, send)
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
