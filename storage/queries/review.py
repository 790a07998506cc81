"""SQL of the review app: the queue, the match page, activity, the audit page, reports.

Every query here is bounded (LIMIT, or an index range) so that pages stay fast
with hundreds of thousands of matches; ``benchmarks/review_bench.py`` checks it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from sqlite_utils import Database

from storage.records import BANDS, MATCH_STATUSES, PLATFORMS


@dataclass
class QueueFilter:
    """The queue's filters; empty values mean "any". ``status`` defaults to pending."""

    status: str | None = "pending"
    unit: str | None = None
    platform: str | None = None
    account: int | None = None          # watched account id: the actor interacted with it
    band: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    date_from: date | None = None       # matches raised on or after this day
    date_to: date | None = None         # ... and on or before this day

    @classmethod
    def from_params(cls, params) -> "QueueFilter":
        """Build from query parameters, dropping values that do not parse (never an error page)."""
        f = cls()
        status = params.get("status")
        if status is not None:
            f.status = status if status in MATCH_STATUSES else None
        f.unit = params.get("unit") or None
        p = params.get("platform")
        f.platform = p if p in PLATFORMS else None
        b = params.get("band")
        f.band = b if b in BANDS else None
        f.account = _int(params.get("account"))
        f.score_min = _float(params.get("score_min"))
        f.score_max = _float(params.get("score_max"))
        f.date_from = _date(params.get("date_from"))
        f.date_to = _date(params.get("date_to"))
        return f

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
        return any(v not in (None, "") for v in d.values())


def _int(v) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except ValueError:
        return None


def _float(v) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def _date(v) -> date | None:
    try:
        return date.fromisoformat(v) if v else None
    except ValueError:
        return None


def _where(f: QueueFilter, *, with_status: bool = True) -> tuple[list[str], list, set[str]]:
    """WHERE terms, their parameters, and the tables they need joined (e, a)."""
    terms: list[str] = []
    params: list = []
    joins: set[str] = set()
    if with_status and f.status:
        terms.append("m.status = ?")
        params.append(f.status)
    if f.unit:
        terms.append("e.unit = ?")
        params.append(f.unit)
        joins.add("e")
    if f.platform:
        terms.append("a.platform = ?")
        params.append(f.platform)
        joins.add("a")
    if f.account is not None:
        # a list subquery: with an (account_id, actor_id) index it reads one index range once
        terms.append("m.actor_id IN (SELECT i.actor_id FROM interactions i WHERE i.account_id = ?)")
        params.append(f.account)
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
        params.append((f.date_to + timedelta(days=1)).isoformat())
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
    a.platform, a.handle, a.display_name,
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
    return list(db.query(sql, [*params, limit, offset]))


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
                f"SELECT id, interaction_id, kind, source_url, captured_at, bytes, sha256 FROM evidence "
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
           m.reviewer, m.decided_at, m.note, m.explanation
    FROM matches m JOIN employees e ON e.nip = m.nip JOIN actors a ON a.id = m.actor_id
    WHERE m.status = 'confirmed'
    """
    params = []
    if unit is not None:
        sql += " AND COALESCE(e.unit, '') = ?"
        params.append(unit)
    sql += " ORDER BY 2, m.score DESC, m.id"
    yield from db.query(sql, params)


# --- used by the demo and test data builder (pantau.review.demo) -------------------------------

def actor_id(db: Database, platform: str, actor_key: str) -> int | None:
    row = db.execute("SELECT id FROM actors WHERE platform=? AND actor_key=?", [platform, actor_key]).fetchone()
    return row[0] if row else None


def interaction_ids(db: Database, actor_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM interactions WHERE actor_id=? ORDER BY id", [actor_id])]


def add_evidence(db: Database, *, interaction_id: int, kind: str, path: str, sha256: str, nbytes: int,
                 source_url: str | None, captured_at: str) -> int:
    """Record one evidence file (the nightly evidence job has its own writer; this one serves demos and tests)."""
    from storage.queries import transaction
    with transaction(db):
        cur = db.execute(
            "INSERT INTO evidence (sha256, path, kind, interaction_id, source_url, captured_at, bytes) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (interaction_id, kind, sha256) DO NOTHING",
            [sha256, path, kind, interaction_id, source_url, captured_at, nbytes])
        if cur.rowcount:
            return cur.lastrowid
        return db.execute("SELECT id FROM evidence WHERE interaction_id=? AND kind=? AND sha256=?",
                          [interaction_id, kind, sha256]).fetchone()[0]


def match_id(db: Database, actor_id: int, nip: str) -> int | None:
    row = db.execute("SELECT id FROM matches WHERE actor_id=? AND nip=?", [actor_id, nip]).fetchone()
    return row[0] if row else None
