"""Helpers of the nightly tests: seeded data, and small real HTTP servers on loopback."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage.queries import employees as employees_q
from storage.queries import interactions as interactions_q
from storage.queries import matches as matches_q
from storage.records import Actor, Employee, Feature, Interaction, MatchCandidate

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Post {path}</title></head>
<body style="font-family:sans-serif"><h1>Komentar</h1><p id="text">Sebuah komentar di {path}</p>
{extra}</body></html>"""


#: A page with no content of its own: its script fetches the comments and builds the DOM,
#: as the sandbox's microblog and many real sites do.
RENDERED = """<!doctype html><html><head><meta charset="utf-8"><title>rendered</title></head>
<body><main id="timeline"></main><script>
setTimeout(() => fetch('/api/comments').then(r => r.json()).then(list => {
  for (const t of list) { const p = document.createElement('p'); p.textContent = t;
    p.style.height = '40px'; document.getElementById('timeline').appendChild(p); }
}), 200);
</script></body></html>"""


def iso(days_ago: float = 0) -> str:
    t = datetime.now(timezone.utc) - timedelta(days=days_ago)
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


class PageServer:
    """Serves little HTML pages on 127.0.0.1 (or another loopback address) and remembers each request.

    ``/missing*`` answers 404; ``/slow*`` waits ``slow`` seconds first; ``extra`` is
    put into every page (e.g. an image from another host).
    """

    def __init__(self, host: str = "127.0.0.1", *, slow: float = 0.0, extra: str = ""):
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append({"path": self.path, "ua": self.headers.get("User-Agent")})
                if self.path.startswith("/slow"):
                    time.sleep(outer.slow)
                if self.path.startswith("/missing"):
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                if self.path.startswith("/rendered"):
                    body = RENDERED.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if self.path.startswith("/api/comments"):
                    time.sleep(0.5)
                    body = json.dumps([f"komentar {i}" for i in range(80)]).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if self.path.endswith(".png"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    return
                body = PAGE.format(path=self.path.replace("<", ""), extra=outer.extra).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.slow = slow
        self.extra = extra
        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def pages():
    servers: list[PageServer] = []

    def make(host: str = "127.0.0.1", **kw) -> PageServer:
        s = PageServer(host, **kw)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


NIPS = ["198503122010011001", "197001011995032002", "199012312015041003"]


def add_employees(db) -> None:
    employees_q.replace_source(db, [
        Employee(nip=NIPS[0], name="Budi Santoso", name_norm="budi santoso", norm_version="test"),
        Employee(nip=NIPS[1], name="Siti Aminah", name_norm="siti aminah", norm_version="test"),
        Employee(nip=NIPS[2], name="Agus Salim", name_norm="agus salim", norm_version="test"),
    ], "test-roster")


def add_interactions(db, actor: str, n: int, *, base_url: str | None, days_ago: float = 0,
                     account: str = "calon", kind: str = "comment", path: str = "/post") -> list[int]:
    """``n`` comments by ``actor`` observed ``days_ago`` days ago; returns their ids."""
    items = [Interaction(platform="mastodon", kind=kind, target_account=account,
                         actor=Actor("mastodon", f"{actor}@example.test", handle=actor, display_name=actor.title()),
                         post_id=f"p-{actor}-{i}", interaction_id=f"c-{actor}-{i}-{days_ago}",
                         url=f"{base_url}{path}/{actor}/{i}" if base_url else None,
                         text=f"komentar {i} dari {actor}", created_at=iso(days_ago),
                         raw={"id": f"c-{actor}-{i}", "content": f"<p>komentar {i}</p>"})
             for i in range(n)]
    interactions_q.InteractionWriter(db, source="crawl").write(items, observed_at=iso(days_ago))
    keys = [it.natural_key for it in items]
    q = ",".join("?" * len(keys))
    return [r[0] for r in db.execute(f"SELECT id FROM interactions WHERE natural_key IN ({q}) ORDER BY id", keys)]


def actor_id(db, actor: str) -> int:
    return db.execute("SELECT id FROM actors WHERE actor_key=?", [f"{actor}@example.test"]).fetchone()[0]


def add_match(db, actor: str, nip: str, status: str = "pending", score: float = 80.0) -> int:
    aid = actor_id(db, actor)
    matches_q.upsert_candidates(db, [MatchCandidate(aid, nip, score, "possible",
                                                    [Feature("name", "nama sama", 60.0)])])
    mid = db.execute("SELECT id FROM matches WHERE actor_id=? AND nip=?", [aid, nip]).fetchone()[0]
    if status != "pending":
        matches_q.record_decision(db, mid, status, reviewer="tester")
    return mid


def write_config(ws: Path, extra: str = "") -> None:
    (ws / "pantau.toml").write_text('[crawl]\nallowed_hosts = ["127.0.0.1", "localhost"]\n' + extra,
                                    encoding="utf-8")


def wait_for(cond, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``cond`` until it holds; fail the test naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
