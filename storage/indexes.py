"""Indexes that a bulk import may set aside and build again once, instead of row by row.

The review queue's interaction filters need ``interactions(kind, time, actor)`` (and the
status and health pages ``interactions(account, observed)``). Kept up
to date row by row it cost a first import of a million lines about 40% of its speed
(random-order inserts into a large B-tree), while building it from scratch after the
import takes a few seconds (one sort). So an import that brings at least as many rows
as the table holds drops it first and builds it at the end. If the import is killed in
between, the next ``storage.open_db`` after its process is gone builds it again.
"""

from __future__ import annotations

from sqlite_utils import Database

#: name -> definition (the migration ``cases_0002_filter_indexes`` created them first)
DEFERRABLE: dict[str, str] = {
    "interactions_kind_time": "CREATE INDEX IF NOT EXISTS interactions_kind_time ON interactions("
                              "kind, COALESCE(created_at, observed_at), actor_id)",
    # `pantau status` and the health page: last collected per account (status_0001_account_observed)
    "interactions_account": "CREATE INDEX IF NOT EXISTS interactions_account ON interactions(account_id, observed_at)",
}


def set_aside(db: Database) -> list[str]:
    """Drop the deferrable indexes; returns the names dropped (to :func:`restore` later)."""
    dropped = []
    for name in DEFERRABLE:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name=?", [name]).fetchone():
            db.execute(f"DROP INDEX {name}")
            dropped.append(name)
    db.conn.commit()
    return dropped


def restore(db: Database, names: list[str] | None = None) -> None:
    """Build the deferrable indexes that are missing (all of them, or ``names``)."""
    for name in names if names is not None else list(DEFERRABLE):
        db.execute(DEFERRABLE[name])
    db.conn.commit()


def import_running(db: Database) -> bool:
    """Is an import that may have set the indexes aside still alive? (then it builds them itself)."""
    from storage.queries.runs import alive
    return any(alive(pid, started) for pid, started in db.execute(
        "SELECT pid, started_at FROM runs WHERE kind='import' AND status='running'"))


def missing(db: Database) -> list[str]:
    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    return [n for n in DEFERRABLE if n not in have]
