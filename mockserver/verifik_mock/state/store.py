"""The store: every tenant of a running mock, each request's work on one tenant run as a turn.

A turn runs a synchronous action on the tenant and saves what it changed before it returns,
so nothing acknowledged is lost. A write turn holds the engine's lock on the tenant; a read
turn holds none, and should the read change its tenant after all (records it finds lapsed, a
control-API fault it spends), it saves only if no one wrote the tenant meanwhile, else it is
undone and runs again as a write. Nothing waits inside a turn: the request's body is read
before it and an answer's delay is waited after it, so a slow client holds no one up.

Each process keeps the tenants it used (at most ``max_tenants``, the least recently used
evicted) and, on an engine other processes write, reads only what they wrote since.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from verifik_mock.errors import StoreUnavailableError
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.state.engine import Engine, Version
from verifik_mock.state.rows import apply_rows, rows_written, tenant_from_rows
from verifik_mock.state.tenant import TenantState

Answer = TypeVar("Answer")

LOCK_WAIT_SECONDS = 10.0
"""How long a turn waits for another process's write turn on its tenant before answering 503."""
_LOCK_POLL_SECONDS = 0.0005
WHOLE_WRITE_SECONDS = 120.0
"""How long a tenant's first write (its whole seeded world) may hold the lock."""


class Store:
    """All tenants of one running mock, made from a seed on first use, kept by an engine."""

    def __init__(
        self,
        engine: Engine,
        build_tenant: Callable[[str, int], TenantState],
        seed: int,
        max_tenants: int = 1000,
        on_evict: Callable[[str], None] = lambda client_id: None,
        on_events: Callable[[list[WebhookEvent]], None] = lambda events: None,
    ) -> None:
        self.engine = engine
        self._build_tenant = build_tenant
        self._seed = seed
        self._max_tenants = max_tenants
        self._on_evict = on_evict
        self._on_events = on_events
        self._tenants: OrderedDict[str, TenantState] = OrderedDict()
        self._versions: dict[str, Version | None] = {}
        """Each kept tenant's version as stored (None: seeded here, not stored yet)."""
        self._turns: dict[str, asyncio.Lock] = {}
        self._seeded_from: dict[str, int] = {}
        """The seed each tenant seeded here (and not stored since) was made from."""

    async def run(
        self, client_id: str, action: Callable[[TenantState], Answer], write: bool = True
    ) -> Answer:
        """Run ``action`` on the tenant in a turn, save what it changed, hand the webhook
        events it recorded on, and return what it returned (or raise what it raised, once
        its changes are saved, as a request refused halfway keeps what it did)."""
        turn = self._turns.setdefault(client_id, asyncio.Lock())
        async with turn:
            if write or not self.engine.shared:
                return await self._write_turn(client_id, action)
            tenant = self._current(client_id)
            answer, saved = self._in_turn(tenant, client_id, action, locked=False)
            if saved:
                return answer
            tenant.undo_turn()  # another process wrote meanwhile: run again, holding the lock
            return await self._write_turn(client_id, action)

    async def _write_turn(self, client_id: str, action: Callable[[TenantState], Answer]) -> Answer:
        if self.engine.shared:  # seeding or reading a large tenant holds no lock; the turn
            self._current(client_id)  # under it then takes in only what changed since
        await self._lock(client_id)
        try:
            tenant = self._current(client_id)
            answer, _ = self._in_turn(tenant, client_id, action, locked=True)
            return answer
        finally:
            self.engine.unlock(client_id)

    def _in_turn(
        self,
        tenant: TenantState,
        client_id: str,
        action: Callable[[TenantState], Answer],
        locked: bool,
    ) -> tuple[Answer, bool]:
        """Run ``action`` and save; (its answer, whether the turn's changes are kept). In
        memory, where nothing is saved and no turn runs again, nothing is tracked either."""
        tracked = self.engine.keeps_records
        if tracked:
            tenant.begin_turn()
        failure: BaseException | None = None
        answer = None
        try:
            answer = action(tenant)
        except BaseException as error:
            failure = error
        try:
            saved = (
                not tracked or not tenant.changed_in_turn() or self._save(tenant, client_id, locked)
            )
        except StoreUnavailableError:
            tenant.undo_turn()  # nothing stored: nothing kept, and read afresh next time
            self._tenants.pop(client_id, None)
            self._versions.pop(client_id, None)
            raise
        if not saved:
            return answer, False  # type: ignore[return-value]
        events, tenant.outbox[:] = list(tenant.outbox), []
        tenant.end_turn()
        self._on_events(events)
        if failure is not None:
            raise failure
        return answer, True  # type: ignore[return-value]

    def _save(self, tenant: TenantState, client_id: str, locked: bool) -> bool:
        """Write the turn's rows; False if another process wrote the tenant since it was read
        (only a read turn, which holds no lock, can find that)."""
        if not self.engine.keeps_records:
            return True
        if not locked and not self.engine.try_lock(client_id):
            return False
        try:
            expected = self._versions.get(client_id)
            if expected is None:  # the whole tenant, perhaps a large seeded world, is written
                self.engine.hold(client_id, WHOLE_WRITE_SECONDS)
            version = self.engine.write(
                client_id, expected, rows_written(tenant, whole=expected is None), expected is None
            )
        finally:
            if not locked:
                self.engine.unlock(client_id)
        if version is None:
            return False
        self._versions[client_id] = version
        return True

    async def _lock(self, client_id: str) -> None:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while not self.engine.try_lock(client_id):
            if time.monotonic() > deadline:
                raise StoreUnavailableError(f"tenant {client_id} stayed locked")
            await asyncio.sleep(_LOCK_POLL_SECONDS)

    def _current(self, client_id: str) -> TenantState:
        """The tenant as stored now: kept here, brought up to date, read, or seeded anew."""
        tenant = self._tenants.get(client_id)
        if tenant is not None:
            self._tenants.move_to_end(client_id)
            if not self.engine.shared:
                return tenant
        kept = self._versions.get(client_id)
        stored = self.engine.version(client_id) if self.engine.keeps_records else None
        if stored is None:  # seeded from the seed a reset (here or elsewhere) set, if any
            reset_seed = self.engine.seed(client_id)
            seed = self._seed if reset_seed is None else reset_seed
            if tenant is not None and kept is None and self._seeded_from.get(client_id) == seed:
                return tenant
            tenant = self._build_tenant(client_id, seed)
            self._seeded_from[client_id] = seed
            self._keep(client_id, tenant, None)
            return tenant
        if tenant is not None and stored == kept:
            return tenant
        if tenant is not None and kept is not None and kept.generation == stored.generation:
            found = self.engine.read(client_id, since=kept)
            if found is not None:
                apply_rows(tenant, found[1])
                self._versions[client_id] = found[0]
                return tenant
        return self._read_whole(client_id)

    def _read_whole(self, client_id: str) -> TenantState:
        found = self.engine.read(client_id, since=None)
        if found is None:  # reset by another process just now
            self._tenants.pop(client_id, None)
            self._versions.pop(client_id, None)
            return self._current(client_id)
        version, rows = found
        tenant = tenant_from_rows(rows)
        self._keep(client_id, tenant, version)
        return tenant

    def _keep(self, client_id: str, tenant: TenantState, version: Version | None) -> None:
        """Hold ``tenant`` here, evicting the least recently used beyond the limit."""
        self._tenants[client_id] = tenant
        self._tenants.move_to_end(client_id)
        self._versions[client_id] = version
        while len(self._tenants) > self._max_tenants:
            evicted, _ = self._tenants.popitem(last=False)
            self._versions.pop(evicted, None)
            self._turns.pop(evicted, None)
            self._seeded_from.pop(evicted, None)
            if not self.engine.keeps_records:
                self.engine.forget(evicted)
            self._on_evict(evicted)

    def known(self, client_id: str) -> bool:
        """Whether the tenant exists (kept here or stored), without seeding one."""
        if client_id in self._tenants:
            return True
        return self.engine.keeps_records and self.engine.version(client_id) is not None

    async def reset(self, client_id: str | None = None, seed: int | None = None) -> None:
        """Forget one tenant (seeded afresh, from ``seed`` if given, on its next request), or
        all of them."""
        await self._lock(client_id or "")
        try:
            self.engine.forget(client_id, seed)
        finally:
            self.engine.unlock(client_id or "")
        if client_id is None:
            self._tenants.clear()
            self._versions.clear()
            return
        self._tenants.pop(client_id, None)
        self._versions.pop(client_id, None)

    def client_ids(self) -> list[str]:
        """The ids of the tenants kept here, the least recently used first."""
        return list(self._tenants)
