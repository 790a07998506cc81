"""The roster: upsert by NIP, deactivate those missing from a source's new import."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from sqlite_utils import Database

from storage.queries import dumps, transaction, utcnow
from storage.records import Employee

_UPSERT = """
INSERT INTO employees (nip, name, name_norm, norm_version, titles, unit, position, handles,
                       birth_date, active, source, imported_at, updated_at, rank, grade, agency)
VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?)
ON CONFLICT (nip) DO UPDATE SET
    name = excluded.name, name_norm = excluded.name_norm, norm_version = excluded.norm_version,
    titles = excluded.titles, unit = excluded.unit, position = excluded.position,
    handles = excluded.handles, birth_date = excluded.birth_date, active = 1,
    source = excluded.source, imported_at = excluded.imported_at,
    rank = excluded.rank, grade = excluded.grade, agency = excluded.agency,
    updated_at = CASE WHEN employees.name IS NOT excluded.name OR employees.unit IS NOT excluded.unit
        OR employees.position IS NOT excluded.position OR employees.handles IS NOT excluded.handles
        OR employees.active = 0 OR employees.name_norm IS NOT excluded.name_norm
        OR employees.titles IS NOT excluded.titles OR employees.source IS NOT excluded.source
        OR employees.rank IS NOT excluded.rank OR employees.grade IS NOT excluded.grade
        OR employees.agency IS NOT excluded.agency
        THEN excluded.updated_at ELSE employees.updated_at END
"""

#: the columns whose change makes a re-imported row "updated"
_COMPARED = ("name", "name_norm", "titles", "unit", "position", "handles", "active", "source",
             "rank", "grade", "agency")


@dataclass
class RosterResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


def replace_source(db: Database, employees: list[Employee], source: str,
                   *, deactivate_missing: bool = True, keep: Iterable[str] = ()) -> RosterResult:
    """Upsert ``employees`` as the whole of ``source``; those of it not listed become inactive.

    ``keep``: NIPs that are not deactivated although absent (rows the importer
    rejected for another reason than their NIP). One transaction, so a crash
    leaves the previous roster as it was.
    """
    now = utcnow()
    res = RosterResult()
    with transaction(db):
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _roster_nips (nip TEXT PRIMARY KEY)")
        db.execute("DELETE FROM _roster_nips")
        db.conn.executemany("INSERT OR IGNORE INTO _roster_nips VALUES (?)",
                            [(e.nip,) for e in employees] + [(n,) for n in keep])
        existing: dict[str, tuple] = {
            r[0]: tuple(r[1:]) for r in db.execute(
                "SELECT e.nip, " + ", ".join(f"e.{c}" for c in _COMPARED)
                + " FROM employees e JOIN _roster_nips r ON r.nip = e.nip")}
        rows = []
        for e in employees:
            row = (e.nip, e.name, e.name_norm, e.norm_version, dumps(e.titles) if e.titles else "[]",
                   e.unit, e.position, dumps(e.handles) if e.handles else "[]", e.birth_date, source, now, now,
                   e.rank, e.grade, e.agency)
            old = existing.get(e.nip)
            if old is None:
                res.inserted += 1
            elif old == (e.name, e.name_norm, row[4], e.unit, e.position, row[7], 1, source,
                         e.rank, e.grade, e.agency):
                res.unchanged += 1
            else:
                res.updated += 1
            rows.append(row)
            if len(rows) >= 5000:
                db.conn.executemany(_UPSERT, rows)
                rows = []
        if rows:
            db.conn.executemany(_UPSERT, rows)
        if deactivate_missing:
            cur = db.execute(
                "UPDATE employees SET active=0, updated_at=? WHERE source=? AND active=1 "
                "AND nip NOT IN (SELECT nip FROM _roster_nips)", [now, source])
            res.deactivated = cur.rowcount
        db.execute("DELETE FROM _roster_nips")
        db.execute("INSERT INTO meta (key, value) VALUES ('roster_changed_at', ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [now])
    return res


def active_count(db: Database, source: str) -> int:
    return db.execute("SELECT count(*) FROM employees WHERE source=? AND active=1", [source]).fetchone()[0]


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


def _letters(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch.isalpha())


def renormalise(db: Database, normalise, version: str) -> int:
    """Recompute ``name_norm`` (and titles) for rows written by another normaliser version.

    ``normalise`` returns either a string or an object with ``text`` and ``titles``
    (``pantau.matching.normalize.Normalised``).
    """
    rows = list(db.query("SELECT nip, name, titles FROM employees WHERE norm_version IS NOT ?", [version]))
    if not rows:
        return 0
    updates = []
    for r in rows:
        n = normalise(r["name"])
        if isinstance(n, str):
            updates.append((n, r["titles"], version, r["nip"]))
        else:
            # titles the name does not write came from the roster's title columns: kept
            written = {_letters(w) for w in r["name"].replace(",", " ").split()}
            kept = [t for t in json.loads(r["titles"] or "[]") or [] if _letters(t) not in written]
            updates.append((n.text, dumps(list(dict.fromkeys([*n.titles, *kept]))), version, r["nip"]))
    with transaction(db):
        db.conn.executemany("UPDATE employees SET name_norm=?, titles=?, norm_version=? WHERE nip=?", updates)
    return len(rows)


def active_signature(db: Database) -> tuple:
    """What changes whenever the active roster does: count, last update, name lengths, NIP range.

    The matcher keys its cached roster index on it (``pantau.jobs.match.roster_fingerprint``).
    """
    return tuple(db.execute("SELECT count(*), max(updated_at), total(length(name_norm)), max(nip), min(nip) "
                            "FROM employees WHERE active = 1").fetchone())
