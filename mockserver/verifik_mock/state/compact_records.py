"""Records kept as deflated JSON and parsed when read: a tenant of 100,000 validations in
tens of megabytes, not hundreds.

A pydantic instance carries about 1.5 KB besides its values (its ``__dict__`` and its
set of fields), and a validation is four instances with its nested results. Kept as its
wire JSON, deflated against a dictionary made of the first record stored (records of one
kind share most of their bytes), a validation takes about 180 bytes; reading one back
costs about 10 µs, and the most recently used are kept parsed, so hot reads cost nothing.

Reading back is exact: instants are held to the millisecond (``Timestamp``), as the JSON
writes them, and a field without a value is left out and read back as its default.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Iterator
from itertools import islice
from typing import TypeVar, overload

from verifik_mock.state.tables import Record, Table

Default = TypeVar("Default")

KEPT_PARSED = 1024
"""How many records each store keeps parsed (the least recently used go first): every
page in use, while a tenant of 100,000 stays small."""

_WINDOW_BITS = -12
"""Raw deflate with a 4 KB window: a record and the dictionary fit in it."""


class CompactRecords(Table[Record]):
    """One kind of record by id, oldest first, each held as deflated JSON.

    A parsed record handed out stays right for as long as its id is not written again
    (records are never changed in place). Like the tenant it belongs to, it is used by one
    turn at a time, so it takes no lock.
    """

    def __init__(self, model: type[Record], kept_parsed: int = KEPT_PARSED) -> None:
        super().__init__(model)
        self._kept_parsed = kept_parsed
        self._stored: dict[str, bytes] = {}
        self._dictionary = b""
        self._parsed: OrderedDict[str, Record] = OrderedDict()

    def _put(self, record_id: str, record: Record) -> None:
        text = record.model_dump_json(exclude_none=True).encode()
        if not self._dictionary:
            self._dictionary = text
        deflate = zlib.compressobj(wbits=_WINDOW_BITS, zdict=self._dictionary)
        self._stored[record_id] = deflate.compress(text) + deflate.flush()
        self._keep_parsed(record_id, record)

    def _drop(self, record_id: str) -> None:
        del self._stored[record_id]
        self._parsed.pop(record_id, None)

    def __getitem__(self, record_id: str) -> Record:
        """The record with ``record_id`` (KeyError if there is none)."""
        record = self._parsed.get(record_id)
        if record is not None:
            self._parsed.move_to_end(record_id)
            return record
        inflate = zlib.decompressobj(wbits=_WINDOW_BITS, zdict=self._dictionary)
        record = self.model.model_validate_json(inflate.decompress(self._stored[record_id]))
        self._keep_parsed(record_id, record)
        return record

    @overload
    def get(self, record_id: str, /) -> Record | None: ...
    @overload
    def get(self, record_id: str, /, default: Record | Default) -> Record | Default: ...
    def get(self, record_id: str, /, default: object = None) -> object:
        """The record with ``record_id``, or ``default``: without raising and catching a
        KeyError, which a lookup of a session's id among validations (each sweep) costs."""
        return self[record_id] if record_id in self._stored else default

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._stored

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)

    def newest(self, count: int) -> list[Record]:
        """The ``count`` records stored last, newest first."""
        return [self[record_id] for record_id in islice(reversed(self._stored), count)]

    def _keep_parsed(self, record_id: str, record: Record) -> None:
        self._parsed[record_id] = record
        self._parsed.move_to_end(record_id)
        if len(self._parsed) > self._kept_parsed:
            self._parsed.popitem(last=False)
