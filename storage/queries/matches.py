"""Match candidates and reviewers' decisions on them."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlite_utils import Database

from storage.queries import audit, transaction, utcnow
from storage.records import MATCH_STATUSES, MatchCandidate

_UPSERT = """
INSERT INTO matches (actor_id, nip, score, band, explanation, features, status, model_version,
                     run_id, created_at, updated_at)
VALUES (?,?,?,?,?,?,'pending',?,?,?,?)
ON CONFLICT (actor_id, nip) DO UPDATE SET
    score = excluded.score, band = excluded.band, explanation = excluded.explanation,
    features = excluded.features, model_version = excluded.model_version,
    updated_at = excluded.updated_at
WHERE matches.status = 'pending'
"""


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0


def upsert_candidates(db: Database, candidates: list[MatchCandidate], *, run_id: int | None = None,
                      model_version: str = "") -> UpsertResult:
    """Store candidates; decided pairs keep their decision (decisions are sticky)."""
    now = utcnow()
    res = UpsertResult()
    with transaction(db):
        before_rows = db.execute("SELECT count(*) FROM matches").fetchone()[0]
        c0 = db.conn.total_changes
        db.conn.executemany(_UPSERT, [
            (c.actor_id, c.nip, round(float(c.score), 1), c.band, c.explanation,
             _features_json(c),
             model_version, run_id, now, now) for c in candidates])
        changed = db.conn.total_changes - c0
        res.new = db.execute("SELECT count(*) FROM matches").fetchone()[0] - before_rows
        res.updated = changed - res.new
    return res


def _features_json(c: MatchCandidate) -> str:
    # the text ``dumps`` writes (compact, UTF-8 kept; features hold only str, int and float),
    # in a third of the time: a first city match stores 25,000 candidates, part by part in
    # the parent while the workers score the next parts
    return orjson.dumps([f.to_json() for f in c.features], default=str).decode()


def any_pending(db: Database) -> bool:
    """Whether any candidate awaits review (none: a match has nothing to withdraw)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM matches WHERE status = 'pending')").fetchone()[0] == 1


class DecisionConflict(Exception):
    """Someone else changed the match since the reviewer loaded it; nothing was saved."""

    def __init__(self, status: str, reviewer: str | None):
        super().__init__(f"the match is now {status!r} (by {reviewer or '?'})")
        self.status = status
        self.reviewer = reviewer


def record_decision(db: Database, match_id: int, status: str, *, reviewer: str,
                    note: str | None = None, expected: str | None = None) -> None:
    """Set a match's status and write the audit row in the same transaction.

    With ``expected`` (the status the reviewer saw), a match whose status differs by the time
    the write lock is held raises ``DecisionConflict``: the check and the write are one
    transaction, so of two reviewers saving at once exactly one wins.
    """
    if status not in MATCH_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with transaction(db):
        row = db.execute("SELECT status, reviewer FROM matches WHERE id=?", [match_id]).fetchone()
        if row is None:
            raise KeyError(f"no match {match_id}")
        if expected is not None and row[0] != expected:
            raise DecisionConflict(row[0], row[1])
        db.execute("UPDATE matches SET status=?, reviewer=?, decided_at=?, note=?, updated_at=? WHERE id=?",
                   [status, reviewer, utcnow(), note, utcnow(), match_id])
        audit.write(db, "match.decide", user=reviewer, object_type="match", object_id=match_id,
                    detail={"from": row[0], "to": status, "note": note})


EXPORT_COLUMNS = ("match_id", "status", "score", "nip", "employee_name", "unit", "position",
                  "platform", "actor_handle", "actor_name", "actor_url", "interactions",
                  "first_interaction_at", "last_interaction_at", "explanation", "band")


def for_export(db: Database, status: str | None = None):
    sql = """
    SELECT m.id AS match_id, m.status, m.score, m.nip, e.name AS employee_name, e.unit, e.position,
           a.platform, a.handle AS actor_handle, a.display_name AS actor_name, a.profile_url AS actor_url,
           (SELECT count(*) FROM interactions i WHERE i.actor_id = m.actor_id) AS interactions,
           (SELECT min(COALESCE(i.created_at, i.observed_at)) FROM interactions i WHERE i.actor_id = m.actor_id)
               AS first_interaction_at,
           (SELECT max(COALESCE(i.created_at, i.observed_at)) FROM interactions i WHERE i.actor_id = m.actor_id)
               AS last_interaction_at,
           m.explanation, m.band, m.features
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    """
    params = []
    if status:
        sql += " WHERE m.status = ?"
        params.append(status)
    sql += " ORDER BY m.score DESC, m.id"
    yield from db.query(sql, params)


INTERACTION_COLUMNS = ("match_id", "nip", "employee_name", "platform", "actor_handle", "kind", "candidate",
                       "target_account", "text", "url", "post_url", "created_at", "observed_at")


def interactions_for_export(db: Database, status: str | None = None):
    """Every interaction of the accounts of exported matches, in the matches' order."""
    sql = """
    SELECT m.id AS match_id, m.nip, e.name AS employee_name, i.platform, a.handle AS actor_handle, i.kind,
           acc.candidate, COALESCE(acc.display_handle, acc.handle) AS target_account, i.text,
           i.url, i.post_url, i.created_at, i.observed_at
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    JOIN interactions i ON i.actor_id = m.actor_id JOIN accounts acc ON acc.id = i.account_id
    """
    params = []
    if status:
        sql += " WHERE m.status = ?"
        params.append(status)
    sql += " ORDER BY m.score DESC, m.id, COALESCE(i.created_at, i.observed_at), i.id"
    yield from db.query(sql, params)


def new_activity(db: Database, since: str | None = None) -> list[dict]:
    """Interactions of confirmed actors observed after their confirmation."""
    sql = """
    SELECT i.*, m.id AS match_id, m.nip, e.name AS employee_name, a.handle AS actor_handle
    FROM matches m JOIN interactions i ON i.actor_id = m.actor_id
    JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    WHERE m.status = 'confirmed' AND i.observed_at > m.decided_at
    """
    params = []
    if since:
        sql += " AND i.observed_at >= ?"
        params.append(since)
    return list(db.query(sql + " ORDER BY i.observed_at DESC", params))


# the scored actors' rows found by actor (``+status``: not through the status index, which made
# SQLite read every pending row of the table for each part a match stores: at national scale
# 100 parts x 240,000 rows)
WITHDRAW_STALE = (
    "DELETE FROM matches WHERE +status = 'pending' AND actor_id IN (SELECT actor_id FROM _scored_actors) "
    "AND NOT EXISTS (SELECT 1 FROM _kept_pairs k WHERE k.actor_id = matches.actor_id AND k.nip = matches.nip)")


def withdraw_stale(db: Database, actor_ids: list[int], keep: set[tuple[int, str]]) -> int:
    """Delete pending candidates of re-scored actors that the matcher no longer proposes.

    Set-based for large runs (temporary tables, no parameter limit). Decided rows are never
    touched: a decision is sticky.
    """
    if not actor_ids:
        return 0
    with transaction(db):
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _scored_actors (actor_id INTEGER PRIMARY KEY)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _kept_pairs (actor_id INTEGER, nip TEXT, "
                   "PRIMARY KEY (actor_id, nip))")
        db.execute("DELETE FROM _scored_actors")
        db.execute("DELETE FROM _kept_pairs")
        db.conn.executemany("INSERT OR IGNORE INTO _scored_actors VALUES (?)", [(i,) for i in actor_ids])
        db.conn.executemany("INSERT OR IGNORE INTO _kept_pairs VALUES (?, ?)", list(keep))
        cur = db.execute(WITHDRAW_STALE)
        n = cur.rowcount
        db.execute("DELETE FROM _scored_actors")
        db.execute("DELETE FROM _kept_pairs")
    return n


def counts_by_band(db: Database) -> dict[str, int]:
    """Pending candidates per band, for the match summary."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT band, count(*) FROM matches WHERE status = 'pending' GROUP BY band")}
