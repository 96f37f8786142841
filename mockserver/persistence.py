"""``--state-file``: every tenant kept in SQLite, so a restart serves the same data.

Each tenant is stored whole (pickled, with its clock and seeded random, so a restarted mock
goes on exactly where it stopped) in one row, written in its own transaction before the
request that changed it is answered: a kill -9 loses no acknowledged write. The standard
library's sqlite3 in WAL mode; the file is the mock's own, never a stranger's (pickle).
"""

from __future__ import annotations

import pickle
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockserver.store import TenantState

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (client_id TEXT PRIMARY KEY, state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS seeds (client_id TEXT PRIMARY KEY, seed INTEGER NOT NULL);
"""


class StateFile:
    """One SQLite file holding every tenant of a mock."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def load(self, client_id: str) -> TenantState | None:
        """The stored tenant, if there is one."""
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM tenants WHERE client_id = ?", (client_id,)
            ).fetchone()
        return pickle.loads(row[0]) if row else None

    def save(self, client_id: str, tenant: TenantState) -> None:
        """Store the tenant whole, durably, before its change is acknowledged."""
        blob = pickle.dumps(tenant, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tenants (client_id, state) VALUES (?, ?)", (client_id, blob)
            )

    def seeds(self) -> dict[str, int]:
        """The per-tenant seeds set by resets."""
        with self._lock:
            return dict(self._db.execute("SELECT client_id, seed FROM seeds").fetchall())

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant (recording its new seed, if any), or every tenant."""
        with self._lock:
            if client_id is None:
                self._db.executescript("DELETE FROM tenants; DELETE FROM seeds;")
                return
            self._db.execute("DELETE FROM tenants WHERE client_id = ?", (client_id,))
            self._db.execute("DELETE FROM seeds WHERE client_id = ?", (client_id,))
            if seed is not None:
                self._db.execute("INSERT INTO seeds VALUES (?, ?)", (client_id, seed))

    def close(self) -> None:
        """Close the file."""
        self._db.close()
