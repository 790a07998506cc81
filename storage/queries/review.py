"""SQL of the review app: the queue, the match page, activity, the audit page, reports.

Every query here is bounded (LIMIT, or an index range) so that pages stay fast
with hundreds of thousands of matches; ``benchmarks/review_bench.py`` checks it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import Iterator

from sqlite_utils import Database

from storage.records import KINDS, MATCH_STATUSES


@dataclass
class QueueFilter:
    """The queue's filters; empty values mean "any". ``status`` defaults to pending.

    Parsing them from a request is the web layer's job (``pantau.review.filters``);
    here they only become SQL.
    """

    status: str | None = "pending"
    q: str | None = None                # name, NIP (whole or last digits) or handle
    unit: str | None = None
    platform: str | None = None
    account: int | None = None          # watched account id: the actor interacted with it
    candidate: str | None = None        # a candidate, on any of their accounts
    kind: str | None = None             # the actor has an interaction of this kind
    band: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    date_from: date | None = None       # matches raised on or after this day
    date_to: date | None = None         # ... and on or before this day
    interaction_from: date | None = None    # an interaction (platform time) on or after this day
    interaction_to: date | None = None      # ... and on or before this day
    reviewer: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None

    def params(self) -> dict[str, str]:
        """Query parameters that rebuild this filter (status is always present: '' = all)."""
        out = {}
        for fld in fields(self):
            v = getattr(self, fld.name)
            if fld.name == "status":
                out["status"] = v or ""
            elif v is not None and v != "":
                out[fld.name] = v.isoformat() if isinstance(v, date) else (
                    f"{v:g}" if isinstance(v, float) else str(v))
        return out

    def active(self) -> bool:
        d = asdict(self)
        d.pop("status")
        d.pop("q")
        return any(v not in (None, "") for v in d.values())


def _day_after(d: date) -> str:
    return (d + timedelta(days=1)).isoformat()


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_terms(text: str) -> tuple[str, list]:
    """Matches whose employee or account fits ``text``: a NIP (whole or its last digits), a name, a handle."""
    text = text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "")):
        if len(digits) == 18:
            return "m.nip = ?", [digits]
        return "m.nip IN (SELECT nip FROM employees WHERE nip LIKE ?)", ["%" + digits]
    words = text.split()
    pattern = _like(text.lstrip("@"))
    by_name = " AND ".join(["name LIKE ? ESCAPE '\\'"] * len(words))
    return (f"(m.nip IN (SELECT nip FROM employees WHERE {by_name})"
            " OR m.actor_id IN (SELECT id FROM actors WHERE handle LIKE ? ESCAPE '\\'"
            " OR display_name LIKE ? ESCAPE '\\'))"), [*(_like(w) for w in words), pattern, pattern]


def _actor_subqueries(f: QueueFilter) -> list[tuple[str, list]]:
    """The filters on what an actor did (account, candidate, kind, days), each a query of actor ids."""
    out: list[tuple[str, list]] = []
    if f.account is not None:
        # with an (account_id, actor_id) index it reads one index range once
        out.append(("SELECT i.actor_id FROM interactions i WHERE i.account_id = ?", [f.account]))
    if f.candidate:
        out.append(("SELECT i.actor_id FROM interactions i WHERE i.account_id IN "
                    "(SELECT id FROM accounts WHERE candidate = ?)", [f.candidate]))
    if f.kind or f.interaction_from or f.interaction_to:
        sub, sub_params = [], []
        if f.kind:
            sub.append("i.kind = ?")
            sub_params.append(f.kind)
        else:
            # every kind, spelled out: the days are then ranges of the (kind, time) index, one
            # per kind, whatever statistics the database has
            sub.append(f"i.kind IN ({','.join('?' * len(KINDS))})")
            sub_params += list(KINDS)
        if f.interaction_from:
            sub.append("COALESCE(i.created_at, i.observed_at) >= ?")
            sub_params.append(f.interaction_from.isoformat())
        if f.interaction_to:
            sub.append("COALESCE(i.created_at, i.observed_at) < ?")
            sub_params.append(_day_after(f.interaction_to))
        out.append(("SELECT i.actor_id FROM interactions i WHERE " + " AND ".join(sub), sub_params))
    return out


_SCOPE_TABLE = "_queue_actors"


@contextmanager
def scoped(db: Database, f: QueueFilter) -> Iterator[QueueFilter]:
    """``f`` with its interaction filters materialised as a temporary table of actor ids.

    A page asks the same filter several times (the rows, the counts per status, the
    neighbours); the actors that did something (a kind, on a candidate's account, in
    some days) are looked up in the interactions once, into a keyed table, instead of
    once per query. The table is the connection's own (per thread) and emptied after.
    """
    subs = _actor_subqueries(f)
    if not subs:
        yield f
        return
    sql = " INTERSECT ".join(sub for sub, _ in subs)
    params = [p for _, ps in subs for p in ps]
    conn = db.conn
    outer = conn.in_transaction
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_SCOPE_TABLE} (actor_id INTEGER PRIMARY KEY)")
    conn.execute(f"DELETE FROM temp.{_SCOPE_TABLE}")
    conn.execute(f"INSERT OR IGNORE INTO temp.{_SCOPE_TABLE} (actor_id) {sql}", params)
    if not outer:
        conn.commit()          # no transaction left open on a reading connection
    scoped_f = replace(f)
    scoped_f.actor_table = _SCOPE_TABLE
    try:
        yield scoped_f
    finally:
        conn.execute(f"DELETE FROM temp.{_SCOPE_TABLE}")
        if not outer:
            conn.commit()


def _where(f: QueueFilter, *, with_status: bool = True) -> tuple[list[str], list, set[str]]:
    """WHERE terms, their parameters, and the tables they need joined (e, a)."""
    terms: list[str] = []
    params: list = []
    joins: set[str] = set()
    if with_status and f.status:
        terms.append("m.status = ?")
        params.append(f.status)
    if f.q and f.q.strip():
        term, p = _search_terms(f.q)
        terms.append(term)
        params += p
    if f.unit:
        terms.append("e.unit = ?")
        params.append(f.unit)
        joins.add("e")
    if f.platform:
        terms.append("a.platform = ?")
        params.append(f.platform)
        joins.add("a")
    if getattr(f, "actor_table", None):
        # the interaction filters, materialised once for this request (``scoped``)
        terms.append(f"m.actor_id IN (SELECT actor_id FROM temp.{f.actor_table})")
    else:
        for sub, sub_params in _actor_subqueries(f):
            terms.append(f"m.actor_id IN ({sub})")
            params += sub_params
    if f.band:
        terms.append("m.band = ?")
        params.append(f.band)
    if f.score_min is not None:
        terms.append("m.score >= ?")
        params.append(f.score_min)
    if f.score_max is not None:
        terms.append("m.score <= ?")
        params.append(f.score_max)
    if f.date_from:
        terms.append("m.created_at >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        terms.append("m.created_at < ?")
        params.append(_day_after(f.date_to))
    if f.reviewer:
        terms.append("m.reviewer = ?")
        params.append(f.reviewer)
    if f.decided_from:
        terms.append("m.decided_at >= ?")
        params.append(f.decided_from.isoformat())
    if f.decided_to:
        terms.append("m.decided_at < ?")
        params.append(_day_after(f.decided_to))
    return terms, params, joins


def _from(joins: set[str]) -> str:
    sql = " FROM matches m"
    if "e" in joins:
        sql += " JOIN employees e ON e.nip = m.nip"
    if "a" in joins:
        sql += " JOIN actors a ON a.id = m.actor_id"
    return sql


def _sql_where(terms: list[str]) -> str:
    return (" WHERE " + " AND ".join(terms)) if terms else ""


_QUEUE_COLUMNS = """
    m.id, m.score, m.band, m.status, m.created_at, m.reviewer, m.decided_at, m.actor_id,
    e.name AS employee_name, e.unit, e.position, e.active AS employee_active,
    a.platform, a.handle, a.display_name, a.actor_key,
    (SELECT count(*) FROM interactions i WHERE i.actor_id = m.actor_id) AS interactions,
    (SELECT max(i.observed_at) FROM interactions i WHERE i.actor_id = m.actor_id) AS last_observed_at
"""


def queue(db: Database, f: QueueFilter, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """One page of matches, highest score first.

    The page's ids are chosen first from the index alone (status, score), so a
    deep page skips index entries, not joined rows; the columns are then
    computed for the page only.
    """
    terms, params, joins = _where(f)
    page = ("SELECT m.id" + _from(joins) + _sql_where(terms)
            + " ORDER BY m.score DESC, m.id LIMIT ? OFFSET ?")
    sql = ("SELECT " + _QUEUE_COLUMNS + " FROM (" + page + ") AS page"
           " JOIN matches m ON m.id = page.id JOIN employees e ON e.nip = m.nip"
           " JOIN actors a ON a.id = m.actor_id ORDER BY m.score DESC, m.id")
    rows = list(db.query(sql, [*params, limit, offset]))
    from storage.queries.cases import actors_activity
    activity = actors_activity(db, [r["actor_id"] for r in rows])
    for r in rows:
        act = activity.get(r["actor_id"], {})
        r["candidates"] = sorted(act.get("candidates", ()))
        r["kinds"] = sorted(act.get("kinds", ()))
    return rows


def status_counts(db: Database, f: QueueFilter) -> dict[str, int]:
    """Matches per status under the other filters (the tabs above the queue, and the queue's total)."""
    terms, params, joins = _where(f, with_status=False)
    sql = "SELECT m.status, count(*)" + _from(joins) + _sql_where(terms) + " GROUP BY m.status"
    out = {s: 0 for s in MATCH_STATUSES}
    for status, n in db.execute(sql, params):
        out[status] = n
    return out


def neighbours(db: Database, f: QueueFilter, score: float, match_id: int) -> tuple[int | None, int | None]:
    """Ids of the previous and next match in queue order (score desc, id asc) under ``f``.

    Works as a cursor, so it also finds the next pending match after the current one
    has just been decided and left the pending set. Each step is two index range
    queries (same score, then lower/higher scores) rather than one OR the planner
    cannot use an index for.
    """
    terms, params, joins = _where(f)
    base = "SELECT m.id" + _from(joins)

    def first(extra: list[str], order: str, extra_params: list):
        row = db.execute(base + _sql_where([*terms, *extra]) + f" ORDER BY {order} LIMIT 1",
                         [*params, *extra_params]).fetchone()
        return row[0] if row else None

    nxt = first(["m.score = ?", "m.id > ?"], "m.id", [score, match_id])
    if nxt is None:
        nxt = first(["m.score < ?"], "m.score DESC, m.id", [score])
    prv = first(["m.score = ?", "m.id < ?"], "m.id DESC", [score, match_id])
    if prv is None:
        prv = first(["m.score > ?"], "m.score ASC, m.id DESC", [score])
    return prv, nxt


def first_in_queue(db: Database, f: QueueFilter) -> int | None:
    terms, params, joins = _where(f)
    row = db.execute("SELECT m.id" + _from(joins) + _sql_where(terms)
                     + " ORDER BY m.score DESC, m.id LIMIT 1", params).fetchone()
    return row[0] if row else None


def match(db: Database, match_id: int) -> dict | None:
    """A match with its employee and actor, for the match page and the case report."""
    sql = """
    SELECT m.id, m.actor_id, m.nip, m.score, m.band, m.explanation, m.features, m.status,
           m.reviewer, m.decided_at, m.note, m.model_version, m.created_at, m.updated_at,
           e.name AS employee_name, e.unit, e.position, e.active AS employee_active,
           e.handles AS employee_handles, e.source AS employee_source,
           a.platform, a.actor_key, a.handle, a.display_name, a.bio, a.profile_url,
           a.first_seen AS actor_first_seen, a.last_seen AS actor_last_seen
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    WHERE m.id = ?
    """
    return next(iter(db.query(sql, [match_id])), None)


def actor_interactions(db: Database, actor_id: int, *, limit: int = 100, offset: int = 0) -> list[dict]:
    """An actor's interactions, newest first, with the watched account each was on."""
    sql = """
    SELECT i.id, i.platform, i.kind, i.post_id, i.post_url, i.url, i.interaction_id, i.parent_id,
           i.text, i.created_at, i.observed_at, i.source, i.raw,
           acc.id AS account_id, COALESCE(acc.display_handle, acc.handle) AS account_handle,
           acc.candidate, acc.url AS account_url
    FROM interactions i JOIN accounts acc ON acc.id = i.account_id
    WHERE i.actor_id = ?
    ORDER BY i.observed_at DESC, i.id DESC LIMIT ? OFFSET ?
    """
    return list(db.query(sql, [actor_id, limit, offset]))


def actor_interaction_count(db: Database, actor_id: int) -> int:
    return db.execute("SELECT count(*) FROM interactions WHERE actor_id=?", [actor_id]).fetchone()[0]


def evidence_for(db: Database, interaction_ids: list[int]) -> dict[int, list[dict]]:
    """Captured evidence files per interaction (failed captures left out)."""
    out: dict[int, list[dict]] = {}
    if not interaction_ids:
        return out
    for i in range(0, len(interaction_ids), 500):
        part = interaction_ids[i:i + 500]
        q = ",".join("?" * len(part))
        for r in db.query(
                f"SELECT id, interaction_id, kind, source_url, captured_at, bytes, sha256, path FROM evidence "
                f"WHERE interaction_id IN ({q}) AND error IS NULL AND path IS NOT NULL ORDER BY id", part):
            out.setdefault(r["interaction_id"], []).append(r)
    return out


def evidence(db: Database, evidence_id: int) -> dict | None:
    return next(iter(db.query("SELECT * FROM evidence WHERE id=?", [evidence_id])), None)


def other_candidates(db: Database, actor_id: int, nip: str, match_id: int) -> dict[str, list[dict]]:
    """Other employees proposed for this actor, and other actors proposed for this employee."""
    same_actor = list(db.query(
        "SELECT m.id, m.score, m.status, e.name AS employee_name, e.unit FROM matches m "
        "JOIN employees e ON e.nip = m.nip WHERE m.actor_id = ? AND m.id != ? ORDER BY m.score DESC LIMIT 20",
        [actor_id, match_id]))
    same_employee = list(db.query(
        "SELECT m.id, m.score, m.status, a.platform, a.handle, a.display_name FROM matches m "
        "JOIN actors a ON a.id = m.actor_id WHERE m.nip = ? AND m.id != ? ORDER BY m.score DESC LIMIT 20",
        [nip, match_id]))
    return {"same_actor": same_actor, "same_employee": same_employee}


def filter_options(db: Database) -> dict[str, list]:
    """Values offered in the queue's filter drop-downs."""
    units = [r[0] for r in db.execute(
        "SELECT DISTINCT unit FROM employees WHERE unit IS NOT NULL AND unit != '' ORDER BY unit")]
    accounts = list(db.query(
        "SELECT id, platform, COALESCE(display_handle, handle) AS handle, candidate FROM accounts "
        "ORDER BY candidate, platform, handle"))
    return {"units": units, "accounts": accounts}


# --- activity of confirmed people ------------------------------------------------------------

def new_activity(db: Database, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """A page of interactions by confirmed actors observed after their confirmation, newest first.

    The same rule as ``storage.queries.matches.new_activity``, paginated and with
    the columns the page shows. It walks interactions newest first (their
    observed_at index) and keeps those of confirmed actors, so a page costs what
    it shows rather than all activity ever (CROSS JOIN fixes that loop order).
    """
    sql = """
    SELECT i.id, i.kind, i.platform, i.text, i.created_at, i.observed_at, i.post_url, i.url,
           m.id AS match_id, e.name AS employee_name, e.unit, a.handle AS actor_handle,
           a.display_name, COALESCE(acc.display_handle, acc.handle) AS account_handle, acc.candidate
    FROM interactions i CROSS JOIN matches m
    JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    JOIN accounts acc ON acc.id = i.account_id
    WHERE m.actor_id = i.actor_id AND m.status = 'confirmed' AND i.observed_at > m.decided_at
    ORDER BY i.observed_at DESC, i.id DESC LIMIT ? OFFSET ?
    """
    return list(db.query(sql, [limit, offset]))


# --- audit log -------------------------------------------------------------------------------

def audit_page(db: Database, *, action: str | None = None, user: str | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    terms, params = [], []
    if action:
        terms.append("(action = ? OR action LIKE ?)")
        params += [action, action + ".%"]
    if user:
        terms.append("user = ?")
        params.append(user)
    where = _sql_where(terms)
    rows = list(db.query(f"SELECT * FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                         [*params, limit, offset]))
    total = db.execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()[0]
    return rows, total


def audit_actions(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


# --- reports ---------------------------------------------------------------------------------

def confirmed_by_unit(db: Database) -> list[dict]:
    """Confirmed cases per unit ('' for employees without a unit)."""
    return list(db.query(
        "SELECT COALESCE(e.unit, '') AS unit, count(*) AS cases FROM matches m "
        "JOIN employees e ON e.nip = m.nip WHERE m.status = 'confirmed' GROUP BY 1 ORDER BY 1"))


CASE_COLUMNS = ("match_id", "unit", "nip", "employee_name", "position", "platform", "actor_handle",
                "actor_name", "actor_url", "score", "band", "interactions", "first_interaction_at",
                "last_interaction_at", "reviewer", "decided_at", "note", "explanation")


def confirmed_cases(db: Database, unit: str | None = None):
    """Confirmed cases, by unit then score; ``unit=''`` selects employees without a unit."""
    sql = """
    SELECT m.id AS match_id, COALESCE(e.unit, '') AS unit, m.nip, e.name AS employee_name, e.position,
           a.platform, a.handle AS actor_handle, a.display_name AS actor_name, a.profile_url AS actor_url,
           m.score, m.band,
           (SELECT count(*) FROM interactions i WHERE i.actor_id = m.actor_id) AS interactions,
           (SELECT min(COALESCE(i.created_at, i.observed_at)) FROM interactions i WHERE i.actor_id = m.actor_id)
               AS first_interaction_at,
           (SELECT max(COALESCE(i.created_at, i.observed_at)) FROM interactions i WHERE i.actor_id = m.actor_id)
               AS last_interaction_at,
           COALESCE(u.full_name, m.reviewer) AS reviewer, m.decided_at, m.note, m.explanation, m.features
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    LEFT JOIN users u ON u.name = m.reviewer
    WHERE m.status = 'confirmed'
    """
    params = []
    if unit is not None:
        sql += " AND COALESCE(e.unit, '') = ?"
        params.append(unit)
    sql += " ORDER BY 2, m.score DESC, m.id"
    yield from db.query(sql, params)


CASE_INTERACTION_COLUMNS = ("match_id", "nip", "employee_name", "platform", "actor_handle", "kind",
                            "candidate", "target_account", "text", "url", "post_url", "created_at",
                            "observed_at")


def confirmed_case_interactions(db: Database, unit: str | None = None):
    """Every interaction of confirmed accounts (of one unit), case by case, oldest first."""
    sql = """
    SELECT m.id AS match_id, m.nip, e.name AS employee_name, i.platform, a.handle AS actor_handle, i.kind,
           acc.candidate, COALESCE(acc.display_handle, acc.handle) AS target_account, i.text, i.url,
           i.post_url, i.created_at, i.observed_at
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    JOIN interactions i ON i.actor_id = m.actor_id JOIN accounts acc ON acc.id = i.account_id
    WHERE m.status = 'confirmed'
    """
    params = []
    if unit is not None:
        sql += " AND COALESCE(e.unit, '') = ?"
        params.append(unit)
    sql += " ORDER BY COALESCE(e.unit, ''), m.score DESC, m.id, COALESCE(i.created_at, i.observed_at), i.id"
    yield from db.query(sql, params)


# --- used by the review fixtures builder (pantau.review.fixtures) -------------------------------

def actor_id(db: Database, platform: str, actor_key: str) -> int | None:
    row = db.execute("SELECT id FROM actors WHERE platform=? AND actor_key=?", [platform, actor_key]).fetchone()
    return row[0] if row else None


def interaction_ids(db: Database, actor_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM interactions WHERE actor_id=? ORDER BY id", [actor_id])]


def match_id(db: Database, actor_id: int, nip: str) -> int | None:
    row = db.execute("SELECT id FROM matches WHERE actor_id=? AND nip=?", [actor_id, nip]).fetchone()
    return row[0] if row else None
