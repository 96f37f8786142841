"""The request journal: what the mock answered and which webhooks it tried, bounded in size.

Entries hold the method, path, status, duration and operation, never a body, header,
query string, image or token, so nothing secret can leak through it.
"""

from __future__ import annotations

from collections import deque

from mockserver.models.control import JournalEntry


class RequestJournal:
    """The last ``size`` entries of one running mock, oldest dropped first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)

    def record(self, entry: JournalEntry) -> None:
        """Add one entry."""
        self._entries.append(entry)

    def newest(self, client: str | None = None, limit: int = 100) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        found: list[JournalEntry] = []
        for entry in reversed(self._entries):
            if client is None or entry.client == client:
                found.append(entry)
                if len(found) == limit:
                    break
        return found
