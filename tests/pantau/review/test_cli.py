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
