"""``--state-file``: requests served as reads save nothing unless they changed their tenant;
with ``serve --workers N``, the processes serving from one file take turns on its lock.

Each request of a worker, once its whole body is in (a client sending one slowly holds no
one up), holds a lock on ``<state file>.lock`` while it takes in what the other workers
saved and runs. A write (any method but GET and HEAD) holds it alone and saves before it
answers. A read shares it with other workers' reads and may not write; should it change its
tenant after all (a control-API fault it spends, records it finds lapsed), it is stopped
before anything is sent and run again as a write. A turn ends once the request's tenant is
kept: sending the answer, or a control-API fault's answer after its wait, holds no one up
(a latency-only rule is still waited out inside the turn: issue 13's state layer moves every
wait out of it). A worker's own requests queue on an asyncio lock first, so waiting never
blocks its event loop on itself. A single process takes no lock: its requests interleave as
they always do.
"""

from __future__ import annotations

import asyncio
import fcntl
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verifik_mock.persistence import beside
from verifik_mock.store import READING, ReadChangedStateError, TenantRegistry

READS = frozenset({"GET", "HEAD"})


class ReadsAndWrites:
    """ASGI middleware: marks reads (``READING``) for a process serving from a state file
    alone; it is the base of ``SharedStateLock``, which adds the workers' turns."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.run(scope, receive, send, reading=scope["method"] in READS)

    async def run(self, scope: Scope, receive: Receive, send: Send, reading: bool) -> None:
        """Serve the request, marked as a read or not."""
        mark = READING.set(reading)
        try:
            await self.app(scope, receive, send)
        finally:
            READING.reset(mark)


_END_TURN: ContextVar[Callable[[], None] | None] = ContextVar("end_turn", default=None)


def end_turn() -> None:
    """Let the other workers go on: the request's tenant is saved, and what is left of it
    (sending the answer, a fault's wait) needs no lock. Nothing outside a worker's turn."""
    end = _END_TURN.get()
    if end is not None:
        end()


class SharedStateLock(ReadsAndWrites):
    """ASGI middleware: reads side by side, each write alone, across the worker processes
    sharing a state file."""

    def __init__(
        self, app: ASGIApp, tenants: TenantRegistry, state_file: Path, max_body_bytes: int
    ) -> None:
        super().__init__(app)
        self.tenants = tenants
        self.max_body_bytes = max_body_bytes
        self._lock_file = beside(state_file, ".lock").open("ab")
        weakref.finalize(self, self._lock_file.close)  # held while the app lives
        self._turn = asyncio.Lock()

    async def run(self, scope: Scope, receive: Receive, send: Send, reading: bool) -> None:
        """Serve the request in a turn of this worker, under the file's lock, once its body
        is in (a client sending it slowly holds no one up); a read that changed its tenant
        runs again as a write."""
        body = await read_body_messages(receive, self.max_body_bytes)
        if reading:
            try:
                await self._in_turn(scope, replaying(body, receive), send, reading=True)
                return
            except ReadChangedStateError:
                pass  # nothing was sent: run it again, as a write
        await self._in_turn(scope, replaying(body, receive), send, reading=False)

    async def _in_turn(self, scope: Scope, receive: Receive, send: Send, reading: bool) -> None:
        """The turn lasts until the request's tenant is kept (``end_turn``) or it ends."""
        await self._turn.acquire()
        fcntl.flock(self._lock_file, fcntl.LOCK_SH if reading else fcntl.LOCK_EX)
        ended = False

        def end() -> None:
            nonlocal ended
            if not ended:
                ended = True
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._turn.release()

        mark = _END_TURN.set(end)
        try:
            self.tenants.refresh()
            await super().run(scope, receive, send, reading)
        finally:
            _END_TURN.reset(mark)
            end()


async def read_body_messages(receive: Receive, max_bytes: int) -> list[Message]:
    """The request's body messages, read now: all of them, or up to just past ``max_bytes``
    (the app then refuses the body as too large, reading no further)."""
    messages: list[Message] = []
    size = 0
    while size <= max_bytes:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
        size += len(message.get("body", b""))
    return messages


def replaying(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` again, then whatever the client sends next."""
    left = iter(messages)

    async def replayed() -> Message:
        return next(left, None) or await receive()

    return replayed
