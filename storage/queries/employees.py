"""The roster: upsert by NIP, deactivate those missing from a source's new import."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from storage.queries import chunks, dumps, transaction, utcnow
from storage.records import Employee

_UPSERT = """
INSERT INTO employees (nip, name, name_norm, norm_version, titles, unit, position, handles,
                       birth_date, active, source, imported_at, updated_at)
VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?)
ON CONFLICT (nip) DO UPDATE SET
    name = excluded.name, name_norm = excluded.name_norm, norm_version = excluded.norm_version,
    titles = excluded.titles, unit = excluded.unit, position = excluded.position,
    handles = excluded.handles, birth_date = excluded.birth_date, active = 1,
    source = excluded.source, imported_at = excluded.imported_at,
    updated_at = CASE WHEN employees.name IS NOT excluded.name OR employees.unit IS NOT excluded.unit
        OR employees.position IS NOT excluded.position OR employees.handles IS NOT excluded.handles
        OR employees.active = 0 OR employees.name_norm IS NOT excluded.name_norm
        THEN excluded.updated_at ELSE employees.updated_at END
"""


@dataclass
class RosterResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


def replace_source(db: Database, employees: list[Employee], source: str,
                   *, deactivate_missing: bool = True) -> RosterResult:
    """Upsert ``employees`` as the whole of ``source``; those of it not listed become inactive."""
    now = utcnow()
    res = RosterResult()
    with transaction(db):
        existing: dict[str, str] = {}
        nips = [e.nip for e in employees]
        for part in chunks(nips, 900):
            q = ",".join("?" * len(part))
            for nip, upd in db.execute(f"SELECT nip, updated_at FROM employees WHERE nip IN ({q})", part):
                existing[nip] = upd
        db.conn.executemany(_UPSERT, [
            (e.nip, e.name, e.name_norm, e.norm_version, dumps(e.titles), e.unit, e.position,
             dumps(e.handles), e.birth_date, source, now, now) for e in employees])
        res.inserted = len([n for n in nips if n not in existing])
        if existing:
            changed = 0
            for part in chunks(list(existing), 900):
                q = ",".join("?" * len(part))
                changed += db.execute(
                    f"SELECT count(*) FROM employees WHERE updated_at = ? AND nip IN ({q})",
                    [now, *part]).fetchone()[0]
            # rows whose previous updated_at was already `now` (same second) count as unchanged
            res.updated = changed
            res.unchanged = len(existing) - changed
        if deactivate_missing:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS _roster_nips (nip TEXT PRIMARY KEY)")
            db.execute("DELETE FROM _roster_nips")
            db.conn.executemany("INSERT OR IGNORE INTO _roster_nips VALUES (?)", [(n,) for n in nips])
            cur = db.execute(
                "UPDATE employees SET active=0, updated_at=? WHERE source=? AND active=1 "
                "AND nip NOT IN (SELECT nip FROM _roster_nips)", [now, source])
            res.deactivated = cur.rowcount
            db.execute("DELETE FROM _roster_nips")
        db.execute("INSERT INTO meta (key, value) VALUES ('roster_changed_at', ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [now])
    return res


def active(db: Database) -> list[Employee]:
    """Active employees as records, for the matcher."""
    out = []
    for r in db.query("SELECT * FROM employees WHERE active=1 ORDER BY nip"):
        out.append(Employee(
            nip=r["nip"], name=r["name"], name_norm=r["name_norm"], norm_version=r["norm_version"],
            titles=json.loads(r["titles"]), unit=r["unit"], position=r["position"],
            handles=json.loads(r["handles"]), birth_date=r["birth_date"], active=True,
            source=r["source"]))
    return out


def renormalise(db: Database, normalise, version: str) -> int:
    """Recompute ``name_norm`` for rows written by another normaliser version."""
    rows = list(db.query("SELECT nip, name FROM employees WHERE norm_version IS NOT ?", [version]))
    if not rows:
        return 0
    with transaction(db):
        db.conn.executemany("UPDATE employees SET name_norm=?, norm_version=? WHERE nip=?",
                            [(normalise(r["name"]), version, r["nip"]) for r in rows])
    return len(rows)
