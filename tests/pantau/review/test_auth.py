"""Nothing is reachable without signing in; sign-in is slowed after failures; sessions end properly."""

from __future__ import annotations

import os
import stat

import pytest

from pantau.errors import ConfigError
from pantau.review.session import COOKIE, load_secret
from storage.queries import users as users_q
from tests.pantau.review.conftest import PASSWORD, csrf_of, sign_in

PROTECTED = ["/", "/?status=confirmed", "/matches/{m}", "/matches/{m}/report", "/evidence/{e}",
             "/activity", "/audit", "/reports", "/reports/confirmed.csv", "/reports/confirmed.xlsx"]


@pytest.mark.parametrize("path", PROTECTED)
def test_every_page_file_and_export_needs_sign_in(env, path):
    url = path.format(m=env.data.match_ids[0], e=env.data.evidence_ids[1])
    r = env.client().get(url, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")
    assert "Bambang" not in r.text and r.content[:4] != b"\x89PNG"


def test_sign_in_redirects_back_and_writes_audit(env):
    c = env.client()
    r = c.get(f"/matches/{env.data.match_ids[0]}", follow_redirects=False)
    target = r.headers["location"].split("next=", 1)[1]
    r = sign_in(c, "rudi", next=target)
    assert r.status_code == 303 and r.headers["location"] == f"/matches/{env.data.match_ids[0]}"
    assert c.get(r.headers["location"]).status_code == 200
    rows = env.audit("signin")
    assert rows and rows[-1]["user"] == "rudi"


def test_next_parameter_cannot_leave_the_site(env):
    c = env.client()
    r = sign_in(c, "rudi", next="//evil.example/x")
    assert r.headers["location"] == "/"
    r = c.get("/login?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"


def test_wrong_password_refused_and_audited(env):
    c = env.client()
    r = sign_in(c, "rudi", password="not-the-password")
    assert r.status_code == 401
    assert "Nama atau kata sandi salah" in r.text
    failed = env.audit("signin.failed")
    assert failed[-1]["user"] == "rudi"
    assert c.get("/", follow_redirects=False).status_code == 303
    r = sign_in(c, "nobody-here", password="whatever-123")
    assert r.status_code == 401
    assert env.audit("signin.failed")[-1]["user"] == "nobody-here"


def test_repeated_failures_per_user_are_slowed_down(env):
    c = env.client()
    for _ in range(3):
        assert sign_in(c, "rudi", password="wrong-password-x").status_code == 401
    # even the right password now waits, without being checked
    env.db.execute("DELETE FROM signin_throttle WHERE key LIKE 'ip:%'")   # isolate the per-user back-off
    env.db.conn.commit()
    r = sign_in(c, "rudi")
    assert r.status_code == 429
    assert "Coba lagi dalam" in r.text
    assert users_q.by_name(env.db, "rudi")["failed_logins"] == 3
    # once the wait is over, the right password works and resets the count
    env.db.execute("UPDATE signin_throttle SET last_failed_at = 0")
    env.db.conn.commit()
    r = sign_in(c, "rudi")
    assert r.status_code == 303
    assert users_q.by_name(env.db, "rudi")["failed_logins"] == 0
    assert env.db.execute("SELECT count(*) FROM signin_throttle WHERE key LIKE 'name:%'").fetchone()[0] == 0


def test_repeated_failures_per_address_are_slowed_down(env):
    c = env.client()
    for i in range(10):
        assert sign_in(c, f"guess{i}", password="wrong-password-x").status_code == 401
    r = sign_in(c, "ani")                        # a real user, right password, same address
    assert r.status_code == 429
    throttle = env.app.state.review.throttle
    throttle.clock = lambda: 10 ** 10            # time passes
    assert sign_in(c, "ani").status_code == 303


def test_session_cookie_flags(env):
    c = env.client()
    r = sign_in(c, "rudi")
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    c2 = env.client(headers={"X-Forwarded-Proto": "https"})
    token = csrf_of(c2.get("/login").text)
    r = c2.post("/login", data={"name": "rudi", "password": PASSWORD, "csrf_token": token},
                follow_redirects=False)
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)][0]
    assert "Secure" in cookie


def test_tampered_cookie_is_not_a_session(env):
    c = env.client("admin")
    value = c.cookies.get(COOKIE)
    assert c.get("/", follow_redirects=False).status_code == 200
    c.cookies.clear()
    c.cookies.set(COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert c.get("/", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_even_for_a_copied_cookie(env):
    c = env.client("reviewer")
    copy = c.cookies.get(COOKIE)
    token = csrf_of(c.get("/").text)
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 303
    other = env.client()
    other.cookies.set(COOKIE, copy)
    assert other.get("/", follow_redirects=False).status_code == 303


def test_password_change_and_deactivation_end_sessions(env):
    from pantau.review.auth import hash_password
    c = env.client("reviewer")
    assert c.get("/").status_code == 200
    uid = users_q.by_name(env.db, "rudi")["id"]
    users_q.set_password_hash(env.db, uid, hash_password("another-password-1"))
    assert c.get("/", follow_redirects=False).status_code == 303
    c = env.client("viewer")
    env.db.execute("UPDATE users SET active=0 WHERE name='vina'")
    env.db.conn.commit()
    assert c.get("/", follow_redirects=False).status_code == 303


def test_secret_key_from_env_or_private_file(workspace, monkeypatch):
    from pantau.workspace import open_settings
    s = open_settings(workspace)
    monkeypatch.delenv(s.review.secret_key_env, raising=False)
    key = load_secret(s)
    path = s.data_dir / "review-secret.key"
    assert path.read_text().strip() == key and len(key) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(s) == key                       # kept across restarts
    monkeypatch.setenv(s.review.secret_key_env, "x" * 40)
    assert load_secret(s) == "x" * 40
    monkeypatch.setenv(s.review.secret_key_env, "short")
    with pytest.raises(ConfigError, match="at least 32"):
        load_secret(s)
