"""Watched accounts: synced from watchlists, created by imports, read by spiders."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from storage.queries import dumps, transaction, utcnow
from storage.records import Account, normalise_handle


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    disabled: int = 0
    unchanged: int = 0


_FIELDS = ("display_handle", "candidate", "role", "party", "election", "url", "profile",
           "collect", "since", "enabled", "source_file")


def sync(db: Database, accounts: list[Account]) -> SyncResult:
    """Make the table mirror the watchlist files; accounts no longer listed are disabled.

    Rows are never deleted (their interactions stay reviewable); imported accounts
    are left alone unless a watchlist now lists them, which adopts them.
    """
    now = utcnow()
    result = SyncResult()
    listed = set()
    with transaction(db):
        existing = {(r["platform"], r["handle"]): r
                    for r in db.query("SELECT * FROM accounts")}
        for a in accounts:
            key = (a.platform, a.key)
            listed.add(key)
            values = {
                "display_handle": a.handle, "candidate": a.candidate, "role": a.role,
                "party": a.party, "election": a.election, "url": a.url, "profile": a.profile,
                "collect": dumps(a.collect), "since": a.since, "enabled": int(a.enabled),
                "source_file": a.source_file,
            }
            old = existing.get(key)
            if old is None:
                db.execute(
                    "INSERT INTO accounts (platform, handle, origin, created_at, updated_at, "
                    + ", ".join(_FIELDS) + ") VALUES (?,?,?,?,?," + ",".join("?" * len(_FIELDS)) + ")",
                    [a.platform, a.key, "watchlist", now, now] + [values[f] for f in _FIELDS],
                )
                result.added += 1
            elif any(old[f] != values[f] for f in _FIELDS) or old["origin"] != "watchlist":
                db.execute(
                    "UPDATE accounts SET origin='watchlist', updated_at=?, "
                    + ", ".join(f"{f}=?" for f in _FIELDS) + " WHERE id=?",
                    [now] + [values[f] for f in _FIELDS] + [old["id"]],
                )
                result.updated += 1
            else:
                result.unchanged += 1
        for key, old in existing.items():
            if key not in listed and old["origin"] == "watchlist" and old["enabled"]:
                db.execute("UPDATE accounts SET enabled=0, updated_at=? WHERE id=?", [now, old["id"]])
                result.disabled += 1
    return result


def watched(db: Database) -> list[tuple[str, str, str | None]]:
    """(platform, handle, platform id) of the enabled accounts of the watchlists."""
    return db.execute("SELECT platform, handle, platform_id FROM accounts "
                      "WHERE origin = 'watchlist' AND enabled = 1").fetchall()


def ensure_imported(db: Database, platform: str, handle: str) -> int:
    """Id of the account ``platform/handle``, creating it as 'imported' when unknown."""
    key = normalise_handle(platform, handle)
    row = db.execute("SELECT id FROM accounts WHERE platform=? AND handle=?", [platform, key]).fetchone()
    if row:
        return row[0]
    now = utcnow()
    cur = db.execute(
        "INSERT INTO accounts (platform, handle, display_handle, origin, enabled, created_at, updated_at) "
        "VALUES (?,?,?,?,0,?,?)",
        [platform, key, handle, "import", now, now],
    )
    return cur.lastrowid


def crawlable(db: Database, platform: str | None = None, handle: str | None = None) -> list[dict]:
    """Enabled watchlist accounts, optionally narrowed to one platform or handle."""
    sql = "SELECT * FROM accounts WHERE enabled=1 AND origin='watchlist'"
    params: list = []
    if platform:
        sql += " AND platform=?"
        params.append(platform)
    if handle:
        sql += " AND (handle=? OR handle=?)"
        params += [handle, normalise_handle(platform or "", handle)]
    rows = list(db.query(sql + " ORDER BY platform, handle", params))
    for r in rows:
        r["collect"] = json.loads(r["collect"] or "[]")
        r["cursors"] = json.loads(r["cursors"] or "{}")
    return rows


def merge_cursors(db: Database, account_id: int, patch: dict, *, platform_id: str | None = None,
                  crawled: bool = False, full_pass: bool = False) -> None:
    """Apply a JSON merge patch to an account's crawl state (inside the caller's transaction).

    The crawl pipeline calls this in the transaction that stores the records the
    new state vouches for.
    """
    now = utcnow()
    db.execute(
        "UPDATE accounts SET cursors=json_patch(COALESCE(cursors, '{}'), ?), "
        "platform_id=COALESCE(?, platform_id), "
        "last_crawled_at=CASE WHEN ? THEN ? ELSE last_crawled_at END, "
        "last_full_pass_at=CASE WHEN ? THEN ? ELSE last_full_pass_at END WHERE id=?",
        [dumps(patch or {}), platform_id, int(crawled), now, int(full_pass), now, account_id],
    )


def crawl_targets(db: Database, platform: str | None = None, handle: str | None = None) -> list[dict]:
    """``crawlable`` accounts with the fields a crawl child needs, as plain JSON-able dicts."""
    keep = ("id", "platform", "handle", "display_handle", "url", "profile", "collect", "since",
            "cursors", "platform_id", "last_crawled_at", "last_full_pass_at")
    return [{k: r[k] for k in keep} for r in crawlable(db, platform, handle)]
