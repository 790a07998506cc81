"""A small HTTP server for crawler tests: serves recorded fixture answers on 127.0.0.1:0.

Routes match a path and a subset of the query (the most specific match wins);
``Link`` headers of the recordings are rewritten to this server's origin.
Faults are injected per path prefix: ``429`` (Retry-After), ``429-reset``
(only ``X-RateLimit-Reset``, ISO 8601), ``429-epoch`` (only ``RateLimit-Reset``,
epoch seconds), ``500``, ``slow``, ``truncated`` (a complete answer whose JSON
body is cut short), ``cut`` (the full ``Content-Length`` announced, half the
body sent, the connection closed: Scrapy's ``ResponseDataLossError``) and
``drop`` (the connection closed before any answer). Every request is logged,
so tests can count what a crawl asked for.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RECORDED_ORIGINS = ("https://warga.example",)


class ReplayServer:
    def __init__(self):
        self.routes: list[tuple[str, dict, tuple[int, dict, bytes]]] = []
        self.faults: list[dict] = []
        self.requests: list[str] = []
        self.times: list[float] = []      # when each of ``requests`` arrived (time.monotonic())
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.delay = 0.0          # seconds added to every answer (to make a crawl take a while)
        self.sequences: dict[str, int] = {}   # path -> answers left to serve in turn (add_sequence)

    # ---- set-up ---------------------------------------------------------------------------
    def add(self, path: str, body, *, status: int = 200, headers: dict | None = None,
            query: dict | None = None, content_type: str = "application/json; charset=utf-8") -> None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": content_type, **(headers or {})}
        self.routes.append((path, {k: str(v) for k, v in (query or {}).items()}, (status, h, body)))

    def add_sequence(self, path: str, answers: list[tuple[object, dict]]) -> None:
        """Answer ``path`` with each ``(body, headers)`` in turn, the last one from then on (a
        server whose answer changes between two requests of the same address)."""
        for body, headers in reversed(answers):
            self.add(path, body, headers=headers)
        self.sequences[path] = len(answers)

    def add_fixture(self, name: str, *, path: str | None = None, query: dict | None = None,
                    body=None) -> dict:
        """Serve a recorded answer; ``query`` (default: none) is what the route requires."""
        rec = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        headers = {k: v for k, v in rec.get("headers", {}).items() if k.lower() != "content-length"}
        self.add(path or rec["request"]["path"], rec["body"] if body is None else body,
                 status=rec["status"], headers=headers, query=query)
        return rec

    def inject(self, kind: str, count: int = 1, path_prefix: str = "", **params) -> None:
        with self.lock:
            self.faults.append({"kind": kind, "count": count, "prefix": path_prefix, **params})

    def arrivals(self, prefix: str = "") -> list[float]:
        """When the requests starting with ``prefix`` arrived (monotonic seconds)."""
        return [t for r, t in zip(self.requests, self.times) if r.startswith(prefix)]

    def count(self, prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.startswith(prefix))

    # ---- serving --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> "ReplayServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _fault(self, path: str) -> dict | None:
        with self.lock:
            for f in self.faults:
                if f["count"] > 0 and path.startswith(f["prefix"]):
                    f["count"] -= 1
                    return f
        return None

    def _route(self, path: str, query: dict):
        left = self.sequences.get(path)
        if left:
            with self.lock:
                answers = [resp for rpath, rq, resp in self.routes if rpath == path]
                self.sequences[path] = left - 1
            return answers[left - 1]          # added in reverse: the first answer is the last route
        best, best_n = None, -1
        for rpath, rq, resp in self.routes:
            if rpath != path:
                continue
            if all(query.get(k) == v for k, v in rq.items()) and len(rq) > best_n:
                best, best_n = resp, len(rq)
        return best

    def _send(self, h, status: int, headers: dict, body: bytes, length: int | None = None):
        h.send_response(status)
        for k, v in headers.items():
            if isinstance(v, str):
                for o in RECORDED_ORIGINS:
                    v = v.replace(o, self.url)
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body) if length is None else length))
        h.end_headers()
        h.wfile.write(body)

    def handle(self, h) -> None:
        u = urlsplit(h.path)
        query = dict(parse_qsl(u.query, keep_blank_values=True))
        with self.lock:
            self.requests.append(h.path)
            self.times.append(time.monotonic())
        if self.delay:
            time.sleep(self.delay)
        fault = self._fault(u.path)
        json_h = {"Content-Type": "application/json"}
        if fault:
            kind = fault["kind"]
            if kind == "429":
                return self._send(h, 429, {**json_h, "Retry-After": str(fault.get("wait", 1))},
                                  b'{"error":"Too many requests"}')
            if kind == "429-reset":
                reset = datetime.now(timezone.utc) + timedelta(seconds=fault.get("wait", 1))
                return self._send(h, 429, {**json_h, "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                           "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")},
                                  b'{"error":"Too many requests"}')
            if kind == "429-epoch":
                reset = int(time.time() + fault.get("wait", 1)) + 1
                return self._send(h, 429, {**json_h, "RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
                                           "RateLimit-Reset": str(reset)},
                                  b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}')
            if kind == "500":
                return self._send(h, 500, json_h, b'{"error":"InternalServerError"}')
            if kind == "slow":
                time.sleep(fault.get("wait", 1.5))
            if kind == "drop":
                h.close_connection = True
                return None
        resp = self._route(u.path, query)
        if resp is None:
            return self._send(h, 404, json_h, b'{"error":"Record not found"}')
        status, headers, body = resp
        if fault and fault["kind"] == "truncated" and len(body) > 10:
            body = body[: len(body) // 2]
        if fault and fault["kind"] == "cut" and len(body) > 10:
            h.close_connection = True
            return self._send(h, status, {**headers, "Connection": "close"}, body[: len(body) // 2],
                              length=len(body))
        self._send(h, status, headers, body)
