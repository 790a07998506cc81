"""Forward-only schema migrations. A released step is never edited; add a new one."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage.schema import SCHEMA_V1

migrations = Migrations("pantau")


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers contain ``;`` inside BEGIN..END)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    for stmt in _statements(SCHEMA_V1):
        db.execute(stmt)



@migrations(name="0002_review_indexes")
def m0002_review_indexes(db: Database) -> None:
    """Indexes the review queue needs at 100,000 matches / 1,000,000 interactions."""
    db.execute("CREATE INDEX IF NOT EXISTS employees_unit ON employees(unit)")
    db.execute("CREATE INDEX IF NOT EXISTS matches_score ON matches(score DESC)")
    db.execute("CREATE INDEX IF NOT EXISTS interactions_account_actor ON interactions(account_id, actor_id)")
    db.execute("DROP INDEX IF EXISTS interactions_account")


SCHEMA_VERSION = len(migrations._migrations)
