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



@migrations(name="0003_reliability_signin")
def m0003_reliability_signin(db: Database) -> None:
    """Sign-in back-off and signed-out sessions in the database; user names unique regardless of case.

    The back-off is counted per name (known or not) and per address in one table, so parallel
    attempts cannot all pass before any is counted and a restart forgets nothing. Existing
    databases that already hold two names differing only in case keep them (the index is not
    built); ``users.add`` refuses new ones either way.
    """
    db.execute("CREATE TABLE IF NOT EXISTS signin_throttle (key TEXT PRIMARY KEY, "
               "failures INTEGER NOT NULL, last_failed_at REAL NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS signin_throttle_last ON signin_throttle(last_failed_at)")
    db.execute("CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, expires_at REAL NOT NULL)")
    clash = db.execute("SELECT 1 FROM users GROUP BY name COLLATE NOCASE HAVING count(*) > 1").fetchone()
    if clash is None:
        db.execute("CREATE UNIQUE INDEX IF NOT EXISTS users_name_nocase ON users(name COLLATE NOCASE)")


SCHEMA_VERSION = len(migrations._migrations)
