"""The request journal: what the mock answered and which webhooks it tried, bounded in size.

Entries hold the method, path, status, duration and operation, never a body, header,
query string, image or token, so nothing secret can leak through it.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from verifik_mock.models.control import JournalEntry


class RequestJournal:
    """The last ``size`` entries of one running mock, oldest dropped first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)

    def record(self, **fields: Any) -> None:
        """Add one entry, given as ``JournalEntry``'s fields. It becomes a model only when
        read: every request records one, few are ever read."""
        self._entries.append(fields)

    def newest(self, client: str | None = None, limit: int = 100) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        found: list[JournalEntry] = []
        for fields in reversed(self._entries):
            if client is None or fields["client"] == client:
                found.append(JournalEntry.model_validate(fields))  # a field amiss shows here
                if len(found) == limit:
                    break
        return found
