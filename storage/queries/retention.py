"""SQL of the retention period: what was collected about people who matched no one, and its removal.

Interactions observed before the cutoff whose actor has no match row at all (of
any status) may go, with their evidence rows; then actors left with no
interaction and no match and not seen since the cutoff. ``pantau.jobs.purge``
drives these in batches and removes the evidence files afterwards.
"""

from __future__ import annotations

from sqlite_utils import Database

from storage.queries import evidence as evidence_q

_UNMATCHED_OLD_INTERACTIONS = """
SELECT i.id FROM interactions i
WHERE i.observed_at < :cutoff
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.actor_id = i.actor_id)
"""

_UNMATCHED_OLD_ACTORS = """
SELECT a.id FROM actors a
WHERE a.last_seen < :cutoff
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.actor_id = a.id)
  AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.actor_id = a.id)
"""


def preview(db: Database, cutoff: str) -> tuple[dict[str, int], int, int]:
    """What a purge at ``cutoff`` would remove: interactions per platform, actors, evidence rows."""
    by_platform = {platform: n for platform, n in db.execute(
        f"SELECT platform, count(*) FROM interactions WHERE id IN ({_UNMATCHED_OLD_INTERACTIONS}) "
        "GROUP BY platform ORDER BY platform", {"cutoff": cutoff})}
    # actors that will have no interaction left once those are gone
    actors = db.execute("""
        SELECT count(*) FROM actors a
        WHERE a.last_seen < :cutoff
          AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.actor_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.actor_id = a.id AND i.observed_at >= :cutoff)
    """, {"cutoff": cutoff}).fetchone()[0]
    evidence_rows = db.execute(
        f"SELECT count(*) FROM evidence WHERE interaction_id IN ({_UNMATCHED_OLD_INTERACTIONS})",
        {"cutoff": cutoff}).fetchone()[0]
    return by_platform, actors, evidence_rows


def delete_interaction_batch(db: Database, cutoff: str, limit: int) -> tuple[dict[str, int], int, list[str]]:
    """Delete up to ``limit`` purgeable interactions with their evidence rows (in the caller's transaction).

    Returns interactions deleted per platform, evidence rows deleted, and the
    evidence files no row refers to any more (the caller removes them after commit).
    """
    conn = db.conn
    ids = [r[0] for r in conn.execute(_UNMATCHED_OLD_INTERACTIONS + " LIMIT :n", {"cutoff": cutoff, "n": limit})]
    if not ids:
        return {}, 0, []
    q = ",".join("?" * len(ids))
    by_platform = {platform: n for platform, n in conn.execute(
        f"SELECT platform, count(*) FROM interactions WHERE id IN ({q}) GROUP BY platform", ids)}
    before = conn.total_changes
    orphans = evidence_q.delete_for_interactions(db, ids)
    evidence_rows = conn.total_changes - before
    conn.execute(f"DELETE FROM interactions WHERE id IN ({q})", ids)
    return by_platform, evidence_rows, orphans


def delete_actor_batch(db: Database, cutoff: str, limit: int) -> int:
    """Delete up to ``limit`` actors left with nothing (in the caller's transaction); returns how many."""
    ids = [r[0] for r in db.conn.execute(_UNMATCHED_OLD_ACTORS + " LIMIT :n", {"cutoff": cutoff, "n": limit})]
    if ids:
        db.conn.execute(f"DELETE FROM actors WHERE id IN ({','.join('?' * len(ids))})", ids)
    return len(ids)
