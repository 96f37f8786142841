"""Answer bodies written from each record's JSON, kept once made.

Records are never changed in place (a write stores a new instance), so a record's JSON,
made once, stays right for as long as that instance is served: a retrieve or a list page
then joins stored bytes instead of serialising every field again. The envelope around the
records is still written by pydantic, so the bytes equal ``model_dump_json`` exactly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from pydantic import BaseModel

from verifik_mock.models.base import RecordModel
from verifik_mock.models.envelopes import RecordPage, SingleRecord

CACHED_RECORDS = 1024
"""How many records' JSON are kept, for every app in the process (the least recently
served go first): enough for the pages in use, bounded since each entry holds its record."""

_HEAD = '{"success":true'
"""How every envelope with records begins: ``success`` is declared first, ``data`` second."""


class RecordJson:
    """Each served record's JSON (without its ``None`` fields), by instance."""

    def __init__(self, size: int = CACHED_RECORDS) -> None:
        self._size = size
        self._made: OrderedDict[int, tuple[RecordModel, str]] = OrderedDict()
        self._lock = threading.Lock()  # servers in threads (the test fixtures) share it

    def of(self, record: RecordModel) -> str:
        """The record's JSON, made now or taken from the store."""
        key = id(record)
        with self._lock:
            found = self._made.get(key)
            if found is not None and found[0] is record:
                self._made.move_to_end(key)
                return found[1]
        text = record.model_dump_json(exclude_none=True)
        with self._lock:
            self._made[key] = (record, text)  # holding the record keeps its id unused
            if len(self._made) > self._size:
                self._made.popitem(last=False)
        return text

    def envelope(self, model: BaseModel) -> str:
        """``model`` as JSON without ``None`` fields, its records from the store."""
        if isinstance(model, SingleRecord) and isinstance(model.data, RecordModel):
            data = self.of(model.data)
        elif isinstance(model, RecordPage) and all(isinstance(r, RecordModel) for r in model.data):
            data = "[" + ",".join(self.of(record) for record in model.data) + "]"
        else:
            return model.model_dump_json(exclude_none=True)
        rest = model.model_dump_json(exclude_none=True, exclude={"data"})
        return f'{_HEAD},"data":{data}{rest.removeprefix(_HEAD)}'
