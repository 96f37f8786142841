"""The request journal: what the mock answered and which webhooks it tried, bounded in size,
kept by the store's engine (so replicas sharing Redis or a state file share one journal).

Entries hold the method, path, status, error code, injected fault, duration and operation,
never a body, header, query string, image or token, so nothing secret can leak through it.
An engine that keeps records elsewhere (SQLite, Redis) is sent them in batches: every
request records one, and a write (or a round trip) each would cost more than the request.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from typing import Any

from verifik_mock.errors import StoreUnavailableError
from verifik_mock.models.control import Answered, JournalEntry
from verifik_mock.state.engine import Engine

BATCH = 64
"""Entries sent together at most; fewer are sent after ``BATCH_SECONDS``."""
BATCH_SECONDS = 0.05
VERIFIK_API = "/v2/"
"""The paths whose answers are tallied: Verifik's, not the mock's own (``/__mock__``)."""
TALLIED_CLIENTS = 10_000
"""Tenants whose distinct answers are kept at most; the longest unread are dropped first."""
AnswerFields = tuple[str, str | None, int | None, str | None, str | None]
"""An entry's kind, operation, status, code and fault: one distinct answer."""


class RequestJournal:
    """The last entries of one running mock (or of every replica sharing its engine)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._batch: list[dict[str, Any]] = []
        self._flush_due = False
        self._answered: OrderedDict[str, set[AnswerFields]] = OrderedDict()

    def record(self, **fields: Any) -> None:
        """Add one entry, given as ``JournalEntry``'s fields."""
        self._batch.append(fields)
        if fields.get("client") is not None and (
            fields["kind"] == "webhook" or str(fields.get("path")).startswith(VERIFIK_API)
        ):
            self._tally(fields)
        if not self._engine.keeps_records or len(self._batch) >= BATCH:
            self.flush()
        elif not self._flush_due:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # recorded outside a server (a test): at once
                self.flush()
                return
            self._flush_due = True
            loop.call_later(BATCH_SECONDS, self.flush)

    def flush(self) -> None:
        """Send the entries not sent yet. With the store away they are lost, not the
        requests: the journal is a record, never a reason to fail."""
        entries, self._batch, self._flush_due = self._batch, [], False
        if entries:
            with contextlib.suppress(StoreUnavailableError):
                self._engine.journal_add(entries)

    def newest(self, client: str | None = None, limit: int = 100) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        self.flush()
        return self._engine.journal_newest(client, limit)

    def _tally(self, fields: dict[str, Any]) -> None:
        """Keep the entry's answer in its tenant's set: a bounded journal forgets a busy
        tenant's answers, a set of the distinct ones stays small."""
        if fields["kind"] == "webhook" and fields.get("status") is None:
            return  # the attempt reached no one: nothing was delivered
        answers = self._answered.get(fields["client"])
        if answers is None:
            answers = self._answered[fields["client"]] = set()
            if len(self._answered) > TALLIED_CLIENTS:
                self._answered.popitem(last=False)
        answer = (fields["kind"], fields.get("operation"), fields.get("status"))
        answers.add((*answer, fields.get("code"), fields.get("fault")))

    def drain_answered(self, client: str | None) -> list[Answered]:
        """Each distinct answer ``client`` was given since it was last drained, and forget
        them; None: forget every tenant's."""
        if client is None:
            self._answered.clear()
            return []
        answered = sorted(self._answered.pop(client, ()), key=repr)
        return [
            Answered(kind=kind, operation=operation, status=status, code=code, fault=fault)
            for kind, operation, status, code, fault in answered
        ]
