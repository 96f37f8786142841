"""An index of records by creation, overall and per status, kept in step with every write.

The common listing (newest first, perhaps of one status) then takes a slice of a sorted
list instead of scanning and sorting every record: with 100,000 validations that is the
difference between microseconds and tens of milliseconds a request.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence
from datetime import datetime

CreationKey = tuple[datetime, str]
"""(createdAt, id): the order ``sort=createdAt`` lists in, ties broken by id."""


class CreationOrder:
    """Record ids sorted by (createdAt, id), as a whole and by status."""

    def __init__(self) -> None:
        self._all: list[CreationKey] = []
        self._by_status: dict[str, list[CreationKey]] = {}

    def add(self, key: CreationKey, status: str) -> None:
        """Index a new record."""
        insort(self._all, key)
        insort(self._by_status.setdefault(status, []), key)

    def restatus(self, key: CreationKey, old: str, new: str) -> None:
        """Move a record from one status to another."""
        if old == new:
            return
        keys = self._by_status[old]
        del keys[bisect_left(keys, key)]
        insort(self._by_status.setdefault(new, []), key)

    def keys(self, status: str | None = None) -> Sequence[CreationKey]:
        """Every key, or those of one status, oldest first."""
        return self._all if status is None else self._by_status.get(status, [])


def page_of_ids(
    keys: Sequence[CreationKey], page: int, limit: int, newest_first: bool
) -> list[str]:
    """The ids on the ``page``-th page of ``limit`` (empty past the end)."""
    start = (page - 1) * limit
    if not newest_first:
        return [record_id for _, record_id in keys[start : start + limit]]
    stop = len(keys) - start
    return [record_id for _, record_id in reversed(keys[max(stop - limit, 0) : max(stop, 0)])]
