"""A tenant's records of one kind, by id, remembering what a turn wrote so that the turn can
be saved (only the records it wrote) or undone (a turn that must run again).

Records are never changed in place: a write stores a new instance, so the instance a turn
replaced is all it takes to undo the write.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from verifik_mock.models.base import RecordModel

Record = TypeVar("Record", bound=RecordModel)


class Table(Mapping[str, Record], Generic[Record]):
    """One kind of record by id, oldest first; ``__setitem__`` writes and is remembered."""

    def __init__(self, model: type[Record]) -> None:
        self.model = model
        self._before: dict[str, Record | None] = {}
        """What each id written since ``settle`` held before its first write (None: new)."""

    def __setitem__(self, record_id: str, record: Record) -> None:
        """Store ``record`` (new, or replacing the one with its id)."""
        if record_id not in self._before:
            self._before[record_id] = self.get(record_id)
        self._put(record_id, record)

    def written(self) -> list[str]:
        """The ids written since the last ``settle``, in the order first written."""
        return list(self._before)

    def before(self, record_id: str) -> Record | None:
        """What ``record_id`` held before this turn's first write of it (None: it is new)."""
        return self._before.get(record_id)

    def settle(self) -> None:
        """Forget what was written: it is saved (or there is nothing to save it to)."""
        self._before.clear()

    def undo(self) -> None:
        """Put back what every id held before the writes since the last ``settle``."""
        for record_id, record in reversed(self._before.items()):
            if record is None:
                self._drop(record_id)
            else:
                self._put(record_id, record)
        self._before.clear()

    def load(self, record: Record) -> None:
        """Store a record as read from an engine: not a write of this turn."""
        self._put(record.id, record)

    @abstractmethod
    def _put(self, record_id: str, record: Record) -> None: ...

    @abstractmethod
    def _drop(self, record_id: str) -> None: ...


class Records(Table[Record]):
    """A kind of record a tenant holds few of, kept as instances."""

    def __init__(self, model: type[Record]) -> None:
        super().__init__(model)
        self._records: dict[str, Record] = {}

    def __getitem__(self, record_id: str) -> Record:
        return self._records[record_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def _put(self, record_id: str, record: Record) -> None:
        self._records[record_id] = record

    def _drop(self, record_id: str) -> None:
        del self._records[record_id]
