"""The workspace job lock: one crawl, match, run or purge at a time.

An ``flock`` on ``data/pantau.lock``: the kernel releases it when its process
dies, so a lock left by a killed run is never stale; the pid written inside only
serves the message shown to whoever waits.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from pantau.errors import LockBusy


@contextmanager
def job_lock(path: Path, *, job: str, wait: float = 0.0):
    """Hold the lock for the duration of the block; wait up to ``wait`` seconds for it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                    raise LockBusy(f"another Pantau job is running in this workspace ({holder}); "
                                   f"not starting {job}") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{job}, pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
