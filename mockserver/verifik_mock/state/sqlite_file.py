"""A ``--state-file`` before it is served: whether it can be (one line saying why not, before
the server binds), and the hold that keeps a second ``serve`` off it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path
from typing import BinaryIO

OUR_TABLES = {"tenants", "records", "emails", "seeds", "journal", "deliveries", "counters"}
"""The tables of a state file (``state/sqlite.py``): a file with others is someone else's."""


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
