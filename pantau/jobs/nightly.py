"""The nightly job: sync, crawl, match, evidence, retention, summary, notification — under the job lock.

Every stage runs even when an earlier one failed (a watchlist typo must not stop
the crawl of the accounts already known; a platform being down must not stop
matching what was collected), and each failure is named in the summary. The
run row is created first and finished last, so a run killed half-way is left
``running`` and the next job marks it ``interrupted``; since every stage is
idempotent, the next run simply completes the work.

Overlapping runs: the lock is not waited for by default (``wait=0``); a second
run while one is going on stops at once with ``LockBusy`` ("another Pantau job
is running ... not starting nightly run"), which the CLI reports in one line
with exit status 1. The scheduler passes a wait so that a short manual job at
02:00 delays the night's run instead of cancelling it.
"""

from __future__ import annotations

import time
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from pantau.config import Settings
from pantau.errors import PantauError
from pantau.jobs.progress import SILENT, Prefixed, Progress
from pantau.jobs.stage import StageRun, Terminated, stage  # noqa: F401 (Terminated: the CLI's)

log = logging.getLogger("pantau.nightly")

TRIGGERS = ("cli", "schedule", "cron", "demo", "test")
STAGES = ("sync", "crawl", "match", "evidence", "retention", "summary")


@dataclass
class StageOutcome:
    name: str
    ok: bool = True
    seconds: float = 0.0
    error: str | None = None


@dataclass
class NightlyResult:
    run_id: int
    status: str                                  # ok | partial | failed | interrupted
    summary: dict[str, Any]
    stages: list[StageOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _short(exc: BaseException) -> str:
    if isinstance(exc, ImportError):
        return f"not available ({exc})"
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, PantauError):
        return msg or type(exc).__name__
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _stop_children(timeout: float = 15.0) -> None:
    """Stop the crawl child (and the browser) of an interrupted run before the lock is released.

    Otherwise an orphaned crawl could go on writing beside the next run.
    """
    try:
        import psutil
        children = psutil.Process().children(recursive=True)
        for c in children:
            try:
                c.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(children, timeout=timeout)
        for c in alive:
            try:
                c.kill()
            except psutil.Error:
                pass
    except Exception as exc:  # never mask the interruption itself
        log.warning("could not stop child processes: %s", exc)


def nightly(settings: Settings, *, trigger: str = "cli", wait: float = 0.0,
            progress: Progress = SILENT) -> NightlyResult:
    """Run the whole night under the workspace job lock; raise ``LockBusy`` if another job holds it."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    from pantau.workspace import open_database
    db = open_database(settings)
    try:
        with stage(db, "nightly", trigger=trigger, lock=settings.lock_path, job="nightly run", wait=wait,
                   progress=progress) as run:
            result = _nightly(settings, db, run, trigger=trigger)
    finally:
        db.close()
    if result.status != "interrupted":
        from pantau.notify import notify
        notify(settings, result.summary)
    return result


def _nightly(settings: Settings, db, run: StageRun, *, trigger: str) -> NightlyResult:
    from storage.queries import runs as runs_q

    stale = run.closed_stale
    run_id = run.run_id
    say = run.progress.say
    started_at = runs_q.get(db, run_id)["started_at"]
    summary: dict[str, Any] = {
        "run_id": run_id, "kind": "nightly", "trigger": trigger, "workspace": str(settings.workspace),
        "started_at": started_at, "interrupted_runs_closed": stale,
        "accounts": 0, "accounts_crawled": 0, "accounts_skipped": 0, "accounts_failed": [], "new_interactions": 0,
        "new_matches": 0, "updated_matches": 0, "new_activity": 0, "new_activity_people": 0,
        "new_activity_matches": [], "evidence": {}, "purged": {}, "silent_accounts": [], "errors": [], "stages": {},
    }
    stages: list[StageOutcome] = []
    stats: dict[str, Any] = {}
    say(f"nightly run #{run_id} started ({trigger})" + (f"; {stale} interrupted run(s) closed" if stale else ""))

    def step(name: str, fn: Callable[[], None]) -> None:
        out = StageOutcome(name)
        say(f"[{len(stages) + 1}/{len(STAGES)}] {name} ...")
        t0 = time.monotonic()
        try:
            fn()
        except Exception as exc:
            out.ok = False
            out.error = _short(exc)
            summary["errors"].append(f"{name}: {out.error}")
            log.debug("stage %s failed", name, exc_info=True)
        out.seconds = round(time.monotonic() - t0, 2)
        stages.append(out)
        summary["stages"][name] = {"ok": out.ok, "seconds": out.seconds, "error": out.error}
        say(f"[{len(stages)}/{len(STAGES)}] {name}: {'done' if out.ok else 'FAILED: ' + (out.error or '')}"
            f" ({out.seconds:.1f} s)")

    def sync() -> None:
        from pantau.jobs.sync import sync_watchlists
        r = sync_watchlists(settings, db)
        stats["sync"] = dict(r.__dict__)

    def crawl() -> None:
        from pantau.jobs.crawl import run_crawl
        r = run_crawl(settings, db, run_id=run_id, trigger=trigger, progress=run.progress)
        outcomes = list(r.accounts)
        summary["accounts"] = len(outcomes)
        summary["accounts_crawled"] = sum(1 for a in outcomes if a.status == "ok")
        summary["accounts_skipped"] = sum(1 for a in outcomes if a.status == "skipped")
        summary["crawl_notes"] = list(r.notes)     # e.g. X accounts skipped for want of a token, in one line
        summary["accounts_failed"] = [f"{a.platform}/{a.handle}: {a.status}" + (f" ({a.message})" if a.message else "")
                                      for a in outcomes if a.status in ("failed", "budget")]
        summary["new_interactions"] = r.new_interactions
        stats["crawl"] = {"accounts": [dict(a.__dict__) for a in outcomes], "new_interactions": r.new_interactions}
        if r.failures:
            raise PantauError(f"{len(r.failures)} account(s) not collected: " + "; ".join(r.failures))

    def match() -> None:
        from pantau.jobs.match import run_match
        r = run_match(settings, db, run_id=run_id, progress=Prefixed(run.progress, "match: "))
        summary["new_matches"] = r.new_matches
        summary["updated_matches"] = r.updated_matches
        stats["match"] = dict(r.__dict__)

    def evidence() -> None:
        from pantau.jobs.evidence import capture_evidence
        r = capture_evidence(settings, db, run_id=run_id, progress=run.progress)
        summary["evidence"] = {"screenshots": r.screenshots, "pages": r.pages, "failures": r.failures,
                               "raw": r.raw, "deferred": r.deferred}
        stats["evidence"] = dict(r.__dict__)
        if r.errors:
            raise PantauError("; ".join(r.errors))

    def retention() -> None:
        from pantau.jobs.purge import purge
        r = purge(settings, db, run_id=run_id)
        summary["purged"] = {"interactions": r.interactions, "actors": r.actors,
                             "evidence_files": r.evidence_files, "tips": r.tips, "days": settings.retention.days}

    def tally() -> None:
        from storage.queries import matches as matches_q
        activity = matches_q.new_activity(db, since=started_at)
        summary["new_activity"] = len(activity)
        summary["new_activity_people"] = len({a["match_id"] for a in activity})
        summary["new_activity_matches"] = sorted({a["match_id"] for a in activity})
        summary["silent_accounts"] = [f"{s['platform']}/{s['handle']}" for s in runs_q.silent_accounts(db)]

    run.summary, run.stats = summary, stats
    try:
        for name, fn in zip(STAGES, (sync, crawl, match, evidence, retention, tally)):
            step(name, fn)
    except BaseException as exc:   # Ctrl-C, SIGTERM: stop the children; the stage wrapper closes the row
        run.error = f"interrupted ({type(exc).__name__})"
        summary["errors"].append(run.error)
        summary["status"], summary["ok"] = "interrupted", False
        _stop_children()
        raise
    if not summary["errors"]:
        status = "ok"
    elif all(not s.ok for s in stages if s.name in ("sync", "crawl", "match")):
        status = "failed"
    else:
        status = "partial"
    from storage.queries import utcnow
    run.status = status
    run.error = "; ".join(summary["errors"])[:2000] or None
    summary["status"] = status
    summary["ok"] = status == "ok"
    summary["ended_at"] = utcnow()
    return NightlyResult(run_id=run_id, status=status, summary=summary, stages=stages)
