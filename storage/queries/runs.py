"""Run records: one row per crawl, match or nightly run, plus per-account figures."""

from __future__ import annotations

import json
import os

from sqlite_utils import Database

from storage.queries import dumps, transaction, utcnow


def start(db: Database, kind: str, trigger: str = "cli") -> int:
    with transaction(db):
        cur = db.execute(
            "INSERT INTO runs (kind, trigger, started_at, status, pid) VALUES (?,?,?,?,?)",
            [kind, trigger, utcnow(), "running", os.getpid()])
    return cur.lastrowid


def finish(db: Database, run_id: int, status: str, *, stats: dict | None = None,
           summary: dict | None = None, error: str | None = None) -> None:
    with transaction(db):
        db.execute(
            "UPDATE runs SET ended_at=?, status=?, stats=COALESCE(?, stats), "
            "summary=COALESCE(?, summary), error=? WHERE id=?",
            [utcnow(), status, None if stats is None else dumps(stats),
             None if summary is None else dumps(summary), error, run_id])


def mark_interrupted(db: Database) -> int:
    """Runs left 'running' by a process that is gone become 'interrupted'.

    Safe to call at any time, with or without the job lock: a run is closed only when
    the process that opened it is gone (its pid is dead, or now belongs to a process
    started after the run began). Every stage calls it when it starts, and
    ``pantau status`` before it shows the runs, so a killed import is not "running" forever.
    """
    stale = [run_id for run_id, pid, started in
             db.execute("SELECT id, pid, started_at FROM runs WHERE status='running'").fetchall()
             if not alive(pid, started)]
    if stale:
        with transaction(db):
            db.conn.executemany("UPDATE runs SET status='interrupted', ended_at=?, "
                                "error=COALESCE(error, 'the process ended without closing the run') WHERE id=?",
                                [(utcnow(), r) for r in stale])
    return len(stale)


def alive(pid: int | None, started_at: str | None) -> bool:
    """Is the process that opened a run still running? (pids are reused: compare start times)."""
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        import psutil
        proc = psutil.Process(pid)
        created = proc.create_time()
    except Exception:           # no such process (or psutil cannot tell)
        from storage import pid_alive
        return pid_alive(pid)
    if started_at:
        from datetime import datetime
        try:
            began = datetime.fromisoformat(started_at.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return True
        if created > began + 2:     # a newer process that got the same pid
            return False
    return True


def record_account(db: Database, run_id: int, account_id: int, spider: str, *, requests: int = 0,
                   items: int = 0, new_items: int = 0, retries: int = 0, errors: int = 0,
                   status: str = "ok", message: str | None = None) -> None:
    """Add to the figures of one account in one run (a spider may report in several steps)."""
    db.execute(
        """INSERT INTO account_runs (run_id, account_id, spider, requests, items, new_items, retries,
               errors, status, message, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (run_id, account_id) DO UPDATE SET
               requests = account_runs.requests + excluded.requests,
               items = account_runs.items + excluded.items,
               new_items = account_runs.new_items + excluded.new_items,
               retries = account_runs.retries + excluded.retries,
               errors = account_runs.errors + excluded.errors,
               status = CASE WHEN excluded.status != 'ok' THEN excluded.status ELSE account_runs.status END,
               message = COALESCE(excluded.message, account_runs.message),
               finished_at = excluded.finished_at""",
        [run_id, account_id, spider, requests, items, new_items, retries, errors, status, message, utcnow()])


def get(db: Database, run_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM runs WHERE id=?", [run_id]))
    if not rows:
        return None
    r = rows[0]
    r["stats"] = json.loads(r["stats"] or "{}")
    r["summary"] = json.loads(r["summary"] or "{}")
    return r


def recent(db: Database, limit: int = 10) -> list[dict]:
    return list(db.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", [limit]))


def silent_accounts(db: Database) -> list[dict]:
    """Accounts whose latest crawl yielded nothing although an earlier one yielded items.

    A broken selector profile or a changed API shows up like this rather than as
    an error, so status and the nightly summary name these accounts. An account
    skipped on purpose (no API key or token: X without a bearer token, collected
    by capture instead) or deferred to a later run (a rate limit, the monthly
    read cap) was not expected to yield anything, and is not named.
    """
    sql = """
    WITH last AS (
        SELECT account_id, max(run_id) AS run_id FROM account_runs GROUP BY account_id
    )
    SELECT a.id, a.platform, a.handle, ar.run_id, ar.status, ar.message,
           (SELECT max(items) FROM account_runs p WHERE p.account_id = a.id AND p.run_id < ar.run_id)
               AS previous_items
    FROM last JOIN account_runs ar ON ar.account_id = last.account_id AND ar.run_id = last.run_id
    JOIN accounts a ON a.id = ar.account_id
    WHERE ar.items = 0 AND a.enabled = 1 AND ar.status NOT IN ('skipped', 'budget')
    """
    return [r for r in db.query(sql) if (r["previous_items"] or 0) > 0]
