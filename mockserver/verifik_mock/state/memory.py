"""The default engine: tenants live only in the store's own memory, so it keeps no records;
the journal and webhook deliveries are this process's own."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any

from verifik_mock.models.control import JournalEntry, WebhookDelivery
from verifik_mock.state.engine import DELIVERIES_KEPT, Version
from verifik_mock.state.rows import TenantRows


class MemoryEngine:
    """Keeps no records (the store's cache is the whole state), only the seeds resets set,
    the journal and the webhook deliveries."""

    shared = False
    keeps_records = False

    def __init__(self, journal_size: int = 1000) -> None:
        self._seeds: dict[str, int] = {}
        self._journal: deque[dict[str, Any]] = deque(maxlen=journal_size)
        self._deliveries: dict[str, OrderedDict[str, WebhookDelivery]] = {}
        self._numbers = 0

    def version(self, client_id: str) -> Version | None:
        """Nothing is stored: always None."""
        return None

    def read(self, client_id: str, since: Version | None) -> tuple[Version, TenantRows] | None:
        """Nothing is stored: always None."""
        return None

    def try_lock(self, client_id: str) -> bool:
        """One process, one event loop: a turn is never interleaved, so the lock is free."""
        return True

    def unlock(self, client_id: str) -> None:
        """Nothing to give back."""

    def hold(self, client_id: str, seconds: float) -> None:
        """The lock lasts until it is given back: nothing to do."""

    def write(
        self, client_id: str, expected: Version | None, rows: TenantRows, whole: bool
    ) -> Version | None:
        """Nothing is stored; the turn's changes are already in the store's memory."""
        return None

    def seed(self, client_id: str) -> int | None:
        """The seed a reset set for the tenant, if any."""
        return self._seeds.get(client_id)

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant's seed (recording ``seed``, if any), or every one."""
        if client_id is None:
            self._seeds.clear()
        elif seed is None:
            self._seeds.pop(client_id, None)
        else:
            self._seeds[client_id] = seed

    def journal_add(self, entries: list[dict[str, Any]]) -> None:
        """Keep the entries as given: each becomes a model only when read (every request
        records one, few are ever read)."""
        self._journal.extend(entries)

    def journal_newest(self, client: str | None, limit: int) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        found: list[JournalEntry] = []
        for fields in reversed(self._journal):
            if client is None or fields["client"] == client:
                found.append(JournalEntry.model_validate(fields))  # a field amiss shows here
                if len(found) == limit:
                    break
        return found

    def delivery_number(self) -> int:
        """The next number of this process's count."""
        self._numbers += 1
        return self._numbers

    def delivery_put(self, delivery: WebhookDelivery) -> None:
        """Keep a new or changed delivery, dropping the client's oldest past the limit."""
        kept = self._deliveries.setdefault(delivery.client, OrderedDict())
        kept[delivery.id] = delivery
        while len(kept) > DELIVERIES_KEPT:
            kept.popitem(last=False)

    def delivery_get(self, client: str, delivery_id: str) -> WebhookDelivery | None:
        """One of the client's deliveries, if it is kept."""
        kept = self._deliveries.get(client)
        return kept.get(delivery_id) if kept is not None else None

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""
        return list(reversed(self._deliveries.get(client, {}).values()))

    def deliveries_forget(self, client: str | None) -> None:
        """Drop one client's deliveries, or every client's."""
        if client is None:
            self._deliveries.clear()
        else:
            self._deliveries.pop(client, None)

    def delivery_claim(self, delivery_id: str, owner: str, seconds: float) -> bool:
        """One process: its deliveries are its own."""
        return True

    def pending_deliveries(self) -> list[WebhookDelivery]:
        """None to take up: no other process could have died with one."""
        return []

    def close(self) -> None:
        """Nothing to close."""
