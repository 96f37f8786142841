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

import fcntl
import hashlib
import os
import pickle
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from verifik_mock.store import TenantState

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    client_id TEXT PRIMARY KEY, state BLOB NOT NULL, version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS seeds (client_id TEXT PRIMARY KEY, seed INTEGER NOT NULL);
"""


OUR_TABLES = {"tenants", "seeds"}


def folder_problem(path: Path) -> str | None:
    """Why no state file can be made or opened at ``path``, in a few words; None if one can.
    Checked before the server binds, so a wrong path stops ``serve`` with one line."""
    folder = path.parent
    if not folder.is_dir():
        return f"its folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only (SQLite writes its journal beside the file)"
    if path.exists() and not path.is_file():
        return "it is not a file"
    return None


def file_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be served as a state file (read-only, not SQLite,
    damaged, another program's), in a few words; None if it can. Read once ``claim`` holds
    it, so another mock's writes are never disturbed by the check."""
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return "it is read-only (or unreadable) to this user"
    return _database_problem(path)


def _database_problem(path: Path) -> str | None:
    """What is wrong with a file as a SQLite database of ours, if anything."""
    db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=1, isolation_level=None)
    try:
        integrity = db.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        db.execute("BEGIN IMMEDIATE")  # can this process write it? (root ignores file modes)
        db.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "readonly" in str(error):
            return "it is read-only"
        return f"it cannot be used as a SQLite database ({error})"
    except sqlite3.DatabaseError as error:
        return f"it is not a SQLite database a mock wrote ({error})"
    finally:
        db.close()
    if integrity != "ok":
        return f"it is damaged (SQLite's check says: {integrity})"
    if tables and not tables >= OUR_TABLES:
        return f"it is a SQLite database of something else (tables: {', '.join(sorted(tables))})"
    return None


def beside(state_file: Path, suffix: str) -> Path:
    """A file of the mock's own next to a state file (``<state file><suffix>``)."""
    return state_file.with_name(state_file.name + suffix)


def claim(path: Path) -> BinaryIO | None:
    """Hold the state file itself (made empty if missing) for as long as the returned file
    stays open, so one ``serve`` (and the workers it starts) serves it: two would overwrite
    each other's tenants. The lock is on the file, not its name, so a symlink or a hard link
    to it is the same file; it is a BSD lock, which SQLite's own (POSIX) locks never meet.
    None if another process holds it."""
    owner = path.open("rb") if path.exists() else path.open("ab")  # a read-only one too
    try:
        fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner.close()
        return None
    return owner


class StateFile:
    """One SQLite file holding every tenant of a mock."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[bytes | None, int]] = {}
        """Each tenant's version as this process last loaded or wrote it, with a digest of
        what it wrote (None after a load)."""
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tenants)")}
        if "version" not in columns:  # a file written before versions existed
            self._db.execute("ALTER TABLE tenants ADD COLUMN version INTEGER NOT NULL DEFAULT 0")

    def load(self, client_id: str) -> TenantState | None:
        """The stored tenant, if there is one."""
        with self._lock:
            row = self._db.execute(
                "SELECT state, version FROM tenants WHERE client_id = ?", (client_id,)
            ).fetchone()
            if row is None:
                return None
            self._seen[client_id] = (None, row[1])
        tenant: TenantState = pickle.loads(row[0])
        return tenant

    def save(self, client_id: str, tenant: TenantState) -> None:
        """Store the tenant whole, durably, before its change is acknowledged. A tenant as
        this process last wrote it is not written again (a write that changed nothing, such
        as a refused one, skips the write and its fsync)."""
        blob = pickle.dumps(tenant, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.blake2b(blob, digest_size=16).digest()
        with self._lock:
            seen = self._seen.get(client_id)
            if seen is not None and seen[0] == digest and self._version(client_id) == seen[1]:
                return  # unchanged, and not reset or replaced by another process since
            version = secrets.randbits(62)
            self._db.execute(
                "INSERT OR REPLACE INTO tenants (client_id, state, version) VALUES (?, ?, ?)",
                (client_id, blob, version),
            )
            self._seen[client_id] = (digest, version)

    def changed_elsewhere(self, client_ids: Iterable[str]) -> list[str]:
        """Those of ``client_ids`` another process saved or reset since this one last loaded
        or wrote them."""
        with self._lock:
            stored = dict(self._db.execute("SELECT client_id, version FROM tenants").fetchall())
            return [
                client_id
                for client_id in client_ids
                if stored.get(client_id) != self._seen_version(client_id)
            ]

    def _seen_version(self, client_id: str) -> int | None:
        seen = self._seen.get(client_id)
        return seen[1] if seen else None

    def _version(self, client_id: str) -> int | None:
        row = self._db.execute(
            "SELECT version FROM tenants WHERE client_id = ?", (client_id,)
        ).fetchone()
        return int(row[0]) if row else None

    def seeds(self) -> dict[str, int]:
        """The per-tenant seeds set by resets."""
        with self._lock:
            return dict(self._db.execute("SELECT client_id, seed FROM seeds").fetchall())

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant (recording its new seed, if any), or every tenant."""
        with self._lock:
            if client_id is None:
                self._db.executescript("DELETE FROM tenants; DELETE FROM seeds;")
                self._seen.clear()
                return
            self._seen.pop(client_id, None)
            self._db.execute("DELETE FROM tenants WHERE client_id = ?", (client_id,))
            self._db.execute("DELETE FROM seeds WHERE client_id = ?", (client_id,))
            if seed is not None:
                self._db.execute("INSERT INTO seeds VALUES (?, ?)", (client_id, seed))

    def close(self) -> None:
        """Close the file."""
        self._db.close()
