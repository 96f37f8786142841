"""``--state-file``: every tenant kept in SQLite, so a restart serves the same data.

Each tenant is stored whole (pickled, with its clock and seeded random, so a restarted mock
goes on exactly where it stopped) in one row, written in its own transaction before the
request that changed it is answered: a kill -9 loses no acknowledged write. The standard
library's sqlite3 in WAL mode; the file is the mock's own, never a stranger's (pickle).

Each row carries a version, drawn anew at random by every save (so a tenant reset and
seeded again never repeats one), which lets worker processes sharing the file
(``serve --workers N``) tell which tenants another worker changed.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockserver.store import TenantState

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    client_id TEXT PRIMARY KEY, state BLOB NOT NULL, version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS seeds (client_id TEXT PRIMARY KEY, seed INTEGER NOT NULL);
"""


class StateFile:
    """One SQLite file holding every tenant of a mock."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._written: dict[str, tuple[bytes, int]] = {}
        """A digest of each tenant as this process last wrote it, and the version written."""
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tenants)")}
        if "version" not in columns:  # a file written before versions existed
            self._db.execute("ALTER TABLE tenants ADD COLUMN version INTEGER NOT NULL DEFAULT 0")

    def load(self, client_id: str) -> tuple[TenantState, int] | None:
        """The stored tenant and its version, if there is one."""
        with self._lock:
            row = self._db.execute(
                "SELECT state, version FROM tenants WHERE client_id = ?", (client_id,)
            ).fetchone()
        return (pickle.loads(row[0]), row[1]) if row else None

    def save(self, client_id: str, tenant: TenantState) -> int | None:
        """Store the tenant whole, durably, before its change is acknowledged; its new
        version, or None when it is as this process last stored it (a read changed nothing,
        and skipping the write and its fsync makes reads some ten times faster)."""
        blob = pickle.dumps(tenant, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.blake2b(blob, digest_size=16).digest()
        with self._lock:
            written = self._written.get(client_id)
            if written is not None and written[0] == digest:
                row = self._db.execute(
                    "SELECT version FROM tenants WHERE client_id = ?", (client_id,)
                ).fetchone()
                if row is not None and row[0] == written[1]:  # not reset or replaced since
                    return None
            version = secrets.randbits(62)
            self._db.execute(
                "INSERT OR REPLACE INTO tenants (client_id, state, version) VALUES (?, ?, ?)",
                (client_id, blob, version),
            )
            self._written[client_id] = (digest, version)
        return version

    def versions(self) -> dict[str, int]:
        """Every stored tenant's version."""
        with self._lock:
            return dict(self._db.execute("SELECT client_id, version FROM tenants").fetchall())

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
