"""Citizen reports (tips): storing them, the reporter's status, the triage queue and reviewers' links.

Every write that a person causes also writes its audit row, in the same
transaction. Audit rows name the report by id and never copy what the reporter
wrote (their text, contact or links stay in the tips table only).
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from storage.queries import audit, dumps, transaction, utcnow

STATUSES = ("new", "checking", "closed")
VERDICTS = ("valid", "invalid", "duplicate")
REF_KINDS = ("interaction", "match")
PUBLIC_USER = "public"


def add(db: Database, *, code: str, links: list[str], what: str, person_name: str | None = None,
        person_nip: str | None = None, person_unit: str | None = None, contact: str | None = None,
        language: str | None = None, images: list[dict] = ()) -> int:
    """Store one report and its images (dicts: sha256, path, format, width, height, bytes)."""
    now = utcnow()
    with transaction(db):
        cur = db.execute(
            "INSERT INTO tips (code, received_at, language, links, person_name, person_nip, person_unit, "
            "what, contact, status, updated_at) VALUES (?,?,?,?,?,?,?,?,?, 'new', ?)",
            [code, now, language, dumps(list(links)), person_name, person_nip, person_unit, what, contact, now])
        tip_id = cur.lastrowid
        for pos, im in enumerate(images, 1):
            db.execute("INSERT INTO tip_images (tip_id, position, sha256, path, format, width, height, bytes) "
                       "VALUES (?,?,?,?,?,?,?,?)",
                       [tip_id, pos, im["sha256"], im["path"], im["format"], im["width"], im["height"],
                        im["bytes"]])
        audit.write(db, "tip.receive", user=PUBLIC_USER, object_type="tip", object_id=tip_id,
                    detail={"links": len(links), "images": len(images)})
    return tip_id


def code_exists(db: Database, code: str) -> bool:
    return db.execute("SELECT 1 FROM tips WHERE code=?", [code]).fetchone() is not None


def status_by_code(db: Database, code: str) -> str | None:
    """The one thing a reporter may learn about their report: new, checking or closed."""
    row = db.execute("SELECT status FROM tips WHERE code=?", [code]).fetchone()
    return row[0] if row else None


def _decode(row: dict | None) -> dict | None:
    if row is not None:
        try:
            row["links_list"] = json.loads(row.get("links") or "[]")
        except ValueError:
            row["links_list"] = []
    return row


def counts(db: Database) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for status, n in db.execute("SELECT status, count(*) FROM tips GROUP BY status"):
        out[status] = n
    return out


def queue(db: Database, *, status: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
    """Reports, oldest unanswered first within a status; all statuses newest first."""
    sql = ("SELECT t.id, t.code, t.received_at, t.status, t.verdict, t.links, t.person_name, t.person_unit, "
           "substr(t.what, 1, 300) AS what, t.nip, t.reviewer, t.updated_at, e.name AS employee_name, "
           "(SELECT count(*) FROM tip_images i WHERE i.tip_id = t.id) AS images "
           "FROM tips t LEFT JOIN employees e ON e.nip = t.nip")
    params: list = []
    if status:
        sql += " WHERE t.status = ? ORDER BY t.received_at, t.id"
        params.append(status)
    else:
        sql += " ORDER BY t.received_at DESC, t.id DESC"
    rows = list(db.query(sql + " LIMIT ? OFFSET ?", [*params, limit, offset]))
    return [_decode(r) for r in rows]


def get(db: Database, tip_id: int) -> dict | None:
    row = next(iter(db.query(
        "SELECT t.*, e.name AS employee_name, e.unit AS employee_unit, e.position AS employee_position "
        "FROM tips t LEFT JOIN employees e ON e.nip = t.nip WHERE t.id = ?", [tip_id])), None)
    return _decode(row)


def images(db: Database, tip_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM tip_images WHERE tip_id=? ORDER BY position", [tip_id]))


def image(db: Database, image_id: int) -> dict | None:
    return next(iter(db.query("SELECT * FROM tip_images WHERE id=?", [image_id])), None)


def viewed(db: Database, tip_id: int, *, user: str) -> None:
    """Who opened a report (it may hold a whistleblower's contact) is in the audit log."""
    with transaction(db):
        audit.write(db, "tip.view", user=user, object_type="tip", object_id=tip_id)


def set_verdict(db: Database, tip_id: int, verdict: str, *, reviewer: str, duplicate_of: int | None = None,
                note: str | None = None) -> None:
    """valid keeps the report open (being checked); invalid and duplicate close it."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    status = "checking" if verdict == "valid" else "closed"
    with transaction(db):
        db.execute("UPDATE tips SET verdict=?, status=?, duplicate_of=?, reviewer=?, note=COALESCE(?, note), "
                   "updated_at=? WHERE id=?",
                   [verdict, status, duplicate_of if verdict == "duplicate" else None, reviewer, note,
                    utcnow(), tip_id])
        audit.write(db, "tip.verdict", user=reviewer, object_type="tip", object_id=tip_id,
                    detail={"verdict": verdict, "status": status, "duplicate_of": duplicate_of,
                            "note": bool(note)})


def erase(db: Database, tip_id: int, *, user: str) -> list[str]:
    """Remove everything the reporter gave (text, names, links, contact, images) and close the report.

    The row stays, so the receipt code still answers "closed" and links to cases and
    interactions keep their meaning. Returns the image paths no other report uses, for the
    caller to delete after the commit.
    """
    with transaction(db):
        paths = [r[0] for r in db.execute("SELECT path FROM tip_images WHERE tip_id=?", [tip_id])]
        db.execute("DELETE FROM tip_images WHERE tip_id=?", [tip_id])
        orphans = [p for p in dict.fromkeys(paths)
                   if db.execute("SELECT 1 FROM tip_images WHERE path=? LIMIT 1", [p]).fetchone() is None]
        now = utcnow()
        db.execute("UPDATE tips SET what='', links='[]', person_name=NULL, person_nip=NULL, person_unit=NULL, "
                   "contact=NULL, status='closed', erased_at=?, erased_by=?, updated_at=? WHERE id=?",
                   [now, user, now, tip_id])
        audit.write(db, "tip.erase", user=user, object_type="tip", object_id=tip_id,
                    detail={"images": len(paths)})
    return orphans


#: who erases a report the retention period no longer allows to keep (audit rows name it)
RETENTION_USER = "retention"


def expired(db: Database, cutoff: str) -> list[int]:
    """Reports the retention period no longer allows to keep: closed as invalid or duplicate,
    tied to no employee, interaction or match, not touched since ``cutoff``, not yet erased.

    Reports still new or being checked wait for a reviewer however old they are, and a
    valid one is part of a case: both are kept.
    """
    return [r[0] for r in db.execute(
        "SELECT id FROM tips t WHERE status='closed' AND verdict IN ('invalid','duplicate') AND nip IS NULL "
        "AND erased_at IS NULL AND updated_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM tip_refs r WHERE r.tip_id = t.id) ORDER BY id", [cutoff])]


def set_status(db: Database, tip_id: int, status: str, *, reviewer: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with transaction(db):
        db.execute("UPDATE tips SET status=?, reviewer=?, updated_at=? WHERE id=?",
                   [status, reviewer, utcnow(), tip_id])
        audit.write(db, "tip.status", user=reviewer, object_type="tip", object_id=tip_id,
                    detail={"status": status})


def link_employee(db: Database, tip_id: int, nip: str | None, *, reviewer: str) -> None:
    """Tie the report to one employee (None unties it); it then shows in that employee's case."""
    with transaction(db):
        db.execute("UPDATE tips SET nip=?, reviewer=?, updated_at=? WHERE id=?", [nip, reviewer, utcnow(), tip_id])
        audit.write(db, "tip.link_employee", user=reviewer, object_type="tip", object_id=tip_id,
                    detail={"nip_last4": nip[-4:] if nip else None, "linked": bool(nip)})


def add_ref(db: Database, tip_id: int, kind: str, ref_id: int, *, reviewer: str) -> bool:
    """Link the report to an interaction or a match; False when it was linked already."""
    if kind not in REF_KINDS:
        raise ValueError(f"unknown link kind {kind!r}")
    with transaction(db):
        cur = db.execute("INSERT INTO tip_refs (tip_id, kind, ref_id, linked_by, linked_at) VALUES (?,?,?,?,?) "
                         "ON CONFLICT DO NOTHING", [tip_id, kind, ref_id, reviewer, utcnow()])
        if cur.rowcount:
            audit.write(db, "tip.link", user=reviewer, object_type="tip", object_id=tip_id,
                        detail={"kind": kind, "id": ref_id})
    return bool(cur.rowcount)


def remove_ref(db: Database, tip_id: int, kind: str, ref_id: int, *, reviewer: str) -> bool:
    with transaction(db):
        cur = db.execute("DELETE FROM tip_refs WHERE tip_id=? AND kind=? AND ref_id=?", [tip_id, kind, ref_id])
        if cur.rowcount:
            audit.write(db, "tip.unlink", user=reviewer, object_type="tip", object_id=tip_id,
                        detail={"kind": kind, "id": ref_id})
    return bool(cur.rowcount)


def exists(db: Database, kind: str, ref_id: int) -> bool:
    table = {"interaction": "interactions", "match": "matches", "tip": "tips"}[kind]
    return db.execute(f"SELECT 1 FROM {table} WHERE id=?", [ref_id]).fetchone() is not None


def linked_interactions(db: Database, tip_id: int) -> list[dict]:
    return list(db.query(
        "SELECT i.id, i.platform, i.kind, i.text, i.url, i.post_url, i.created_at, i.observed_at, i.source, "
        "a.handle AS actor_handle, a.display_name AS actor_name, "
        "COALESCE(acc.display_handle, acc.handle) AS account_handle, acc.candidate "
        "FROM tip_refs r JOIN interactions i ON i.id = r.ref_id JOIN actors a ON a.id = i.actor_id "
        "JOIN accounts acc ON acc.id = i.account_id WHERE r.tip_id = ? AND r.kind = 'interaction' "
        "ORDER BY i.id", [tip_id]))


def linked_matches(db: Database, tip_id: int) -> list[dict]:
    return list(db.query(
        "SELECT m.id, m.score, m.status, m.nip, e.name AS employee_name, e.unit, a.platform, a.handle, "
        "a.display_name FROM tip_refs r JOIN matches m ON m.id = r.ref_id JOIN employees e ON e.nip = m.nip "
        "JOIN actors a ON a.id = m.actor_id WHERE r.tip_id = ? AND r.kind = 'match' ORDER BY m.score DESC",
        [tip_id]))


def tips_for_employee(db: Database, nip: str) -> list[dict]:
    """Reports a reviewer tied to this employee, directly or through one of the employee's matches.

    For the case page and the case report: a report is a *source* of the case. The
    reporter's contact is not selected (it goes out only in the admin's export).
    """
    rows = list(db.query(
        "SELECT t.id, t.code, t.received_at, t.status, t.verdict, t.links, t.what, t.reviewer, t.updated_at, "
        "(SELECT count(*) FROM tip_images i WHERE i.tip_id = t.id) AS images "
        "FROM tips t WHERE t.nip = ? OR t.id IN (SELECT r.tip_id FROM tip_refs r JOIN matches m "
        "ON r.kind = 'match' AND m.id = r.ref_id WHERE m.nip = ?) "
        "ORDER BY t.received_at, t.id", [nip, nip]))
    return [_decode(r) for r in rows]


def for_export(db: Database):
    """Every report with every field, contact included (the admin's own export only)."""
    sql = ("SELECT t.id, t.code, t.received_at, t.status, t.verdict, t.duplicate_of, t.links, t.person_name, "
           "t.person_nip, t.person_unit, t.what, t.contact, t.nip, e.name AS employee_name, t.reviewer, t.note, "
           "t.updated_at, (SELECT count(*) FROM tip_images i WHERE i.tip_id = t.id) AS images "
           "FROM tips t LEFT JOIN employees e ON e.nip = t.nip ORDER BY t.id")
    for r in db.query(sql):
        _decode(r)
        r["links"] = "\n".join(r.pop("links_list"))
        yield r


def record_export(db: Database, *, user: str, fmt: str, rows: int) -> None:
    with transaction(db):
        audit.write(db, "tip.export", user=user, object_type="tip", object_id="all",
                    detail={"format": fmt, "rows": rows})


def record_watchlist_add(db: Database, tip_id: int, *, user: str, platform: str, handle: str,
                         candidate: str, file: str) -> None:
    with transaction(db):
        audit.write(db, "tip.watchlist_add", user=user, object_type="tip", object_id=tip_id,
                    detail={"platform": platform, "handle": handle, "candidate": candidate, "file": file})


def record_manual_interaction(db: Database, tip_id: int, interaction_id: int, evidence_ids: list[int], *,
                              user: str) -> None:
    """The interaction a reviewer entered from the report is linked to it, with its audit row."""
    with transaction(db):
        db.execute("INSERT INTO tip_refs (tip_id, kind, ref_id, linked_by, linked_at) "
                   "VALUES (?, 'interaction', ?, ?, ?) ON CONFLICT DO NOTHING",
                   [tip_id, interaction_id, user, utcnow()])
        audit.write(db, "tip.record_interaction", user=user, object_type="tip", object_id=tip_id,
                    detail={"interaction": interaction_id, "evidence": evidence_ids})


# --- what Pantau already knows about a report's links --------------------------------------------

def watched_account(db: Database, platform: str, handle: str) -> dict | None:
    return next(iter(db.query(
        "SELECT id, platform, handle, display_handle, candidate, enabled, origin FROM accounts "
        "WHERE platform=? AND handle=?", [platform, handle.lstrip("@").lower()])), None)


def watched_accounts(db: Database) -> list[dict]:
    return list(db.query("SELECT id, platform, COALESCE(display_handle, handle) AS handle, candidate "
                         "FROM accounts ORDER BY platform, candidate, handle"))


def account(db: Database, account_id: int) -> dict | None:
    return next(iter(db.query("SELECT * FROM accounts WHERE id=?", [account_id])), None)


def actor_by_handle(db: Database, platform: str, handle: str) -> dict | None:
    h = handle.lstrip("@")
    return next(iter(db.query(
        "SELECT id, platform, actor_key, handle, display_name, profile_url, "
        "(SELECT count(*) FROM interactions i WHERE i.actor_id = a.id) AS interactions "
        "FROM actors a WHERE platform=? AND (actor_key=? OR lower(ltrim(handle, '@'))=?) LIMIT 1",
        [platform, h.lower() if platform != "youtube" else h, h.lower()])), None)


def post_by_url(db: Database, urls: list[str]) -> dict | None:
    """A stored post at one of ``urls`` (the forms of one address)."""
    q = ",".join("?" * len(urls))
    return next(iter(db.query(
        "SELECT p.id, p.platform, p.post_id, p.url, p.text, COALESCE(acc.display_handle, acc.handle) AS account_handle, "
        "acc.candidate, (SELECT count(*) FROM interactions i WHERE i.platform = p.platform AND i.post_id = p.post_id) "
        f"AS interactions FROM posts p LEFT JOIN accounts acc ON acc.id = p.account_id WHERE p.url IN ({q}) LIMIT 1",
        urls)), None)


def interactions_by_url(db: Database, urls: list[str], *, limit: int = 20) -> list[dict]:
    """Interactions whose own link or whose post's link is one of ``urls``."""
    q = ",".join("?" * len(urls))
    return list(db.query(
        "SELECT i.id, i.platform, i.kind, i.text, i.url, i.post_url, i.created_at, i.observed_at, "
        "a.id AS actor_id, a.handle AS actor_handle, a.display_name AS actor_name, "
        "COALESCE(acc.display_handle, acc.handle) AS account_handle, acc.candidate "
        "FROM interactions i JOIN actors a ON a.id = i.actor_id JOIN accounts acc ON acc.id = i.account_id "
        f"WHERE i.url IN ({q}) OR i.post_url IN ({q}) ORDER BY i.observed_at DESC LIMIT ?", [*urls, *urls, limit]))


def actor_interactions(db: Database, actor_id: int, *, limit: int = 20) -> list[dict]:
    return list(db.query(
        "SELECT i.id, i.platform, i.kind, i.text, i.url, i.post_url, i.created_at, i.observed_at, "
        "a.handle AS actor_handle, a.display_name AS actor_name, "
        "COALESCE(acc.display_handle, acc.handle) AS account_handle, acc.candidate "
        "FROM interactions i JOIN actors a ON a.id = i.actor_id JOIN accounts acc ON acc.id = i.account_id "
        "WHERE i.actor_id = ? ORDER BY i.observed_at DESC LIMIT ?", [actor_id, limit]))


def matches_of_actor(db: Database, actor_id: int) -> list[dict]:
    return list(db.query(
        "SELECT m.id, m.score, m.status, m.nip, e.name AS employee_name, e.unit FROM matches m "
        "JOIN employees e ON e.nip = m.nip WHERE m.actor_id = ? ORDER BY m.score DESC LIMIT 10", [actor_id]))


def matches_of_employee(db: Database, nip: str) -> list[dict]:
    return list(db.query(
        "SELECT m.id, m.score, m.status, a.platform, a.handle, a.display_name FROM matches m "
        "JOIN actors a ON a.id = m.actor_id WHERE m.nip = ? ORDER BY m.score DESC LIMIT 10", [nip]))


def employee(db: Database, nip: str) -> dict | None:
    return next(iter(db.query("SELECT nip, name, unit, position, active FROM employees WHERE nip=?", [nip])), None)


def employees(db: Database, nips: list[str]) -> dict[str, dict]:
    if not nips:
        return {}
    q = ",".join("?" * len(nips))
    return {r["nip"]: r for r in db.query(
        f"SELECT nip, name, unit, position, active FROM employees WHERE nip IN ({q})", nips)}


def other_tips_with_links(db: Database, tip_id: int, links: list[str], *, limit: int = 10) -> list[dict]:
    """Earlier or later reports naming one of the same links (likely duplicates)."""
    if not links:
        return []
    q = ",".join("?" * len(links))
    return list(db.query(
        f"SELECT DISTINCT t.id, t.code, t.received_at, t.status, t.verdict FROM tips t, json_each(t.links) j "
        f"WHERE t.id != ? AND j.value IN ({q}) ORDER BY t.id LIMIT ?", [tip_id, *links, limit]))

