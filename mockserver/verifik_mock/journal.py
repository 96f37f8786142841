"""The request journal: what the mock answered and which webhooks it tried, bounded in size,
kept by the store's engine (so replicas sharing Redis or a state file share one journal).

Entries hold the method, path, status, duration and operation, never a body, header,
query string, image or token, so nothing secret can leak through it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from verifik_mock.errors import StoreUnavailableError
from verifik_mock.models.control import JournalEntry
from verifik_mock.state.engine import Engine


class RequestJournal:
    """The last entries of one running mock (or of every replica sharing its engine)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, **fields: Any) -> None:
        """Add one entry, given as ``JournalEntry``'s fields. With the store away the entry
        is lost, not the request: the journal is a record, never a reason to fail."""
        with contextlib.suppress(StoreUnavailableError):
            self._engine.journal_add(fields)

    def newest(self, client: str | None = None, limit: int = 100) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        return self._engine.journal_newest(client, limit)
