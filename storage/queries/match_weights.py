"""Learned matching weights: one row per fit, the latest kept one of a model version is in force."""

from __future__ import annotations

import json

from sqlite_utils import Database

from storage.queries import dumps, transaction, utcnow


def in_force(db: Database, base_version: str) -> dict | None:
    """The latest kept fit for this model version (None: the declared weights are in force)."""
    row = db.execute("SELECT id, origin, fit, created_at FROM match_weights WHERE base_version = ? AND kept = 1 "
                     "ORDER BY id DESC LIMIT 1", [base_version]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "origin": row[1], "fit": json.loads(row[2]), "created_at": row[3]}


def record(db: Database, base_version: str, origin: str, fit: dict, *, kept: bool,
           roster_fingerprint: str = "") -> int:
    with transaction(db):
        cur = db.execute("INSERT INTO match_weights (base_version, origin, fit, kept, roster_fingerprint, created_at) "
                         "VALUES (?,?,?,?,?,?)", [base_version, origin, dumps(fit), int(kept), roster_fingerprint,
                                                   utcnow()])
        return int(cur.lastrowid)


def history(db: Database, base_version: str, limit: int = 10) -> list[dict]:
    rows = db.execute("SELECT id, origin, fit, kept, created_at FROM match_weights WHERE base_version = ? "
                      "ORDER BY id DESC LIMIT ?", [base_version, limit]).fetchall()
    return [{"id": r[0], "origin": r[1], "fit": json.loads(r[2]), "kept": bool(r[3]), "created_at": r[4]}
            for r in rows]


def labelled_pairs(db: Database) -> list[tuple[int, str, int]]:
    """(actor id, nip, 1 confirmed / 0 rejected) of every decided pair; escalated ones are not labels."""
    return [(r[0], r[1], 1 if r[2] == "confirmed" else 0) for r in db.execute(
        "SELECT actor_id, nip, status FROM matches WHERE status IN ('confirmed','rejected') ORDER BY id")]
