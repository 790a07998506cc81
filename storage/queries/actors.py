"""Actors as the matcher sees them, and the bookkeeping of incremental matching."""

from __future__ import annotations

from typing import Iterator

from sqlite_utils import Database

from storage.queries import transaction
from storage.records import Actor

_COLUMNS = "id, platform, actor_key, platform_id, handle, display_name, bio, profile_url"


def count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM actors").fetchone()[0]


def for_matching(db: Database, changed_since: str | None = None) -> tuple[list[int], list[Actor]]:
    """Actors to score: all of them, or those whose matched fields changed at or after ``changed_since``.

    ``>=`` rather than ``>``: timestamps have one-second resolution, and scoring an
    actor twice is harmless while missing one is not.
    """
    ids: list[int] = []
    actors: list[Actor] = []
    for chunk in iter_for_matching(db, changed_since):
        for i, a in chunk:
            ids.append(i)
            actors.append(a)
    return ids, actors


def iter_for_matching(db: Database, changed_since: str | None = None,
                      size: int = 50_000) -> Iterator[list[tuple[int, Actor]]]:
    sql = f"SELECT {_COLUMNS} FROM actors"
    params: list = []
    if changed_since:
        sql += " WHERE changed_at >= ?"
        params.append(changed_since)
    cur = db.conn.execute(sql + " ORDER BY id", params)
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            break
        yield [(r[0], Actor(platform=r[1], actor_key=r[2], platform_id=r[3], handle=r[4], display_name=r[5],
                            bio=r[6], profile_url=r[7])) for r in rows]


def by_ids(db: Database, ids: list[int]) -> dict[int, Actor]:
    """Actors by id, in the order asked (for re-comparing decided pairs)."""
    out: dict[int, Actor] = {}
    for s in range(0, len(ids), 500):
        part = ids[s:s + 500]
        rows = {r[0]: r for r in db.execute(f"SELECT {_COLUMNS} FROM actors WHERE id IN ({','.join('?' * len(part))})",
                                            part).fetchall()}
        for i in part:
            r = rows.get(i)
            if r is not None:
                out[i] = Actor(platform=r[1], actor_key=r[2], platform_id=r[3], handle=r[4], display_name=r[5],
                               bio=r[6], profile_url=r[7])
    return out


def meta_get(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", [key]).fetchone()
    return row[0] if row else None


def meta_set(db: Database, values: dict[str, str | None]) -> None:
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()))
