"""Issue #17's review-app defects, each reproduced: parallel guesses, restarts, races, odd URLs, HEAD."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from pantau.review.app import SECURITY_HEADERS, create_app
from pantau.review.session import COOKIE
from storage.queries import matches as matches_q
from storage.queries import users as users_q
from tests.pantau.review.conftest import PASSWORD, csrf_of, sign_in


def _post_login(env, client, name, password):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       follow_redirects=False).status_code


def test_parallel_wrong_passwords_cannot_skip_the_back_off(env):
    """#17.8: 30 parallel wrong passwords: only the free ones are checked; then the right one waits too."""
    env.app.state.review.throttle.clock = lambda: 2_000_000_000.0     # the whole burst within one second
    clients = [env.client() for _ in range(30)]
    for c in clients:
        c.get("/login")
    with ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(lambda c: _post_login(env, c, "rudi", "wrong-password-x"), clients))
    assert codes.count(401) == 3, codes          # FREE_FAILURES checked, the rest refused unchecked
    assert codes.count(429) == 27
    assert users_q.by_name(env.db, "rudi")["failed_logins"] == 3
    assert _post_login(env, env.client(), "rudi", PASSWORD) == 429


def test_unknown_names_are_throttled_like_real_ones(env):
    """#17.11: the back-off must not tell which names exist."""
    env.app.state.review.throttle.clock = lambda: 2_000_000_000.0
    answers = {}
    for name in ("rudi", "nobody-here"):
        env.db.execute("DELETE FROM signin_throttle")
        env.db.conn.commit()
        c = env.client()
        answers[name] = [_post_login(env, c, name, "wrong-password-x") for _ in range(5)]
    assert answers["rudi"] == answers["nobody-here"] == [401, 401, 401, 429, 429]


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(env, workspace):
    """#17.11: rotating X-Forwarded-For from an untrusted peer does not reset the per-address back-off."""
    env.app.state.review.throttle.clock = lambda: 2_000_000_000.0
    c = TestClient(env.app, client=("127.0.0.1", 40000))
    for i in range(10):
        c.headers["X-Forwarded-For"] = f"10.0.0.{i}"
        assert _post_login(env, c, f"guess{i}", "wrong-password-x") == 401
    c.headers["X-Forwarded-For"] = "10.0.0.99"
    assert _post_login(env, c, "ani", PASSWORD) == 429      # same peer: same address, still waiting

    # behind a configured proxy the forwarded address is the client
    (workspace / "pantau.toml").write_text((workspace / "pantau.toml").read_text()
                                           + '\n[review]\ntrusted_proxies = ["127.0.0.1"]\n')
    from pantau.workspace import open_settings
    env.db.execute("DELETE FROM signin_throttle")
    env.db.conn.commit()
    app = create_app(open_settings(workspace))
    app.state.review.throttle.clock = lambda: 2_000_000_000.0
    p = TestClient(app, client=("127.0.0.1", 40001))
    for i in range(10):
        p.headers["X-Forwarded-For"] = "203.0.113.7"
        assert _post_login(env, p, f"guess{i}", "wrong-password-x") == 401
    assert _post_login(env, p, "ani", PASSWORD) == 429       # 203.0.113.7 is waiting
    p.headers["X-Forwarded-For"] = "203.0.113.8"
    assert _post_login(env, p, "ani", PASSWORD) == 303       # another client behind the proxy is not
    keys = {r[0] for r in env.db.execute("SELECT key FROM signin_throttle")}
    assert "ip:203.0.113.7" in keys and "ip:127.0.0.1" not in keys


def test_signed_out_session_stays_out_after_a_restart(env):
    """#17.9: the revocation survives a new app (``pantau review`` restarted)."""
    c = env.client("reviewer")
    copy = c.cookies.get(COOKIE)
    token = csrf_of(c.get("/").text)
    assert c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    restarted = create_app(env.settings)
    other = TestClient(restarted)
    other.cookies.set(COOKIE, copy)
    assert other.get("/", follow_redirects=False).status_code == 303


def test_two_reviewers_saving_at_once_exactly_one_wins(env):
    """#17.10: the "someone else decided" check is inside the write transaction."""
    mids = env.data.match_ids[:6]
    a, b = env.client("reviewer"), env.client("admin")
    for mid in mids:
        assert env.status(mid) == "pending"
        forms = [(c, csrf_of(c.get(f"/matches/{mid}").text)) for c in (a, b)]
        barrier = threading.Barrier(2)

        def post(pair, decision):
            c, token = pair
            barrier.wait()
            return c.post(f"/matches/{mid}/decision", data={"decision": decision, "csrf_token": token,
                                                             "expected_status": "pending"},
                          follow_redirects=False)

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(post, forms, ["confirmed", "rejected"]))
        decided = [r for r in env.audit("match.decide") if r["object_id"] == str(mid)]
        assert len(decided) == 1, decided
    # the library call itself refuses a stale expectation
    with pytest.raises(matches_q.DecisionConflict):
        matches_q.record_decision(env.db, mids[0], "escalated", reviewer="x", expected="pending")


BAD_URLS = ["/matches/9223372036854775808", "/matches/99999999999999999999999", "/?page=9223372036854775807",
            "/?page=99999999999999999999", "/?date_to=9999-12-31", "/?date_from=9999-12-31",
            "/?account=9223372036854775808", "/?account=-9223372036854775809",
            "/matches/{m}?ipage=9223372036854775807", "/matches/{m}?ipage=99999999999999999999",
            "/evidence/9223372036854775808", "/matches/9223372036854775808/report",
            "/?score_min=1e400"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_out_of_range_numbers_are_400_or_404_never_500(env, url):
    """#17.12"""
    c = env.client("reviewer")
    r = c.get(url.format(m=env.data.match_ids[0]), follow_redirects=False)
    assert r.status_code in (200, 400, 404), (url, r.status_code)
    for k in SECURITY_HEADERS:
        assert k in r.headers


def test_a_500_page_carries_the_security_headers(env):
    """#17.12: errors are answered by Starlette outside the middleware stack."""
    app = create_app(env.settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    for k, v in SECURITY_HEADERS.items():
        assert r.headers.get(k) == v
    assert r.headers["cache-control"] == "no-store"


def test_user_names_are_unique_regardless_of_case(env):
    """#17.16"""
    with pytest.raises(users_q.UserExists):
        users_q.add(env.db, "Ani", "x", "viewer")
    with pytest.raises(Exception):       # the database refuses it too (unique index)
        env.db.execute("INSERT INTO users (name, password_hash, role, created_at) VALUES ('RUDI','x','viewer','t')")
    env.db.conn.rollback()
    c = env.client()
    assert sign_in(c, "RUDI").status_code == 303          # one account, whatever the case typed


def test_head_answers_like_get(env):
    """#17.16"""
    c = env.client()
    for path in ("/login", "/"):
        g, h = c.get(path, follow_redirects=False), c.head(path, follow_redirects=False)
        assert h.status_code == g.status_code != 405
        assert h.content == b""
    signed = env.client("viewer")
    h = signed.head("/")
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert h.headers["content-security-policy"]


def test_colleagues_signing_in_at_once_from_one_address_are_not_throttled(env):
    """Counting before the check must not make an office's simultaneous sign-ins look like guessing."""
    env.app.state.review.throttle.clock = lambda: 2_000_000_000.0
    clients = [(env.client(), name) for name in ("ani", "rudi", "vina") * 2]
    for c, _ in clients:
        c.get("/login")
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda cn: _post_login(env, cn[0], cn[1], PASSWORD), clients))
    assert codes == [303] * 6
    assert env.db.execute("SELECT max(failures) FROM signin_throttle").fetchone()[0] in (None, 0)


def test_the_apps_xlsx_download_survives_control_characters_stored_before(env):
    """#17.4: a NUL in a confirmed account's URL (stored before the door was shut) made the
    app's XLSX download fail with 500 for everyone."""
    mid = env.data.match_ids[0]
    matches_q.record_decision(env.db, mid, "confirmed", reviewer="rudi")
    env.db.execute("UPDATE actors SET profile_url = ?, display_name = ? "
                   "WHERE id = (SELECT actor_id FROM matches WHERE id = ?)",
                   ["https://x.example/a\x00b", "Nama\x1b[2J", mid])
    env.db.conn.commit()
    c = env.client("reviewer")
    r = c.get("/reports/confirmed.xlsx")
    assert r.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    cells = [str(v) for ws in load_workbook(BytesIO(r.content), read_only=True).worksheets
             for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any("x.example/ab" in v for v in cells) and not any("\x00" in v or "\x1b" in v for v in cells)
    r = c.get("/reports/confirmed.csv")
    assert r.status_code == 200 and b"\x00" not in r.content and b"\x1b" not in r.content


def _error(r) -> str:
    import re
    return re.search(r'id="error-message">([^<]*)<', r.text).group(1)


@pytest.mark.parametrize("role, url, name", [
    ("reviewer", "/reports/confirmed.csv?unit=", "unit"),
    ("reviewer", "/reports/confirmed.xlsx?no_unit=2", "no_unit"),
    ("reviewer", "/tips?status=bogus", "status"),
    ("viewer", "/cases/{nip}?page=0", "page"),
    ("viewer", "/cases/{nip}?page=abc", "page"),
    ("admin", "/admin/runs?until=abc", "until"),
    ("admin", "/audit?action=bogus", "action"),
    ("reviewer", "/matches/abc", "match_id"),
    ("reviewer", "/tips/99999999999999999999", "tip_id"),
])
def test_a_bad_parameter_is_a_400_naming_it(env, role, url, name):
    c = env.client(role)
    r = c.get(url.format(nip=fixtures_nip(env)), follow_redirects=False)
    assert r.status_code == 400, (url, r.status_code)
    assert f"“{name}”" in _error(r)


def fixtures_nip(env) -> str:
    return env.db.execute("SELECT nip FROM matches WHERE id=?", [env.data.match_ids[0]]).fetchone()[0]


def test_the_no_unit_link_and_pages_of_a_case_still_work(env):
    c = env.client("reviewer")
    assert c.get("/reports/confirmed.csv?no_unit=1").status_code == 200
    assert c.get(f"/cases/{fixtures_nip(env)}?page=1").status_code == 200
    assert c.get("/audit", follow_redirects=False).status_code == 403          # reviewers: not theirs
    admin = env.client("admin")
    assert admin.get("/audit?action=match.decide").status_code == 200


def test_bad_form_values_are_refused_naming_them(env):
    from storage.queries import tips as tips_q
    tip_id = tips_q.add(env.db, code="AAAA-BBBB-CCCC", links=["https://x.com/a"], what="Sepuluh karakter lebih.")
    admin = env.client("admin")
    token = csrf_of(admin.get("/").text)
    r = admin.post(f"/tips/{tip_id}/status", data={"status": "zzz", "csrf_token": token})
    assert r.status_code == 400 and "“status”" in _error(r) and "zzz" in _error(r)
    r = admin.post("/admin/users/active", data={"name": "vina", "active": "2", "csrf_token": token})
    assert r.status_code == 400 and "“active”" in _error(r)
    assert env.db.execute("SELECT active FROM users WHERE name='vina'").fetchone()[0] == 1     # not deactivated
    r = admin.post("/language", data={"lang": "fr", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 400 and "“lang”" in _error(r)


def test_a_405_says_which_methods_the_address_takes(env):
    c = env.client("reviewer")
    r = c.get("/language")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
