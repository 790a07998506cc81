"""WAL checkpoints in a background thread, for bulk writes.

In WAL mode with ``synchronous=NORMAL`` commits never wait for the disk; checkpoints do
(they sync the WAL and the database file). SQLite runs them inside whichever commit
crosses ``wal_autocheckpoint``, so a bulk import spends a third of its time waiting on
fsync. A checkpoint may run from another connection while the writer goes on, and
sqlite3 releases the GIL while it works, so a thread takes that wait off the writer.
Durability is unchanged: commits stay atomic, and whatever was not checkpointed yet is
in the WAL.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlite_utils import Database


class BackgroundCheckpointer(threading.Thread):
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` whenever ``poke`` is called (coalesced)."""

    def __init__(self, path: str):
        super().__init__(name="pantau-checkpoint", daemon=True)
        self.path = path
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.checkpoints = 0
        self.error: BaseException | None = None

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.join()

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as exc:      # the writer's own autocheckpoint is the fallback
            self.error = exc
            return
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping.is_set():
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as exc:   # busy: the next poke tries again
                    self.error = exc
        finally:
            conn.close()


@contextmanager
def background_checkpoints(db: Database) -> Iterator[BackgroundCheckpointer | None]:
    """Move the checkpoints of ``db``'s writes in this block to a thread.

    Yields the checkpointer (call ``poke()`` after each commit) or ``None`` for a
    database without a file. The writer's autocheckpoint is restored on exit and one
    last passive checkpoint runs there.
    """
    row = db.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        yield None
        return
    old = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    ckpt = BackgroundCheckpointer(path)
    ckpt.start()
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield ckpt
    finally:
        ckpt.stop()
        db.execute(f"PRAGMA wal_autocheckpoint = {int(old)}")
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass
