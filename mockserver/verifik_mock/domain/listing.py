"""Sorting and paging a list of records the same way every time."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from verifik_mock.models.base import RecordModel

Record = TypeVar("Record", bound=RecordModel)


@dataclass(frozen=True)
class Page(Generic[Record]):
    """One page of a sorted result, and where it sits in the whole."""

    records: list[Record]
    page: int
    limit: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the whole result fills."""
        return math.ceil(self.total / self.limit)


def sort_records(records: Iterable[Record], sort: str) -> list[Record]:
    """Sort by ``sort`` (``-field`` descending); ties by id, records lacking the field last."""
    field = sort.removeprefix("-")
    descending = sort.startswith("-")
    present: list[Record] = []
    missing: list[Record] = []
    for record in records:
        (missing if getattr(record, field) is None else present).append(record)
    present.sort(key=lambda record: (getattr(record, field), record.id), reverse=descending)
    missing.sort(key=lambda record: record.id)
    return present + missing


def paginate(records: Sequence[Record], page: int, limit: int) -> Page[Record]:
    """The ``page``-th slice of ``limit`` records (an empty one past the end)."""
    start = (page - 1) * limit
    return Page(list(records[start : start + limit]), page=page, limit=limit, total=len(records))
