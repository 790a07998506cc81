"""Retention: what Pantau collected about people who matched no one is not kept forever.

Interactions observed more than ``[retention] days`` ago whose actor has no match
row at all (of any status: pending, confirmed, rejected and escalated pairs are
all kept, as is everything a reviewer decided on) are deleted, with their
evidence rows and the evidence files no other row uses; then actors left with
no interaction, no match and not seen within the period go too. Watched
accounts, their posts, run records and the audit log are not personal data of
strangers and are kept.

Deletion goes in batches of ``BATCH`` interactions, one transaction each, so a
purge of a large backlog neither holds the database for long nor loses
consistency when killed (a re-run continues). It takes the job lock, so it never
runs beside a crawl that might be adding the very rows it is deleting; the
nightly job runs it as a stage under its own lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pantau.config import Settings
from pantau.jobs.stage import StageRun, stage
from storage import files
from storage.queries import audit, transaction
from storage.queries import evidence as evidence_q

BATCH = 1000

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


@dataclass
class PurgeResult:
    cutoff: str
    dry_run: bool
    interactions: int = 0
    actors: int = 0
    evidence_rows: int = 0
    evidence_files: int = 0
    by_platform: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    run_id: int | None = None


def cutoff_for(days: int, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return (now - timedelta(days=days)).isoformat(timespec="seconds").replace("+00:00", "Z")


def _preview(db, cutoff: str) -> PurgeResult:
    res = PurgeResult(cutoff=cutoff, dry_run=True)
    for platform, n in db.execute(
            f"SELECT platform, count(*) FROM interactions WHERE id IN ({_UNMATCHED_OLD_INTERACTIONS}) "
            "GROUP BY platform ORDER BY platform", {"cutoff": cutoff}):
        res.by_platform[platform] = n
        res.interactions += n
    # actors that will have no interaction left once those are gone
    res.actors = db.execute(f"""
        SELECT count(*) FROM actors a
        WHERE a.last_seen < :cutoff
          AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.actor_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.actor_id = a.id AND i.observed_at >= :cutoff)
    """, {"cutoff": cutoff}).fetchone()[0]
    res.evidence_rows = db.execute(
        f"SELECT count(*) FROM evidence WHERE interaction_id IN ({_UNMATCHED_OLD_INTERACTIONS})",
        {"cutoff": cutoff}).fetchone()[0]
    return res


def purge(settings: Settings, db, *, dry_run: bool = False, now: datetime | None = None,
          run_id: int | None = None) -> PurgeResult:
    """Apply the retention period (or, with ``dry_run``, count what it would remove).

    Takes the job lock and records a ``purge`` run, unless ``run_id`` says it is a
    stage of a run that already holds the lock (the nightly job).
    """
    cutoff = cutoff_for(settings.retention.days, now)
    if dry_run:
        return _preview(db, cutoff)
    with stage(db, "purge", run_id=run_id, lock=settings.lock_path) as run:
        return _apply(settings, db, cutoff, run)


def _apply(settings: Settings, db, cutoff: str, run: StageRun) -> PurgeResult:
    t0 = time.monotonic()
    res = PurgeResult(cutoff=cutoff, dry_run=False, run_id=run.run_id)
    try:
        _purge(settings, db, res)
    finally:
        run.summary = _summary(res)
    res.seconds = round(time.monotonic() - t0, 2)
    with transaction(db):
        audit.write(db, "purge", object_type="retention", object_id=settings.retention.days,
                    detail={**_summary(res), "run_id": run.run_id})
    return res


def _summary(res: PurgeResult) -> dict:
    return {"cutoff": res.cutoff, "interactions": res.interactions, "actors": res.actors,
            "evidence_rows": res.evidence_rows, "evidence_files": res.evidence_files,
            "by_platform": res.by_platform}


def _purge(settings: Settings, db, res: PurgeResult) -> None:
    conn = db.conn
    while True:
        orphans: list[str] = []
        with transaction(db):
            ids = [r[0] for r in conn.execute(_UNMATCHED_OLD_INTERACTIONS + " LIMIT :n",
                                              {"cutoff": res.cutoff, "n": BATCH})]
            if not ids:
                break
            q = ",".join("?" * len(ids))
            for platform, n in conn.execute(
                    f"SELECT platform, count(*) FROM interactions WHERE id IN ({q}) GROUP BY platform", ids):
                res.by_platform[platform] = res.by_platform.get(platform, 0) + n
            before = conn.total_changes
            orphans = evidence_q.delete_for_interactions(db, ids)
            res.evidence_rows += conn.total_changes - before
            conn.execute(f"DELETE FROM interactions WHERE id IN ({q})", ids)
            res.interactions += len(ids)
        # files go only after the rows are gone for good: a crash in between leaves a
        # stray file (harmless), never a row pointing at nothing
        for rel in orphans:
            res.evidence_files += files.remove(settings.evidence_dir, rel)
    while True:
        with transaction(db):
            ids = [r[0] for r in conn.execute(_UNMATCHED_OLD_ACTORS + " LIMIT :n",
                                              {"cutoff": res.cutoff, "n": BATCH})]
            if not ids:
                break
            conn.execute(f"DELETE FROM actors WHERE id IN ({','.join('?' * len(ids))})", ids)
            res.actors += len(ids)
