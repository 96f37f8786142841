"""``--state-file``: tenants in SQLite, a row per record, so a restart serves the same data
and ``serve --workers N`` processes share one state.

A write turn is one transaction (``BEGIN IMMEDIATE``: SQLite's own lock keeps the workers'
write turns apart) that writes only the rows the turn changed, so a write costs the same in a
tenant of 100 records and of 100,000. It is committed before the answer leaves: a kill -9
loses no acknowledged write. Records are read back in the order they were first written
(``seq``), which is the order every engine iterates them in. Listings are answered from each
process's own index of the records, built when the tenant is read, not by SQL.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from verifik_mock.models.control import JournalEntry, WebhookDelivery
from verifik_mock.state.engine import DELIVERIES_KEPT, Version
from verifik_mock.state.rows import RecordRow, TenantRows

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    client_id TEXT PRIMARY KEY, generation TEXT NOT NULL, turns INTEGER NOT NULL,
    next_seq INTEGER NOT NULL, emails INTEGER NOT NULL, tenant_values TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at TEXT NOT NULL, turn INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (client_id, kind, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_in_order ON records (client_id, seq);
CREATE INDEX IF NOT EXISTS records_by_turn ON records (client_id, turn);
CREATE TABLE IF NOT EXISTS emails (
    client_id TEXT NOT NULL, seq INTEGER NOT NULL, turn INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (client_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seeds (client_id TEXT PRIMARY KEY, seed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, client TEXT, entry TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, client TEXT NOT NULL, state TEXT NOT NULL,
    owner TEXT, claimed_until REAL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_of_client ON deliveries (client);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

_TRIM_EVERY = 100
"""Journal entries added between two trims of the journal to its size."""


class SqliteEngine:
    """One SQLite file (WAL mode) holding every tenant of a mock."""

    keeps_records = True

    def __init__(self, path: Path, shared: bool = False, journal_size: int = 1000) -> None:
        self.shared = shared
        self._journal_size = journal_size
        self._added = 0
        self._held = threading.RLock()
        """Held from ``try_lock`` to ``unlock``, and around each read: the connection is
        this process's one, and a transaction on it is one thread's at a time."""
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=5000")  # reads wait out a checkpoint
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL: a commit reaches the file (the OS keeps it through a kill -9 of the
        # mock) without waiting on the disk; only a power cut could lose the last commits.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def version(self, client_id: str) -> Version | None:
        """The tenant's stored version; None if it is not stored."""
        with self._held:
            row = self._db.execute(
                "SELECT generation, turns FROM tenants WHERE client_id = ?", (client_id,)
            ).fetchone()
        return Version(row[0], row[1]) if row else None

    def read(self, client_id: str, since: Version | None) -> tuple[Version, TenantRows] | None:
        """The rows written after ``since`` (all when it is None or of another generation)."""
        with self._held:
            if self._db.in_transaction:  # a write turn's: its snapshot is the latest
                return self._read(client_id, since)
            self._db.execute("BEGIN")  # one snapshot for the tenant row and its records
            try:
                return self._read(client_id, since)
            finally:
                self._db.execute("COMMIT")

    def _read(self, client_id: str, since: Version | None) -> tuple[Version, TenantRows] | None:
        tenant = self._db.execute(
            "SELECT generation, turns, tenant_values FROM tenants WHERE client_id = ?",
            (client_id,),
        ).fetchone()
        if tenant is None:
            return None
        version = Version(tenant[0], tenant[1])
        after = since.turns if since is not None and since.generation == version.generation else -1
        records = self._db.execute(
            "SELECT kind, id, created_at, body FROM records"
            " WHERE client_id = ? AND turn > ? ORDER BY seq",
            (client_id, after),
        ).fetchall()
        emails = self._db.execute(
            "SELECT body FROM emails WHERE client_id = ? AND turn > ? ORDER BY seq",
            (client_id, after),
        ).fetchall()
        rows = TenantRows(
            values=tenant[2],
            records=[RecordRow(*record) for record in records],
            emails=[email for (email,) in emails],
        )
        return version, rows

    def try_lock(self, client_id: str) -> bool:
        """Begin the write transaction, if no other process is in one (the lock is the
        whole file's: SQLite has one writer at a time)."""
        if not self._held.acquire(blocking=False):
            return False
        self._db.execute("PRAGMA busy_timeout=0")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            self._held.release()
            return False
        finally:
            self._db.execute("PRAGMA busy_timeout=5000")
        return True

    def unlock(self, client_id: str) -> None:
        """Commit the write transaction."""
        try:
            self._db.execute("COMMIT")
        finally:
            self._held.release()

    def hold(self, client_id: str, seconds: float) -> None:
        """The lock lasts until it is given back: nothing to do."""

    def write(
        self, client_id: str, expected: Version | None, rows: TenantRows, whole: bool
    ) -> Version | None:
        """Store a turn's rows if the stored version is still ``expected``."""
        stored = self._db.execute(
            "SELECT generation, turns, next_seq, emails FROM tenants WHERE client_id = ?",
            (client_id,),
        ).fetchone()
        if (Version(stored[0], stored[1]) if stored else None) != expected:
            return None
        self._db.execute("SAVEPOINT turn")
        try:
            version = self._write(client_id, stored, rows, whole)
        except BaseException:
            self._db.execute("ROLLBACK TO turn")
            raise
        self._db.execute("RELEASE turn")
        return version

    def _write(
        self,
        client_id: str,
        stored: tuple[str, int, int, int] | None,
        rows: TenantRows,
        whole: bool,
    ) -> Version:
        if whole or stored is None:
            self._drop(client_id)
            version, next_seq, emails = Version(secrets.token_hex(8), 0), 0, 0
        else:
            version, next_seq, emails = Version(stored[0], stored[1] + 1), stored[2], stored[3]
        for row in rows.records:
            changed = self._db.execute(
                "UPDATE records SET turn = ?, body = ? WHERE client_id = ? AND kind = ? AND id = ?",
                (version.turns, row.body, client_id, row.kind, row.id),
            ).rowcount
            if not changed:
                self._db.execute(
                    "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        client_id,
                        row.kind,
                        row.id,
                        next_seq,
                        row.created_at,
                        version.turns,
                        row.body,
                    ),
                )
                next_seq += 1
        for body in rows.emails:
            self._db.execute(
                "INSERT INTO emails VALUES (?, ?, ?, ?)", (client_id, emails, version.turns, body)
            )
            emails += 1
        self._db.execute(
            "INSERT OR REPLACE INTO tenants VALUES (?, ?, ?, ?, ?, ?)",
            (client_id, version.generation, version.turns, next_seq, emails, rows.values),
        )
        return version

    def seed(self, client_id: str) -> int | None:
        """The seed a reset set for the tenant, if any."""
        with self._held:
            row = self._db.execute(
                "SELECT seed FROM seeds WHERE client_id = ?", (client_id,)
            ).fetchone()
        return int(row[0]) if row else None

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant (recording its new seed, if any), or every tenant. Called with
        the lock held."""
        if client_id is None:
            for table in ("tenants", "records", "emails", "seeds"):
                self._db.execute(f"DELETE FROM {table}")
            return
        self._drop(client_id)
        self._db.execute("DELETE FROM seeds WHERE client_id = ?", (client_id,))
        if seed is not None:
            self._db.execute("INSERT INTO seeds VALUES (?, ?)", (client_id, seed))

    def journal_add(self, entries: list[dict[str, Any]]) -> None:
        """Add entries in one statement (in the write turn under way, if any), trimming now
        and then."""
        rows = [
            (fields.get("client"), JournalEntry.model_validate(fields).model_dump_json())
            for fields in entries
        ]
        with self._held:
            self._db.executemany("INSERT INTO journal (client, entry) VALUES (?, ?)", rows)
            self._added += len(rows)
            if self._added >= _TRIM_EVERY:
                self._added = 0
                self._db.execute(
                    "DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?",
                    (self._journal_size,),
                )

    def journal_newest(self, client: str | None, limit: int) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        newest = "SELECT entry FROM journal WHERE seq > (SELECT max(seq) FROM journal) - ?"
        arguments: tuple[object, ...] = (self._journal_size,)
        if client is not None:
            newest, arguments = newest + " AND client = ?", (*arguments, client)
        with self._held:
            rows = self._db.execute(f"{newest} ORDER BY seq DESC LIMIT ?", (*arguments, limit))
            return [JournalEntry.model_validate_json(entry) for (entry,) in rows.fetchall()]

    def delivery_number(self) -> int:
        """The next number of the count every worker shares."""
        with self._held:
            (number,) = self._db.execute(
                "INSERT INTO counters VALUES ('deliveries', 1) ON CONFLICT (name)"
                " DO UPDATE SET value = value + 1 RETURNING value"
            ).fetchone()
        return int(number)

    def delivery_put(self, delivery: WebhookDelivery) -> None:
        """Keep a new or changed delivery, dropping the client's oldest past the limit."""
        with self._held:
            self._db.execute(
                "INSERT INTO deliveries (id, client, state, body) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body",
                (delivery.id, delivery.client, delivery.state, delivery.model_dump_json()),
            )
            self._db.execute(
                "DELETE FROM deliveries WHERE client = ? AND rowid NOT IN (SELECT rowid FROM"
                " deliveries WHERE client = ? ORDER BY rowid DESC LIMIT ?)",
                (delivery.client, delivery.client, DELIVERIES_KEPT),
            )

    def delivery_get(self, client: str, delivery_id: str) -> WebhookDelivery | None:
        """One of the client's deliveries, if it is kept."""
        with self._held:
            row = self._db.execute(
                "SELECT body FROM deliveries WHERE id = ? AND client = ?", (delivery_id, client)
            ).fetchone()
        return WebhookDelivery.model_validate_json(row[0]) if row else None

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""
        with self._held:
            rows = self._db.execute(
                "SELECT body FROM deliveries WHERE client = ? ORDER BY rowid DESC", (client,)
            ).fetchall()
        return [WebhookDelivery.model_validate_json(body) for (body,) in rows]

    def deliveries_forget(self, client: str | None) -> None:
        """Drop one client's deliveries, or every client's."""
        with self._held:
            if client is None:
                self._db.execute("DELETE FROM deliveries")
            else:
                self._db.execute("DELETE FROM deliveries WHERE client = ?", (client,))

    def delivery_claim(self, delivery_id: str, owner: str, seconds: float) -> bool:
        """Make ``owner`` the worker delivering it, unless another's claim still runs."""
        now = time.time()
        with self._held:
            claimed = self._db.execute(
                "UPDATE deliveries SET owner = ?, claimed_until = ? WHERE id = ?"
                " AND (owner IS NULL OR owner = ? OR claimed_until < ?)",
                (owner, now + seconds, delivery_id, owner, now),
            ).rowcount
        return bool(claimed)

    def pending_deliveries(self) -> list[WebhookDelivery]:
        """Pending deliveries whose claim lapsed (or that no one claimed)."""
        with self._held:
            rows = self._db.execute(
                "SELECT body FROM deliveries WHERE state = 'pending'"
                " AND (claimed_until IS NULL OR claimed_until < ?)",
                (time.time(),),
            ).fetchall()
        return [WebhookDelivery.model_validate_json(body) for (body,) in rows]

    def _drop(self, client_id: str) -> None:
        for table in ("tenants", "records", "emails"):
            self._db.execute(f"DELETE FROM {table} WHERE client_id = ?", (client_id,))

    def close(self) -> None:
        """Close the file."""
        self._db.close()
