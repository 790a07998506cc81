"""Evidence rows: which stored file documents which interaction, when and from where."""

from __future__ import annotations

from sqlite_utils import Database

from storage.queries import transaction, utcnow

#: Match statuses whose actors get evidence: still to be reviewed, or kept as a finding.
EVIDENCE_STATUSES = ("pending", "confirmed", "escalated")

_MATCHED = "EXISTS (SELECT 1 FROM matches m WHERE m.actor_id = i.actor_id AND m.status IN ({}))".format(
    ",".join(f"'{s}'" for s in EVIDENCE_STATUSES))


def screenshot_queue(db: Database, *, limit: int, max_failures: int = 3) -> list[dict]:
    """Interactions of matched actors that have a url but no screenshot yet.

    Confirmed people first, then the strongest candidates, newest interactions
    first; an interaction whose capture failed ``max_failures`` times is left alone.
    """
    sql = f"""
    SELECT i.id, i.platform, i.kind, i.url, i.post_url, i.observed_at,
           (SELECT max(CASE m.status WHEN 'confirmed' THEN 2 WHEN 'escalated' THEN 1 ELSE 0 END)
              FROM matches m WHERE m.actor_id = i.actor_id) AS priority,
           (SELECT max(m.score) FROM matches m WHERE m.actor_id = i.actor_id) AS score
    FROM interactions i
    WHERE {_MATCHED}
      AND COALESCE(i.url, i.post_url) IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.interaction_id = i.id
                      AND e.kind = 'screenshot' AND e.error IS NULL)
      AND (SELECT count(*) FROM evidence e WHERE e.interaction_id = i.id
           AND e.kind = 'screenshot' AND e.error IS NOT NULL) < ?
    ORDER BY priority DESC, score DESC, i.observed_at DESC, i.id
    LIMIT ?
    """
    return list(db.query(sql, [max_failures, limit]))


def raw_queue(db: Database, *, limit: int = 10_000) -> list[dict]:
    """Interactions of matched actors whose raw record has not been filed as evidence yet."""
    sql = f"""
    SELECT i.*, a.actor_key, a.handle AS actor_handle, a.display_name AS actor_name,
           a.profile_url AS actor_url, acc.handle AS account_handle
    FROM interactions i JOIN actors a ON a.id = i.actor_id JOIN accounts acc ON acc.id = i.account_id
    WHERE {_MATCHED}
      AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.interaction_id = i.id AND e.kind = 'raw')
    ORDER BY i.id LIMIT ?
    """
    return list(db.query(sql, [limit]))


def add(db: Database, *, interaction_id: int, kind: str, source_url: str | None,
        sha256: str | None = None, path: str | None = None, size: int | None = None,
        error: str | None = None, run_id: int | None = None, captured_at: str | None = None) -> int | None:
    """Record one capture (or its failure); a file already recorded for the interaction is not doubled."""
    with transaction(db):
        cur = db.execute(
            "INSERT INTO evidence (sha256, path, kind, interaction_id, source_url, captured_at, bytes, error, run_id) "
            "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (interaction_id, kind, sha256) DO NOTHING",
            [sha256, path, kind, interaction_id, source_url, captured_at or utcnow(), size,
             (error or None) and error[:500], run_id])
    return cur.lastrowid if cur.rowcount else None


def add_by_natural_key(db: Database, rows: list[tuple]) -> None:
    """Evidence rows naming their interaction by (platform, natural key), as a capture knows it:
    ``(sha256, path, kind, source_url, captured_at, bytes, run_id, platform, natural_key)``.
    A row whose interaction is not stored is skipped; one already linked is left as it is."""
    db.conn.executemany(
        "INSERT INTO evidence (sha256, path, kind, interaction_id, source_url, captured_at, bytes, run_id) "
        "SELECT ?1, ?2, ?3, i.id, ?4, ?5, ?6, ?7 FROM interactions i WHERE i.platform = ?8 "
        "AND i.natural_key = ?9 ON CONFLICT (interaction_id, kind, sha256) DO NOTHING", rows)


def for_interaction(db: Database, interaction_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM evidence WHERE interaction_id=? ORDER BY id", [interaction_id]))


def delete_for_interactions(db: Database, interaction_ids: list[int]) -> list[str]:
    """Delete the evidence rows of these interactions (inside the caller's transaction).

    Returns the stored paths no other evidence row refers to any more: the caller
    removes those files after its transaction commits.
    """
    if not interaction_ids:
        return []
    q = ",".join("?" * len(interaction_ids))
    paths = [r[0] for r in db.execute(
        f"SELECT DISTINCT path FROM evidence WHERE interaction_id IN ({q}) AND path IS NOT NULL", interaction_ids)]
    db.execute(f"DELETE FROM evidence WHERE interaction_id IN ({q})", interaction_ids)
    orphans = []
    for p in paths:
        if db.execute("SELECT 1 FROM evidence WHERE path=? LIMIT 1", [p]).fetchone() is None:
            orphans.append(p)
    return orphans
