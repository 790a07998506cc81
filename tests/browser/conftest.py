"""The review app served by a real uvicorn on 127.0.0.1 for Chromium to drive."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import pytest
import uvicorn

from pantau.review import auth, fixtures
from pantau.review.app import create_app
from pantau.workspace import open_database, open_settings
from storage.queries import users as users_q

PASSWORD = "correct-horse-battery"
USERS = {"admin": "ani", "reviewer": "rudi", "viewer": "vina"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn in a thread; ``stop()`` asks it to exit and waits."""

    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("the review app did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.review.close()          # the PDF printer's Chromium, if a test started it


@dataclass
class Live:
    url: str
    db: object
    data: fixtures.DemoData
    settings: object

    def status(self, match_id: int) -> str:
        return self.db.execute("SELECT status FROM matches WHERE id=?", [match_id]).fetchone()[0]

    def audit(self, action: str) -> list[dict]:
        return list(self.db.query("SELECT * FROM audit_log WHERE action=? ORDER BY id", [action]))


def seed_workspace(workspace, *, hostile: bool = True):
    settings = open_settings(workspace)
    db = open_database(settings)
    data = fixtures.seed(db, evidence_dir=settings.evidence_dir, hostile=hostile)
    h = auth.hash_password(PASSWORD)
    for role, name in USERS.items():
        users_q.add(db, name, h, role)
    return settings, db, data


@pytest.fixture
def live(workspace):
    settings, db, data = seed_workspace(workspace)
    server = LiveServer(create_app(settings)).start()
    yield Live(server.url, db, data, settings)
    server.stop()
    db.close()


def sign_in(page, live: Live, role: str = "admin") -> None:
    page.goto(live.url + "/")
    assert "/login" in page.url
    page.fill("#name", USERS[role])
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(live.url + "/")
