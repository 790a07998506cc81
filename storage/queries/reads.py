"""Posts read from a platform per month: the budget X's monthly read cap allows.

The pipeline adds what each stored page held, in the transaction that stores
its records, so a killed crawl never counts reads it did not keep nor loses
reads it kept. Months are UTC calendar months (``YYYY-MM``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlite_utils import Database


def spent(db: Database, platform: str, month: str) -> int:
    row = db.execute("SELECT reads FROM platform_reads WHERE platform=? AND month=?", [platform, month]).fetchone()
    return int(row[0]) if row else 0


def add(db: Database, platform: str, month: str, n: int) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    db.execute("INSERT INTO platform_reads (platform, month, reads, updated_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (platform, month) DO UPDATE SET reads = reads + excluded.reads, "
               "updated_at = excluded.updated_at", [platform, month, int(n), now])


def of_month(db: Database, month: str) -> dict[str, int]:
    """platform -> posts read in ``month``."""
    return {r[0]: int(r[1]) for r in db.execute(
        "SELECT platform, reads FROM platform_reads WHERE month=? ORDER BY platform", [month])}
