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
    """``(YYYY-MM-DDTHH, count)`` of interactions observed from ``since`` to before ``until`` (UTC ISO).

    Grouped by UTC hour on the ``observed_at`` index alone (no table rows read); the caller
    folds hours into local nights, which works for every whole-hour zone.
    """
    return [tuple(r) for r in db.execute(
        "SELECT substr(observed_at, 1, 13) AS h, count(*) FROM interactions "
        "WHERE observed_at >= ? AND observed_at < ? GROUP BY h ORDER BY h", [since, until]).fetchall()]


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
