"""A seeded workspace and signed-in TestClients for the review app."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from pantau.review import auth, fixtures
from pantau.review.app import create_app
from pantau.workspace import open_database, open_settings
from storage.queries import users as users_q

PASSWORD = "correct-horse-battery"
USERS = {"admin": "ani", "reviewer": "rudi", "viewer": "vina"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, next: str = "/"):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next},
                       follow_redirects=False)


@dataclass
class Env:
    settings: object
    db: object
    data: fixtures.DemoData
    app: object

    def client(self, role: str | None = None, **kw) -> TestClient:
        c = TestClient(self.app, **kw)
        if role:
            r = sign_in(c, USERS[role])
            assert r.status_code == 303, r.text
        return c

    def status(self, match_id: int) -> str:
        return self.db.execute("SELECT status FROM matches WHERE id=?", [match_id]).fetchone()[0]

    def audit(self, action: str) -> list[dict]:
        return list(self.db.query("SELECT * FROM audit_log WHERE action=? ORDER BY id", [action]))


@pytest.fixture(scope="session")
def password_hash() -> str:
    return auth.hash_password(PASSWORD)


@pytest.fixture
def env(workspace, password_hash) -> Env:
    settings = open_settings(workspace)
    db = open_database(settings)
    data = fixtures.seed(db, evidence_dir=settings.evidence_dir, hostile=True)
    for role, name in USERS.items():
        users_q.add(db, name, password_hash, role)
    yield Env(settings, db, data, create_app(settings))
    db.close()
