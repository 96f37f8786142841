"""``--state-file``: the processes serving from one file (``serve --workers N``) serve one
state; a single process takes the same turns, uncontended.

Each request holds a lock on ``<state file>.lock`` while it takes in what the other workers
saved and runs. A write (any method but GET and HEAD) holds it alone and saves before it
answers. A read shares it with other workers' reads and saves nothing; should it change its
tenant after all (a control-API fault it spends, records it finds lapsed), it is stopped
before anything is sent and run again as a write. A worker's own requests queue on an
asyncio lock first, so waiting never blocks its event loop on itself.
"""

from __future__ import annotations

import asyncio
import fcntl
import weakref
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.store import ReadChangedStateError, TenantRegistry

READS = frozenset({"GET", "HEAD"})


def lock_path_for(state_file: Path) -> Path:
    """The lock file beside a state file."""
    return state_file.with_name(state_file.name + ".lock")


class SharedStateLock:
    """ASGI middleware: reads side by side, each write alone, across the processes sharing
    a state file."""

    def __init__(self, app: ASGIApp, tenants: TenantRegistry, state_file: Path) -> None:
        self.app = app
        self.tenants = tenants
        self._lock_file = lock_path_for(state_file).open("ab")
        weakref.finalize(self, self._lock_file.close)  # held while the app lives
        self._turn = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self._turn:
            if scope["method"] in READS:
                try:
                    await self._run(scope, receive, send, reading=True)
                    return
                except ReadChangedStateError:
                    pass  # nothing was sent: run it again, as a write
            await self._run(scope, receive, send, reading=False)

    async def _run(self, scope: Scope, receive: Receive, send: Send, reading: bool) -> None:
        fcntl.flock(self._lock_file, fcntl.LOCK_SH if reading else fcntl.LOCK_EX)
        self.tenants.reading = reading
        try:
            self.tenants.refresh()
            await self.app(scope, receive, send)
        finally:
            self.tenants.reading = False
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
