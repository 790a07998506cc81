"""SQL of cases: a case is one employee with every account proposed for them.

The queue can list cases instead of pairs; the case page and the case report show
one employee with all their accounts, interactions, decisions and notes. Every
query is bounded to one page or one employee, so it stays fast at 100,000
matches and 1,000,000 interactions (``benchmarks/review_bench.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from storage.queries.review import QueueFilter, _from, _sql_where, _where


def cases_page(db: Database, f: QueueFilter, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """One page of cases (employees with matches under ``f``), by their best score."""
    terms, params, joins = _where(f)
    page = ("SELECT m.nip, max(m.score) AS best, count(*) AS pairs" + _from(joins) + _sql_where(terms)
            + " GROUP BY m.nip ORDER BY best DESC, m.nip LIMIT ? OFFSET ?")
    rows = list(db.query(
        "SELECT page.nip, page.best AS score, page.pairs, e.name AS employee_name, e.unit, e.position, "
        "e.active AS employee_active FROM (" + page + ") AS page JOIN employees e ON e.nip = page.nip "
        "ORDER BY page.best DESC, page.nip", [*params, limit, offset]))
    if not rows:
        return rows
    # the accounts of the page's cases (those under the filter), then what each did
    nips = [r["nip"] for r in rows]
    q = ",".join("?" * len(nips))
    acc_terms = [f"m.nip IN ({q})", *terms]
    accounts: dict[str, list[dict]] = {}
    for a in db.query(
            "SELECT m.id, m.nip, m.actor_id, m.score, m.band, m.status, m.reviewer, a.platform, a.handle, "
            "a.display_name, a.actor_key FROM matches m JOIN actors a ON a.id = m.actor_id"
            + (" JOIN employees e ON e.nip = m.nip" if "e" in joins else "")
            + _sql_where(acc_terms) + " ORDER BY m.score DESC, m.id", [*nips, *params]):
        accounts.setdefault(a["nip"], []).append(a)
    activity = actors_activity(db, [a["actor_id"] for accs in accounts.values() for a in accs])
    for r in rows:
        r["accounts"] = accounts.get(r["nip"], [])
        cands, kinds, n, last = set(), set(), 0, None
        for a in r["accounts"]:
            act = activity.get(a["actor_id"], {})
            cands |= act.get("candidates", set())
            kinds |= act.get("kinds", set())
            n += act.get("interactions", 0)
            if act.get("last") and (last is None or act["last"] > last):
                last = act["last"]
        r["candidates"], r["kinds"], r["interactions"], r["last_observed_at"] = \
            sorted(cands), sorted(kinds), n, last
        r["statuses"] = sorted({a["status"] for a in r["accounts"]})
    return rows


def actors_activity(db: Database, actor_ids: list[int]) -> dict[int, dict]:
    """Per actor: the candidates and kinds of their interactions, how many, the last observed."""
    out: dict[int, dict] = {}
    for i in range(0, len(actor_ids), 500):
        part = actor_ids[i:i + 500]
        q = ",".join("?" * len(part))
        for actor_id, candidate, kind, n, last in db.execute(
                "SELECT i.actor_id, acc.candidate, i.kind, count(*), max(i.observed_at) FROM interactions i "
                f"JOIN accounts acc ON acc.id = i.account_id WHERE i.actor_id IN ({q}) "
                "GROUP BY i.actor_id, acc.candidate, i.kind", part):
            d = out.setdefault(actor_id, {"candidates": set(), "kinds": set(), "interactions": 0, "last": None})
            if candidate:
                d["candidates"].add(candidate)
            d["kinds"].add(kind)
            d["interactions"] += n
            if last and (d["last"] is None or last > d["last"]):
                d["last"] = last
    return out


def case_counts(db: Database, f: QueueFilter) -> dict[str, int]:
    """Cases per status under the other filters: an employee counts under each status one of their pairs has."""
    from storage.records import MATCH_STATUSES
    terms, params, joins = _where(f, with_status=False)
    out = {s: 0 for s in MATCH_STATUSES}
    for status, n in db.execute("SELECT m.status, count(DISTINCT m.nip)" + _from(joins) + _sql_where(terms)
                                + " GROUP BY m.status", params):
        out[status] = n
    return out


def case_total(db: Database, f: QueueFilter) -> int:
    """Cases under ``f`` (all statuses together count an employee once)."""
    terms, params, joins = _where(f)
    return db.execute("SELECT count(DISTINCT m.nip)" + _from(joins) + _sql_where(terms), params).fetchone()[0]


def employee(db: Database, nip: str) -> dict | None:
    """The employee of a case, with what the roster says about them."""
    return next(iter(db.query(
        "SELECT nip, name, unit, position, rank, grade, agency, handles, active, source, imported_at "
        "FROM employees WHERE nip = ?", [nip])), None)


def case_matches(db: Database, nip: str, *, status: str | None = None) -> list[dict]:
    """Every account proposed for this employee (or those of one status), best first."""
    sql = """
    SELECT m.id, m.actor_id, m.nip, m.score, m.band, m.explanation, m.features, m.status, m.reviewer,
           m.decided_at, m.note, m.created_at, a.platform, a.actor_key, a.handle, a.display_name, a.bio,
           a.profile_url, a.first_seen AS actor_first_seen,
           (SELECT count(*) FROM interactions i WHERE i.actor_id = m.actor_id) AS interactions,
           COALESCE(u.full_name, m.reviewer) AS reviewer_name
    FROM matches m JOIN actors a ON a.id = m.actor_id LEFT JOIN users u ON u.name = m.reviewer
    WHERE m.nip = ?
    """
    params: list = [nip]
    if status:
        sql += " AND m.status = ?"
        params.append(status)
    return list(db.query(sql + " ORDER BY m.score DESC, m.id LIMIT 200", params))


def case_interactions(db: Database, actor_ids: list[int], *, limit: int = 100, offset: int = 0) -> list[dict]:
    """Interactions of these accounts, newest first (platform time, else when collected)."""
    if not actor_ids:
        return []
    q = ",".join("?" * len(actor_ids))
    sql = f"""
    SELECT i.id, i.actor_id, i.platform, i.kind, i.post_id, i.post_url, i.url, i.interaction_id, i.text,
           i.created_at, i.observed_at, i.source, i.raw, a.handle AS actor_handle, a.display_name,
           acc.id AS account_id, COALESCE(acc.display_handle, acc.handle) AS account_handle,
           acc.candidate, acc.url AS account_url
    FROM interactions i JOIN accounts acc ON acc.id = i.account_id JOIN actors a ON a.id = i.actor_id
    WHERE i.actor_id IN ({q})
    ORDER BY COALESCE(i.created_at, i.observed_at) DESC, i.id DESC LIMIT ? OFFSET ?
    """
    return list(db.query(sql, [*actor_ids, limit, offset]))


def interaction_count(db: Database, actor_ids: list[int]) -> int:
    if not actor_ids:
        return 0
    q = ",".join("?" * len(actor_ids))
    return db.execute(f"SELECT count(*) FROM interactions WHERE actor_id IN ({q})", actor_ids).fetchone()[0]


def decisions(db: Database, match_ids: list[int]) -> list[dict]:
    """Every decision ever taken on these matches (the audit trail), oldest first, with its note."""
    if not match_ids:
        return []
    q = ",".join("?" * len(match_ids))
    return list(db.query(
        "SELECT l.id, l.at, l.user, l.object_id AS match_id, l.detail, COALESCE(u.full_name, l.user) AS user_name "
        f"FROM audit_log l LEFT JOIN users u ON u.name = l.user WHERE l.object_type = 'match' "
        f"AND l.object_id IN ({q}) AND l.action = 'match.decide' ORDER BY l.id",
        [str(i) for i in match_ids]))


def candidates(db: Database) -> list[str]:
    """Candidates with a watched account, for the queue's filter."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT candidate FROM accounts WHERE candidate IS NOT NULL AND candidate != '' "
        "ORDER BY candidate")]


def reviewers(db: Database) -> list[str]:
    """Names that decided a match, for the queue's filter (from users: a small table)."""
    return [r[0] for r in db.execute("SELECT name FROM users ORDER BY name")]
