"""What the admin's runs-and-health screen reads: recent runs, failures, interactions per hour."""

from __future__ import annotations

import json

from sqlite_utils import Database


def recent_runs(db: Database, limit: int = 20) -> list[dict]:
    """The latest runs with their summary and stats decoded (newest first)."""
    rows = list(db.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", [limit]))
    for r in rows:
        for k in ("stats", "summary"):
            try:
                r[k] = json.loads(r[k] or "{}")
            except ValueError:
                r[k] = {}
    return rows


def account_failures(db: Database, runs: int = 10, limit: int = 100) -> list[dict]:
    """Accounts not collected (failed, budget spent, skipped) in the last ``runs`` runs that crawled."""
    return list(db.query(
        """SELECT ar.run_id, ar.status, ar.message, ar.errors, ar.finished_at, a.platform, a.handle, a.candidate
           FROM account_runs ar JOIN accounts a ON a.id = ar.account_id
           WHERE ar.status != 'ok'
             AND ar.run_id IN (SELECT DISTINCT run_id FROM account_runs ORDER BY run_id DESC LIMIT ?)
           ORDER BY ar.run_id DESC, a.platform, a.handle LIMIT ?""", [runs, limit]))


def interactions_per_hour(db: Database, since: str, until: str = "9999") -> list[tuple[str, int]]:
    """``(YYYY-MM-DDTHH, new interactions)`` of the runs started from ``since`` to before ``until`` (UTC ISO).

    Read from each run's summary (crawl, nightly, import and capture runs say how many new
    interactions they stored), not by counting the interactions table: the runs table has a row
    a run, the interactions table a million rows, and counting those took over a second.
    The caller folds hours into local nights, which works for every whole-hour zone.
    """
    return [(h, int(n or 0)) for h, n in db.execute(
        "SELECT substr(started_at, 1, 13) AS h, sum(json_extract(summary, '$.new_interactions')) FROM runs "
        "WHERE started_at >= ? AND started_at < ? AND json_valid(summary) GROUP BY h ORDER BY h",
        [since, until]).fetchall()]


def roster_sources(db: Database) -> list[dict]:
    """Employees per roster source: active and inactive."""
    return list(db.query(
        "SELECT source, sum(active) AS active, count(*) - sum(active) AS inactive FROM employees "
        "GROUP BY source ORDER BY source"))


def roster_imports(db: Database, limit: int = 10) -> list[dict]:
    """The latest roster imports from the audit log, details decoded."""
    rows = list(db.query(
        "SELECT at, user, object_id, detail FROM audit_log WHERE action='roster.import' ORDER BY id DESC LIMIT ?",
        [limit]))
    for r in rows:
        try:
            r["detail"] = json.loads(r["detail"] or "{}")
        except ValueError:
            r["detail"] = {}
    return rows


def accounts(db: Database) -> list[dict]:
    """Every account with its crawl state, cheaply enough for a page at a million interactions.

    ``last_collected_at`` is when a crawl last found items for it (from ``account_runs``), not
    the newest ``observed_at`` of its interactions: that maximum has no index to use and took
    seconds per page at a million rows. The interaction count walks the account's index entries.
    """
    return list(db.query("""
    SELECT a.id, a.platform, a.handle, a.candidate, a.enabled, a.origin, a.last_crawled_at,
           (SELECT count(*) FROM interactions i WHERE i.account_id = a.id) AS interactions,
           (SELECT max(ar.finished_at) FROM account_runs ar WHERE ar.account_id = a.id AND ar.items > 0)
               AS last_collected_at,
           (SELECT ar.items FROM account_runs ar WHERE ar.account_id = a.id ORDER BY ar.run_id DESC LIMIT 1)
               AS last_items,
           (SELECT ar.status FROM account_runs ar WHERE ar.account_id = a.id ORDER BY ar.run_id DESC LIMIT 1)
               AS last_status
    FROM accounts a ORDER BY a.platform, a.handle"""))
