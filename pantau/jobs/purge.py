"""Retention: what Pantau collected about people who matched no one is not kept forever.

Interactions observed more than ``[retention] days`` ago whose actor has no match
row at all (of any status: pending, confirmed, rejected and escalated pairs are
all kept, as is everything a reviewer decided on) are deleted, with their
evidence rows and the evidence files no other row uses; then actors left with
no interaction, no match and not seen within the period go too. Watched
accounts, their posts, run records and the audit log are not personal data of
strangers and are kept.

Citizens' reports closed as invalid or duplicate, tied to nothing, and untouched for
the same period are erased as an administrator erases one (``storage.queries.tips.erase``):
what the reporter wrote and their images go, the row stays so the receipt code still
answers "closed". Reports not yet decided, and valid ones (part of a case), are kept.

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
from storage.queries import retention as retention_q
from storage.queries import tips as tips_q

BATCH = 1000

@dataclass
class PurgeResult:
    cutoff: str
    dry_run: bool
    interactions: int = 0
    actors: int = 0
    evidence_rows: int = 0
    evidence_files: int = 0
    tips: int = 0              # citizens' reports erased (closed as invalid or duplicate)
    tip_files: int = 0
    by_platform: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    run_id: int | None = None


def cutoff_for(days: int, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return (now - timedelta(days=days)).isoformat(timespec="seconds").replace("+00:00", "Z")


def _preview(db, cutoff: str) -> PurgeResult:
    res = PurgeResult(cutoff=cutoff, dry_run=True)
    res.by_platform, res.actors, res.evidence_rows = retention_q.preview(db, cutoff)
    res.interactions = sum(res.by_platform.values())
    res.tips = len(tips_q.expired(db, cutoff))
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
            "tips": res.tips, "tip_files": res.tip_files, "by_platform": res.by_platform}


def _purge(settings: Settings, db, res: PurgeResult) -> None:
    while True:
        with transaction(db):
            by_platform, evidence_rows, orphans = retention_q.delete_interaction_batch(db, res.cutoff, BATCH)
        if not by_platform:
            break
        for platform, n in by_platform.items():
            res.by_platform[platform] = res.by_platform.get(platform, 0) + n
            res.interactions += n
        res.evidence_rows += evidence_rows
        # files go only after the rows are gone for good: a crash in between leaves a
        # stray file (harmless), never a row pointing at nothing
        for rel in orphans:
            res.evidence_files += files.remove(settings.evidence_dir, rel)
    while True:
        with transaction(db):
            n = retention_q.delete_actor_batch(db, res.cutoff, BATCH)
        if not n:
            break
        res.actors += n
    # one report per transaction (erase commits its own, with its audit row); files after
    for tip_id in tips_q.expired(db, res.cutoff):
        orphans = tips_q.erase(db, tip_id, user=tips_q.RETENTION_USER)
        res.tips += 1
        for rel in orphans:
            res.tip_files += files.remove(settings.tips_dir, rel)
