"""Sign-in back-off counters and signed-out sessions (the review app's security state).

Both live in the database rather than in the app's memory: a failed attempt is
counted in the same ``BEGIN IMMEDIATE`` transaction that decides whether it may be
checked at all, so parallel attempts queue on the write lock and each sees the
ones before it; and a restart of ``pantau review`` forgets neither.
"""

from __future__ import annotations

import random
from typing import Callable, Iterable

from sqlite_utils import Database

from storage.queries import transaction

#: counters idle this long are forgotten (the longest wait is minutes)
FORGET_AFTER = 24 * 3600.0


def name_key(name: str) -> str:
    """The back-off counter of a user name, whatever its case (names are unique regardless of case)."""
    return f"name:{name.strip().casefold()[:200]}"


def ip_key(ip: str) -> str:
    return f"ip:{ip}"


def claim_attempt(db: Database, keys: dict[str, Callable[[int], float]], now: float) -> float:
    """Seconds still to wait before any of ``keys`` may try again, or 0 after counting this attempt.

    ``keys`` maps each counter to its wait after N failures. An attempt is counted as a failure
    *before* the password is checked (``release`` or ``clear`` undo it on success), so a burst of
    parallel guesses cannot all slip through while none is counted yet.
    """
    names = list(keys)
    with transaction(db):
        wait = 0.0
        rows = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT key, failures, last_failed_at FROM signin_throttle WHERE key IN (%s)"
            % ",".join("?" * len(names)), names)}
        for key, wait_after in keys.items():
            n, last = rows.get(key, (0, 0.0))
            wait = max(wait, last + wait_after(n) - now)
        if wait > 0:
            return wait
        db.conn.executemany(
            "INSERT INTO signin_throttle (key, failures, last_failed_at) VALUES (?, 1, ?) "
            "ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_failed_at = excluded.last_failed_at",
            [(k, now) for k in names])
        if random.random() < 0.01:          # keep the table small under a spray of names or addresses
            db.execute("DELETE FROM signin_throttle WHERE last_failed_at < ?", [now - FORGET_AFTER])
    return 0.0


def clear(db: Database, keys: Iterable[str]) -> None:
    """The right password for a name: its counter starts again from zero."""
    keys = list(keys)
    with transaction(db):
        db.conn.executemany("DELETE FROM signin_throttle WHERE key = ?", [(k,) for k in keys])


def release(db: Database, keys: Iterable[str]) -> None:
    """Undo one counted attempt that succeeded (an address keeps the failures of others behind it)."""
    keys = list(keys)
    with transaction(db):
        db.conn.executemany("UPDATE signin_throttle SET failures = max(0, failures - 1) WHERE key = ?",
                            [(k,) for k in keys])


def failures(db: Database, key: str) -> int:
    row = db.execute("SELECT failures FROM signin_throttle WHERE key = ?", [key]).fetchone()
    return row[0] if row else 0


def revoke_session(db: Database, sid: str, expires_at: float, now: float) -> None:
    """Remember a signed-out session until its cookie would have expired anyway."""
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO revoked_sessions (sid, expires_at) VALUES (?, ?)", [sid, expires_at])
        db.execute("DELETE FROM revoked_sessions WHERE expires_at < ?", [now])


def is_revoked(db: Database, sid: str) -> bool:
    return db.execute("SELECT 1 FROM revoked_sessions WHERE sid = ?", [sid]).fetchone() is not None
