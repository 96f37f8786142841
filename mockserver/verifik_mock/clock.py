"""The mock clock: time that moves only when the mock says so, so answers are repeatable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from verifik_mock.timestamps import to_millisecond

DEFAULT_START = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
"""The instant every tenant's clock starts at: the ``createdAt`` of the pages' examples."""

LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""How far the control API may move a clock: far enough for any test, and far from the year
9999 that datetime stops at, so a session's deadline or a write's tick never overflows."""

WRITE_TICK = timedelta(seconds=1)
"""How far a tenant's clock moves for each record it writes, so records are ordered in time."""


class TenantClock:
    """One tenant's clock: starts at a fixed instant, ticks per write, and can be advanced."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = to_millisecond(start)  # records keep instants to the millisecond

    def now(self) -> datetime:
        """The current mock instant."""
        return self._now

    def tick(self) -> datetime:
        """Move on by one write's tick and return the new instant (a write's timestamp)."""
        self._now += WRITE_TICK
        return self._now

    def advance(self, by: timedelta) -> datetime:
        """Move on by ``by`` (never backwards) and return the new instant."""
        if by < timedelta(0):
            raise ValueError("the mock clock cannot go backwards")
        self._now += by
        return self._now
