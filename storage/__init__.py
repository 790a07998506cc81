"""Pantau's database: the data model and nothing above it.

``open_db`` is the only way in: it sets WAL, foreign keys and a busy timeout,
applies pending migrations and keeps the file private (0600).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import SCHEMA_VERSION, migrations

__all__ = ["open_db", "SCHEMA_VERSION", "private_path", "private_dir"]

BUSY_TIMEOUT_MS = 30_000


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as a folder only its owner can read (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except PermissionError:
        pass
    return path


def private_path(path: Path) -> None:
    """Make an existing file private (0600); missing files are ignored."""
    try:
        os.chmod(path, 0o600)
    except FileNotFoundError:
        pass


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the workspace database at ``path``."""
    path = Path(path)
    private_dir(path.parent)
    old_umask = os.umask(0o077)   # the -wal and -shm files are born private too
    try:
        db = Database(path)
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = NORMAL")
        db.conn.execute("PRAGMA foreign_keys = ON")
        if migrate and migrations.pending(db):
            migrations.apply(db)
        if migrate:
            from storage import indexes
            if indexes.missing(db) and not indexes.import_running(db):   # an import that set them aside died
                indexes.restore(db)
    finally:
        os.umask(old_umask)
    for suffix in ("", "-wal", "-shm"):
        private_path(Path(str(path) + suffix))
    return db


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` running (ours or another user's)? Used to tell leftovers of killed jobs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
