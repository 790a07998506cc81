"""Figures for ``pantau status``."""

from __future__ import annotations

from sqlite_utils import Database

TABLES = ("accounts", "posts", "actors", "interactions", "employees", "matches", "evidence",
          "runs", "audit_log", "users")


def counts(db: Database) -> dict[str, int]:
    out = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    out["employees_active"] = db.execute("SELECT count(*) FROM employees WHERE active=1").fetchone()[0]
    out["accounts_enabled"] = db.execute("SELECT count(*) FROM accounts WHERE enabled=1").fetchone()[0]
    return out


def match_counts(db: Database) -> dict[str, int]:
    return {r["status"]: r["n"] for r in db.query("SELECT status, count(*) AS n FROM matches GROUP BY status")}


def accounts_overview(db: Database) -> list[dict]:
    sql = """
    SELECT a.id, a.platform, a.handle, a.candidate, a.enabled, a.origin, a.last_crawled_at,
           (SELECT count(*) FROM interactions i WHERE i.account_id = a.id) AS interactions,
           (SELECT max(i.observed_at) FROM interactions i WHERE i.account_id = a.id) AS last_collected_at,
           (SELECT ar.items FROM account_runs ar WHERE ar.account_id = a.id ORDER BY ar.run_id DESC LIMIT 1)
               AS last_items,
           (SELECT ar.status FROM account_runs ar WHERE ar.account_id = a.id ORDER BY ar.run_id DESC LIMIT 1)
               AS last_status
    FROM accounts a ORDER BY a.platform, a.handle
    """
    return list(db.query(sql))


def interactions_by_platform_kind(db: Database) -> dict[str, dict[str, int]]:
    """Interactions per platform and kind (the demo's summary)."""
    out: dict[str, dict[str, int]] = {}
    for platform, kind, n in db.execute(
            "SELECT platform, kind, count(*) FROM interactions GROUP BY platform, kind ORDER BY platform, kind"):
        out.setdefault(platform, {})[kind] = n
    return out
