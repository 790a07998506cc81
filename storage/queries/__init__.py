"""All SQL of Pantau, one module per table family.

Writers take plain records (``storage.records``) and write a batch in one
transaction; every insert is an upsert on the natural key.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any


def utcnow() -> str:
    """Timestamps are stored as ISO 8601 UTC strings, which sort as text."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def chunks(seq: list, size: int = 500):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


from contextlib import contextmanager


@contextmanager
def transaction(db):
    """One write transaction (``BEGIN IMMEDIATE``); nested use joins the outer one.

    Taking the write lock up front means a busy database waits (busy timeout)
    instead of failing half-way through a batch.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()


@contextmanager
def savepoint(db):
    """A nested step inside a transaction that can be undone alone (``ROLLBACK TO``)."""
    conn = db.conn
    conn.execute("SAVEPOINT step")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK TO step")
        conn.execute("RELEASE step")
        raise
    else:
        conn.execute("RELEASE step")
