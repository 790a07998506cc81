"""``pantau user add`` and ``pantau review`` through the real command line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from pantau.review.auth import verify_password
from tests.conftest import REPO


def test_user_add_from_stdin(pantau, db):
    r = pantau("user", "add", "ani", "--role", "reviewer", "--password-stdin", input="a-long-password\n")
    assert r.returncode == 0, r.stderr
    assert "Added reviewer ani" in r.stdout
    row = next(db.query("SELECT * FROM users WHERE name='ani'"))
    assert row["role"] == "reviewer" and row["password_hash"].startswith("$argon2id$")
    assert verify_password(row["password_hash"], "a-long-password")
    assert "a-long-password" not in r.stdout + r.stderr
    audit = next(db.query("SELECT * FROM audit_log WHERE action='user.add'"))
    assert audit["object_id"] == "ani"


def test_user_add_refusals(pantau, db):
    r = pantau("user", "add", "budi", "--role", "reviewer", "--password-stdin", input="short\n")
    assert r.returncode == 1 and "at least 10 characters" in r.stderr
    r = pantau("user", "add", "budi", "--role", "boss", "--password-stdin", input="a-long-password\n")
    assert r.returncode == 2 and "admin, reviewer, viewer" in r.stderr
    assert pantau("user", "add", "budi", "--role", "viewer", "--password-stdin",
                  input="a-long-password\n").returncode == 0
    r = pantau("user", "add", "budi", "--role", "admin", "--password-stdin", input="a-long-password\n")
    assert r.returncode == 1 and "already exists" in r.stderr
    assert db.execute("SELECT role FROM users WHERE name='budi'").fetchone()[0] == "viewer"


def test_user_add_prompt_needs_matching_confirmation(pantau, db):
    r = pantau("user", "add", "citra", "--role", "admin", input="a-long-password\na-long-password\n")
    assert r.returncode == 0, r.stderr
    r = pantau("user", "add", "dewi", "--role", "admin", input="a-long-password\nanother-one-xx\n")
    assert r.returncode != 0
    assert db.execute("SELECT count(*) FROM users WHERE name='dewi'").fetchone()[0] == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pantau_review_serves_the_app(workspace):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(workspace), "review",
                             "--host", "127.0.0.1", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        r = httpx.get(f"http://127.0.0.1:{port}/login")
        assert r.status_code == 200 and "Masuk" in r.text
        assert "server" not in r.headers
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _add(pantau, name, role):
    r = pantau("user", "add", name, "--role", role, "--password-stdin", input="a-long-password\n")
    assert r.returncode == 0, r.stderr


def test_user_list_role_passwd_disable_enable(pantau, db):
    _add(pantau, "ani", "admin")
    _add(pantau, "rudi", "reviewer")
    r = pantau("user", "list")
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0]: line.split() for line in r.stdout.splitlines() if line.split()[:1] in (["ani"], ["rudi"])}
    assert lines["ani"][1:3] == ["admin", "yes"] and lines["rudi"][1:4] == ["reviewer", "yes", "never"]
    assert "$argon2" not in r.stdout

    r = pantau("user", "role", "rudi", "viewer")
    assert r.returncode == 0 and "rudi is now viewer" in r.stdout
    assert db.execute("SELECT role FROM users WHERE name='rudi'").fetchone()[0] == "viewer"
    r = pantau("user", "role", "rudi", "boss")
    assert r.returncode == 2 and "admin, reviewer, viewer" in r.stderr

    old = db.execute("SELECT password_hash FROM users WHERE name='rudi'").fetchone()[0]
    db.execute("UPDATE users SET failed_logins=7 WHERE name='rudi'")
    r = pantau("user", "passwd", "rudi", "--password-stdin", input="another-long-password\n")
    assert r.returncode == 0, r.stderr
    new, failed = db.execute("SELECT password_hash, failed_logins FROM users WHERE name='rudi'").fetchone()
    assert new != old and verify_password(new, "another-long-password") and failed == 0
    r = pantau("user", "passwd", "rudi", "--password-stdin", input="short\n")
    assert r.returncode == 1 and "at least 10 characters" in r.stderr

    r = pantau("user", "disable", "rudi")
    assert r.returncode == 0 and db.execute("SELECT active FROM users WHERE name='rudi'").fetchone()[0] == 0
    assert [l.split()[:3] for l in pantau("user", "list").stdout.splitlines() if l.split()[:1] == ["rudi"]] == [["rudi", "viewer", "no"]]
    r = pantau("user", "enable", "rudi")
    assert r.returncode == 0 and db.execute("SELECT active FROM users WHERE name='rudi'").fetchone()[0] == 1

    actions = [row["action"] for row in db.query("SELECT action FROM audit_log WHERE object_id='rudi' ORDER BY id")]
    assert actions == ["user.add", "user.role", "user.passwd", "user.disable", "user.enable"]


def test_user_commands_refuse_unknown_names_and_keep_the_last_admin(pantau, db):
    _add(pantau, "ani", "admin")
    for args in (("passwd", "nobody", "--password-stdin"), ("role", "nobody", "viewer"), ("disable", "nobody")):
        r = pantau("user", *args, input="a-long-password\n")
        assert r.returncode == 1, args
        assert r.stderr.strip() == "error: no user named 'nobody' (see `pantau user list`)"
    r = pantau("user", "disable", "ani")
    assert r.returncode == 1 and "last active admin" in r.stderr
    r = pantau("user", "role", "ani", "reviewer")
    assert r.returncode == 1 and "last active admin" in r.stderr
    assert db.execute("SELECT role, active FROM users WHERE name='ani'").fetchone() == ("admin", 1)
    _add(pantau, "citra", "admin")
    assert pantau("user", "disable", "ani").returncode == 0


def test_review_on_a_busy_port_is_one_error_line(workspace):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "pantau", "--workspace", str(workspace), "review",
                            "--host", "127.0.0.1", "--port", str(port)],
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: the port is already in use"
