"""Forms need the session's CSRF token; viewers may read but not decide or export; admins alone see the audit log."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from tests.pantau.review.conftest import csrf_of


def post_routes(app) -> list[str]:
    """Every POST route, also inside included routers (FastAPI wraps them since 0.16x)."""
    out = []

    def walk(routes):
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            elif isinstance(r, APIRoute) and "POST" in r.methods:
                out.append(r.path)
    walk(app.routes)
    return out


def test_every_post_route_refuses_a_missing_or_wrong_token(env):
    c = env.client("admin")
    m = env.data.match_ids[0]
    routes = post_routes(env.app)
    assert set(routes) >= {"/login", "/logout", "/language", "/matches/{match_id}/decision"}
    for path in routes:
        url = path.replace("{match_id}", str(m))
        data = {"decision": "confirmed", "lang": "en", "name": "ani", "password": "x"}
        r = c.post(url, data=data, follow_redirects=False)
        assert r.status_code == 403, url
        r = c.post(url, data={**data, "csrf_token": "forged"}, follow_redirects=False)
        assert r.status_code == 403, url
    assert env.status(m) == "pending"
    assert c.get("/", follow_redirects=False).status_code == 200     # still signed in, nothing changed
    assert not env.audit("match.decide")


def test_cross_origin_post_is_refused_even_with_the_token(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    token = csrf_of(c.get(f"/matches/{m}").text)
    r = c.post(f"/matches/{m}/decision", data={"decision": "confirmed", "csrf_token": token},
               headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403
    assert env.status(m) == "pending"
    r = c.post(f"/matches/{m}/decision", data={"decision": "confirmed", "csrf_token": token},
               headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303 and env.status(m) == "confirmed"


def test_token_of_another_session_is_refused(env):
    a = env.client("reviewer")
    b = env.client("admin")
    m = env.data.match_ids[0]
    token_a = csrf_of(a.get("/").text)
    r = b.post(f"/matches/{m}/decision", data={"decision": "rejected", "csrf_token": token_a},
               follow_redirects=False)
    assert r.status_code == 403 and env.status(m) == "pending"


def test_viewer_cannot_decide_or_export_but_can_read(env):
    c = env.client("viewer")
    m = env.data.match_ids[0]
    page = c.get(f"/matches/{m}")
    assert page.status_code == 200
    assert 'id="decision-form"' not in page.text and 'id="viewer-note"' in page.text
    token = csrf_of(page.text)
    r = c.post(f"/matches/{m}/decision", data={"decision": "confirmed", "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 403
    assert env.status(m) == "pending" and not env.audit("match.decide")
    assert c.get("/reports/confirmed.csv").status_code == 403
    assert c.get("/reports/confirmed.xlsx").status_code == 403
    assert c.get("/audit").status_code == 403
    assert c.get("/reports").status_code == 200


@pytest.mark.parametrize("role,status", [("viewer", 403), ("reviewer", 403), ("admin", 200)])
def test_audit_page_is_for_admins(env, role, status):
    assert env.client(role).get("/audit").status_code == status


def test_decision_is_recorded_audited_and_moves_to_next_pending(env):
    c = env.client("reviewer")
    first, second = env.data.match_ids[0], env.data.match_ids[1]
    token = csrf_of(c.get(f"/matches/{first}").text)
    r = c.post(f"/matches/{first}/decision",
               data={"decision": "confirmed", "note": "foto profil sama", "csrf_token": token,
                     "expected_status": "pending", "filter_query": "status=pending"},
               follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/matches/{second}?")
    row = env.db.execute("SELECT status, reviewer, note FROM matches WHERE id=?", [first]).fetchone()
    assert tuple(row) == ("confirmed", "rudi", "foto profil sama")
    audit = env.audit("match.decide")[-1]
    assert audit["user"] == "rudi" and audit["object_id"] == str(first)
    assert '"to":"confirmed"' in audit["detail"]
    page = c.get(r.headers["location"])
    assert "Tersimpan: Orang yang sama." in page.text


def test_decisions_are_sticky(env):
    from storage.queries import matches as matches_q
    from storage.records import Feature, MatchCandidate
    c = env.client("reviewer")
    m = env.data.match_ids[2]
    token = csrf_of(c.get(f"/matches/{m}").text)
    c.post(f"/matches/{m}/decision", data={"decision": "rejected", "csrf_token": token})
    actor_id, nip = env.db.execute("SELECT actor_id, nip FROM matches WHERE id=?", [m]).fetchone()
    matches_q.upsert_candidates(env.db, [MatchCandidate(actor_id, nip, 99.0, "strong", [Feature("x", "y", 1)])])
    assert env.status(m) == "rejected"
    assert c.get("/?status=pending").text.count(f'href="/matches/{m}?') == 0


def test_stale_decision_does_not_overwrite_another_reviewers(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    token = csrf_of(c.get(f"/matches/{m}").text)
    c.post(f"/matches/{m}/decision", data={"decision": "confirmed", "csrf_token": token,
                                           "expected_status": "pending"})
    r = c.post(f"/matches/{m}/decision", data={"decision": "rejected", "csrf_token": token,
                                               "expected_status": "pending"})
    assert env.status(m) == "confirmed"
    assert "tidak ada yang disimpan" in r.text
    assert len(env.audit("match.decide")) == 1


def test_unknown_decision_is_refused(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    token = csrf_of(c.get(f"/matches/{m}").text)
    c.post(f"/matches/{m}/decision", data={"decision": "approved", "csrf_token": token})
    assert env.status(m) == "pending"
