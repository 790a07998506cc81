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


@migrations(name="tips_0001_tables")
def m_tips_0001_tables(db: Database) -> None:
    """Citizen reports (``/lapor``): the report, its re-encoded images, and what reviewers linked it to.

    No address of the reporter is stored here (rate limiting keeps salted hashes in memory only).
    """
    for stmt in _statements(TIPS_V1):
        db.execute(stmt)


TIPS_V1 = """
CREATE TABLE tips (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,          -- the receipt code the reporter got (XXXX-XXXX-XXXX)
    received_at TEXT NOT NULL,
    language TEXT,                      -- the form's language when sent
    links TEXT NOT NULL DEFAULT '[]',   -- JSON list of http(s) URLs, as given
    person_name TEXT,                   -- who the reporter thinks it is (all optional)
    person_nip TEXT,
    person_unit TEXT,
    what TEXT NOT NULL,                 -- what happened
    contact TEXT,                       -- optional; only reviewers and the admin's export see it
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','checking','closed')),
    verdict TEXT CHECK (verdict IN ('valid','invalid','duplicate')),
    duplicate_of INTEGER REFERENCES tips(id),
    nip TEXT REFERENCES employees(nip), -- the employee a reviewer linked it to
    reviewer TEXT,
    note TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX tips_status ON tips(status, received_at);
CREATE INDEX tips_nip ON tips(nip);

CREATE TABLE tip_images (
    id INTEGER PRIMARY KEY,
    tip_id INTEGER NOT NULL REFERENCES tips(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,                 -- relative to [tips] folder
    format TEXT NOT NULL,               -- png | jpeg | webp (after re-encoding)
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    UNIQUE (tip_id, position)
);

CREATE TABLE tip_refs (
    tip_id INTEGER NOT NULL REFERENCES tips(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('interaction','match')),
    ref_id INTEGER NOT NULL,
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (tip_id, kind, ref_id)
);
CREATE INDEX tip_refs_ref ON tip_refs(kind, ref_id);
"""

@migrations(name="matching_0001_weights")
def m_matching_0001_weights(db: Database) -> None:
    """Learned matching weights (EM over the workspace, refits from decisions), one row per fit."""
    db.execute("""
    CREATE TABLE match_weights (
        id INTEGER PRIMARY KEY,
        base_version TEXT NOT NULL,       -- the model version the weights are valid for (n3.m5)
        origin TEXT NOT NULL CHECK (origin IN ('em','decisions')),
        fit TEXT NOT NULL,                -- JSON: weights, m, u, lambda, pairs, labels, held back, AUCs
        kept INTEGER NOT NULL,            -- 0: a refit that was not better; the weights in force stayed
        roster_fingerprint TEXT,
        created_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX match_weights_version ON match_weights(base_version, kept, id)")


@migrations(name="platform_reads")
def m_platform_reads(db: Database) -> None:
    """Posts read per platform and month: X's monthly read cap is a budget the spider plans with."""
    db.execute("CREATE TABLE IF NOT EXISTS platform_reads ("
               "platform TEXT NOT NULL, month TEXT NOT NULL, reads INTEGER NOT NULL DEFAULT 0, "
               "updated_at TEXT, PRIMARY KEY (platform, month))")
@migrations(name="cases_0001_reports")
def m_cases_0001_reports(db: Database) -> None:
    """Case reports: the roster's rank, grade and agency, reviewers' full names, a case's audit trail."""
    db.execute("ALTER TABLE employees ADD COLUMN rank TEXT")        # pangkat
    db.execute("ALTER TABLE employees ADD COLUMN grade TEXT")       # golongan/ruang
    db.execute("ALTER TABLE employees ADD COLUMN agency TEXT")      # instansi
    db.execute("ALTER TABLE users ADD COLUMN full_name TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log(object_type, object_id)")
    db.execute("CREATE INDEX IF NOT EXISTS matches_status_nip ON matches(status, nip, score)")


@migrations(name="tips_0002_erase")
def m_tips_0002_erase(db: Database) -> None:
    """An administrator may erase what a reporter gave (spam, or on request); the row and its code stay."""
    db.execute("ALTER TABLE tips ADD COLUMN erased_at TEXT")
    db.execute("ALTER TABLE tips ADD COLUMN erased_by TEXT")


@migrations(name="cases_0002_filter_indexes")
def m_cases_0002_filter_indexes(db: Database) -> None:
    """Indexes for the queue's interaction filters (kind, date range), reviewer and decision date, cases view.

    The interaction filters ask "which actors have an interaction of this kind / in
    these days"; each index answers that from one range of index entries (the time is
    the platform's, else when collected, the same expression the filter uses).
    """
    db.execute("CREATE INDEX IF NOT EXISTS interactions_kind_time ON interactions("
               "kind, COALESCE(created_at, observed_at), actor_id)")
    db.execute("CREATE INDEX IF NOT EXISTS interactions_time ON interactions("
               "COALESCE(created_at, observed_at), actor_id)")
    db.execute("CREATE INDEX IF NOT EXISTS matches_reviewer ON matches(reviewer, status, decided_at)")
    db.execute("CREATE INDEX IF NOT EXISTS matches_decided ON matches(decided_at, status)")
    db.execute("CREATE INDEX IF NOT EXISTS matches_nip_score ON matches(nip, score, status)")


@migrations(name="cases_0003_one_interaction_index")
def m_cases_0003_one_interaction_index(db: Database) -> None:
    """Keep one index for the interaction filters: (kind, time, actor) serves the days too.

    The days filter reads one range of it per kind; a second index on the time alone cost
    every import about a tenth more CPU for little gain.
    """
    db.execute("DROP INDEX IF EXISTS interactions_time")



@migrations(name="status_0001_account_observed")
def m_status_0001_account_observed(db: Database) -> None:
    """Per-account "last collected" from the index, not from every row (``pantau status``, health pages).

    At 1,000,000 interactions the status query went from 1.3 s to 0.04 s. A large import
    sets it aside and builds it once at the end (``storage.indexes``).
    """
    db.execute("DROP INDEX IF EXISTS interactions_account")
    db.execute("CREATE INDEX interactions_account ON interactions(account_id, observed_at)")

SCHEMA_VERSION = len(migrations._migrations)
