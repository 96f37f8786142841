"""An index of records by creation, overall and by the value of each filtered field, kept in
step with every write.

A listing in the default order (newest first, perhaps filtered) then takes a slice of a
sorted list, or of the intersection of a few, instead of reading, filtering and sorting every
record: with 100,000 validations that is microseconds instead of a second.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime

CreationKey = tuple[datetime, str]
"""(createdAt, id): the order ``sort=createdAt`` lists in, ties broken by id."""


class CreationOrder:
    """Record keys sorted by (createdAt, id), as a whole and by each value of ``fields``.

    A new key is appended, and a list it leaves out of order is sorted when next read: the
    clock's records arrive in order, and a seeded world's, drawn at random, are sorted once
    instead of each being inserted into long lists. A changed record moves into place.
    """

    def __init__(self, fields: Sequence[str]) -> None:
        self._fields = tuple(fields)
        self._all: list[CreationKey] = []
        self._by_value: dict[str, dict[Hashable, list[CreationKey]]] = {f: {} for f in fields}
        self._unsorted: dict[int, list[CreationKey]] = {}

    def add(self, key: CreationKey, record: object) -> None:
        """Index a new record (its fields read by name)."""
        self._append(self._all, key)
        for field in self._fields:
            value = getattr(record, field)
            if value is not None:
                self._append(self._by_value[field].setdefault(value, []), key)

    def update(self, key: CreationKey, old: object, new: object) -> None:
        """Re-index a changed record under the values it has now."""
        for field in self._fields:
            before, after = getattr(old, field), getattr(new, field)
            if before == after:
                continue
            if before is not None:
                _delete(self._sorted(self._by_value[field][before]), key)
            if after is not None:
                keys = self._by_value[field].setdefault(after, [])
                if id(keys) in self._unsorted:
                    keys.append(key)
                else:
                    insort(keys, key)

    def keys(self, wanted: Mapping[str, Hashable]) -> Sequence[CreationKey]:
        """The keys of records with every ``wanted`` value (all without), oldest first."""
        if not wanted:
            return self._sorted(self._all)
        lists = sorted(
            (self._sorted(self._by_value[field].get(value, [])) for field, value in wanted.items()),
            key=len,
        )
        shortest, others = lists[0], lists[1:]
        if not others:
            return shortest
        return [key for key in shortest if all(_holds(keys, key) for keys in others)]

    def remove(self, key: CreationKey, record: object) -> None:
        """Take a record out of the index (a new record's write undone)."""
        _delete(self._sorted(self._all), key)
        for field in self._fields:
            value = getattr(record, field)
            if value is not None:
                _delete(self._sorted(self._by_value[field][value]), key)

    def _append(self, keys: list[CreationKey], key: CreationKey) -> None:
        if keys and key < keys[-1]:
            self._unsorted[id(keys)] = keys
        keys.append(key)

    def _sorted(self, keys: list[CreationKey]) -> list[CreationKey]:
        if self._unsorted.pop(id(keys), None) is not None:
            keys.sort()
        return keys


def _delete(keys: list[CreationKey], key: CreationKey) -> None:
    del keys[bisect_left(keys, key)]


def _holds(keys: Sequence[CreationKey], key: CreationKey) -> bool:
    at = bisect_left(keys, key)
    return at < len(keys) and keys[at] == key


def page_of_ids(
    keys: Sequence[CreationKey], page: int, limit: int, newest_first: bool
) -> list[str]:
    """The ids on the ``page``-th page of ``limit`` (empty past the end)."""
    start = (page - 1) * limit
    if not newest_first:
        return [record_id for _, record_id in keys[start : start + limit]]
    stop = len(keys) - start
    return [record_id for _, record_id in reversed(keys[max(stop - limit, 0) : max(stop, 0)])]
