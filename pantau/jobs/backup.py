"""Backups with SQLite's online backup API: a consistent copy while a run is writing.

The copy is made into a private temporary file beside DEST, switched out of WAL
mode (a backup is one self-contained file), checked with ``PRAGMA
integrity_check``, and only then renamed to DEST: a failed or interrupted backup
never leaves a half-written file under the name you asked for.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pantau.config import Settings
from pantau.errors import PantauError

PAGES_PER_STEP = -1   # copy in one step: one read snapshot (WAL readers do not block the writer)


@dataclass
class BackupResult:
    dest: Path
    bytes: int
    pages: int
    integrity: str
    seconds: float


def default_name() -> str:
    return f"pantau-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"


def backup(settings: Settings, dest: Path, *, force: bool = False) -> BackupResult:
    """Copy the workspace database to ``dest`` (a file, or a folder to put a dated file in)."""
    src_path = settings.db_path
    if not src_path.is_file():
        raise PantauError(f"{src_path}: no database to back up yet")
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / default_name()
    dest = dest.resolve() if dest.parent.exists() else dest
    if dest.resolve() == src_path.resolve():
        raise PantauError(f"{dest}: that is the database itself")
    if dest.exists() and not force:
        raise PantauError(f"{dest}: already exists; choose another name or pass --force to overwrite it")
    if not dest.parent.is_dir():
        raise PantauError(f"{dest.parent}: no such folder")
    t0 = time.monotonic()
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(src_path, timeout=30)   # only read; WAL needs a writable -shm
        dst = sqlite3.connect(tmp)
        try:
            src.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode = DELETE")
            integrity = "; ".join(r[0] for r in dst.execute("PRAGMA integrity_check"))
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if integrity != "ok":
            raise PantauError(f"{dest}: the copy failed its integrity check: {integrity[:300]}")
        for suffix in ("-journal", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    size = dest.stat().st_size
    result = BackupResult(dest=dest, bytes=size, pages=pages, integrity=integrity,
                          seconds=round(time.monotonic() - t0, 2))
    _audit(settings, result)
    return result


def _audit(settings: Settings, result: BackupResult) -> None:
    from pantau.workspace import open_database
    from storage.queries import audit, transaction
    db = open_database(settings)
    try:
        with transaction(db):
            audit.write(db, "backup", object_type="database", object_id=str(result.dest),
                        detail={"bytes": result.bytes, "pages": result.pages, "integrity": result.integrity})
    finally:
        db.close()
