"""The default engine: tenants live only in the store's own memory, so it keeps nothing."""

from __future__ import annotations

from verifik_mock.state.engine import Version
from verifik_mock.state.rows import TenantRows


class MemoryEngine:
    """Keeps no records (the store's cache is the whole state), only the seeds resets set."""

    shared = False
    keeps_records = False

    def __init__(self) -> None:
        self._seeds: dict[str, int] = {}

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

    def close(self) -> None:
        """Nothing to close."""
