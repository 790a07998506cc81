"""One local HTTP server for every sandbox platform, with fault injection and request counters.

``Sandbox`` runs in a thread of the calling process (tests, ``pantau demo``);
``SandboxProcess`` runs the same server in a child process, for benchmarks where
the crawler and the server must not share one interpreter. Both only listen on
loopback by default.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from pantau.sandbox import faults as faults_mod
from pantau.sandbox.bluesky import Bluesky
from pantau.sandbox.data import ORIGIN, World
from pantau.sandbox.families import family_of
from pantau.sandbox.http import Request, Response, json_response
from pantau.sandbox.mastodon import Mastodon
from pantau.sandbox.mikroblog import Mikroblog, robots
from pantau.sandbox.pages import Pages
from pantau.sandbox.x import X
from pantau.sandbox.youtube import YouTube

_ORIGIN_B = ORIGIN.encode()
WEB_PROFILE = "sandbox-mikroblog"
COLLECT_ORDER = ("comments", "likes", "reposts", "quotes", "follows")
#: platforms whose answers carry rate-limit headers (each in its own spelling)
RATE_LIMITED = ("mastodon", "bluesky", "x")


def _q(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def watchlist_yaml(world: World, origin: str, platforms: set[str] | None = None) -> str:
    """A watchlist of every sandbox account (or those of ``platforms``), with ``url``s at ``origin``
    (an account's url origin steers the spiders)."""
    lines = [f"# Watchlist of the Pantau sandbox at {origin} (seed {world.seed}, size {world.size}).",
             "# Every account is fictional. Regenerate with: curl -s " + origin + "/_sandbox/watchlist.yaml",
             "election: Pemilu 2029 (sandbox)", "candidates:"]
    by_candidate: dict[str, list] = {}
    for w in world.watched:
        if platforms is None or w.platform in platforms:
            by_candidate.setdefault(w.candidate, []).append(w)
    for cand, accounts in by_candidate.items():
        first = accounts[0]
        lines.append(f"  - name: {_q(cand)}")
        lines.append(f"    role: {first.role}")
        if first.party:
            lines.append(f"    party: {_q(first.party)}")
        lines.append("    accounts:")
        for w in accounts:
            lines.append(f"      - platform: {w.platform}")
            lines.append(f"        handle: {_q(w.handle)}")
            path = w.url_path()
            if path:
                lines.append(f"        url: {origin}{path}")
            if w.collect:
                lines.append(f"        collect: [{', '.join(w.collect)}]")
            if w.platform == "web":
                lines.append(f"        profile: {WEB_PROFILE}")
    return "\n".join(lines) + "\n"


class Sandbox:
    """The sandbox server. ``Sandbox(port=0)`` picks a free port; use as a context manager or start()/stop()."""

    def __init__(self, port: int = 0, seed: int = 1, size: str = "small", faults: bool = False,
                 host: str = "127.0.0.1", *, now: float | None = None, youtube_key: str | None = None,
                 rate_limit: int = 100_000, rate_window: float = 300.0, fault_rate: float = 0.03,
                 slow_seconds: float = 3.0, rate_limits: dict[str, int] | None = None, clock_skew: float = 0.0,
                 x_protected: tuple[str, ...] = (), youtube_api_enabled: bool = True):
        self.host = host
        self._port = port
        self.seed = seed
        self.size = size
        self.world = World(seed, size, now)
        self.mastodon = Mastodon(self.world)
        self.bluesky = Bluesky(self.world)
        self.youtube = YouTube(self.world, youtube_key, api_enabled=youtube_api_enabled)
        self.x = X(self.world, protected=x_protected)
        self.mikroblog = Mikroblog(self.world)
        self.pages = Pages(self.world, self.mastodon, self.bluesky, self.youtube)
        self.faults = faults_mod.Faults(seed, fault_rate if faults else 0.0)
        #: per family, X per endpoint (``rate_limits``: some endpoints' own limits, ``{"x.liking_users": 75}``)
        self.limiter = faults_mod.RateLimiter(rate_limit, rate_window, rate_limits, clock_skew)
        self.slow_seconds = slow_seconds
        self._stats_lock = threading.Lock()
        self._stats: dict = {}
        self.reset_stats()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------
    def start(self) -> "Sandbox":
        server = _Server((self.host, self._port), _Handler)
        server.sandbox = self
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"sandbox:{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait(self) -> None:
        """Block until stopped (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> "Sandbox":
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._port}"

    # control ------------------------------------------------------------------
    def watchlist_yaml(self) -> str:
        return watchlist_yaml(self.world, self.url)

    def inject(self, kind: str, count: int = 1, path_prefix: str = "") -> None:
        """Serve ``kind`` (``faults.KINDS``: 429, 429-reset, 500, 503, slow, truncated, cut, drop, quota,
        forbidden, rate-limit) to the next ``count`` matching requests."""
        self.faults.inject(kind, count, path_prefix)

    def advance(self, platform: str | None = None, handle: str | None = None) -> dict:
        """New activity: comments, likes, reposts on an old post and a new post (see World.advance)."""
        stem = None
        if handle:
            h = handle.strip().lstrip("@").lower()
            stem = h.split("@")[0].removesuffix(".bsky.sandbox.test")
        return self.world.advance(platform, stem)

    def deep_reply(self, platform: str | None = None, handle: str | None = None) -> dict:
        """A reply deep in a live thread under an older post (see World.deep_reply)."""
        stem = None
        if handle:
            h = handle.strip().lstrip("@").lower()
            stem = h.split("@")[0].removesuffix(".bsky.sandbox.test")
        return self.world.deep_reply(platform, stem)

    def totals(self) -> dict:
        return self.world.totals()

    def stats(self) -> dict:
        with self._stats_lock:
            return json.loads(json.dumps(self._stats))

    def reset_stats(self) -> None:
        with self._stats_lock:
            self._stats = {"requests": 0, "by_family": {}, "by_endpoint": {}, "by_status": {}, "faults": {}}
            #: (time, endpoint, status) of every answer, in order (tests read when what was served)
            self.served: list[tuple[float, str, int]] = []

    def _count(self, resp: Response, fault: str | None, path: str = "") -> None:
        with self._stats_lock:
            s = self._stats
            s["requests"] += 1
            for key, value in (("by_family", resp.family or "other"), ("by_endpoint", resp.endpoint or "other"),
                               ("by_status", str(resp.status))):
                s[key][value] = s[key].get(value, 0) + 1
            if fault:
                s["faults"][fault] = s["faults"].get(fault, 0) + 1
            self.served.append((time.time(), self.x.endpoint_of(path) or resp.endpoint or "other", resp.status))

    # routing ----------------------------------------------------------------------
    def dispatch(self, req: Request) -> tuple[Response, str | None]:
        path = req.path
        if path.startswith("/_sandbox/"):
            return self.control(req), None
        if path == "/robots.txt":
            return robots(), None
        api = family_of(path)
        if api in ("mastodon", "bluesky", "youtube", "x"):
            family, handler = api, getattr(self, api).handle
        elif path.startswith("/mikroblog/"):
            family, handler = ("web" if path.startswith("/mikroblog/api/") else "page"), self.mikroblog.handle
        else:
            family, handler = "page", self.pages.handle
        fault = self.faults.take(path)
        limiter = self.limiter
        remaining, reset, exceeded = (0, 0.0, False)
        # X limits each endpoint on its own; the others count per platform
        key = (self.x.endpoint_of(path) or family) if family == "x" else family
        limit = limiter.limit_of(key)
        if family in RATE_LIMITED:
            remaining, reset, exceeded = limiter.hit(key)
        if exceeded and fault is None:
            resp = faults_mod.rate_limited(family, limit=limit, reset=reset, window=limiter.window)
        elif fault in faults_mod.ERROR_KINDS:
            resp = faults_mod.error_response(fault, family, limit=limit, window=limiter.window,
                                             remaining=remaining if family in RATE_LIMITED else None,
                                             reset=reset if family in RATE_LIMITED else None)
        else:
            resp = handler(req)
            if family in RATE_LIMITED:
                resp.headers += faults_mod.rate_headers(family, limit, remaining, reset, limiter.window)
        resp.family = resp.family or family
        if not resp.endpoint:
            resp.endpoint = f"{family}.fault" if fault else family
        if fault == "slow":
            time.sleep(self.slow_seconds)
        return resp, fault

    def control(self, req: Request) -> Response:
        path = req.path
        try:
            data = json.loads(req.body or b"{}") if req.method == "POST" else {}
        except json.JSONDecodeError:
            return json_response({"error": "body must be JSON"}, 400, endpoint="control", family="control")
        if not isinstance(data, dict):
            return json_response({"error": "body must be a JSON object"}, 400, endpoint="control", family="control")
        if path == "/_sandbox/watchlist.yaml":
            body = watchlist_yaml(self.world, req.origin).encode()
            return Response(200, body, "application/yaml; charset=utf-8", [], "control", "control")
        if path == "/_sandbox/stats":
            if req.method == "POST" or req.query.get("reset"):
                self.reset_stats()
            return json_response(self.stats(), endpoint="control", family="control")
        if path == "/_sandbox/stats/reset" and req.method == "POST":
            self.reset_stats()
            return json_response({"ok": True}, endpoint="control", family="control")
        if path == "/_sandbox/faults":
            if req.method == "POST":
                try:
                    self.inject(str(data.get("kind", "")), int(data.get("count", 1)), str(data.get("path_prefix", "")))
                except (ValueError, TypeError) as exc:
                    return json_response({"error": str(exc)}, 400, endpoint="control", family="control")
            elif req.method == "DELETE":
                self.faults.clear()
            return json_response({"pending": self.faults.pending(), "served": dict(self.faults.served),
                                  "random_rate": self.faults.rate}, endpoint="control", family="control")
        if path == "/_sandbox/advance" and req.method == "POST":
            return json_response(self.advance(data.get("platform"), data.get("handle")), endpoint="control",
                                 family="control")
        if path == "/_sandbox/deep-reply" and req.method == "POST":
            return json_response(self.deep_reply(data.get("platform"), data.get("handle")), endpoint="control",
                                 family="control")
        if path == "/_sandbox/totals":
            return json_response(self.totals(), endpoint="control", family="control")
        if path == "/_sandbox/health":
            return json_response({"ok": True, "seed": self.seed, "size": self.size,
                                  "accounts": len(self.world.crawlable())}, endpoint="control", family="control")
        return json_response({"error": "unknown control endpoint"}, 404, endpoint="control", family="control")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: Sandbox


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PantauSandbox/1.0"
    server: _Server

    def setup(self) -> None:
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet; the counters tell the story
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        sb = self.server.sandbox
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        host = self.headers.get("Host") or f"{sb.host}:{sb.port}"
        origin = f"http://{host}"
        req = Request("GET" if method == "HEAD" else method, unquote(split.path), query, origin,
                      {k.lower(): v for k, v in self.headers.items()}, body)
        fault = None
        try:
            resp, fault = sb.dispatch(req)
        except Exception as exc:  # a sandbox bug must show, not hang the client
            traceback.print_exc()
            resp = json_response({"error": f"sandbox error: {type(exc).__name__}: {exc}"}, 500, endpoint="error",
                                 family="error")
        origin_b = origin.encode()
        payload = resp.body.replace(_ORIGIN_B, origin_b) if _ORIGIN_B in resp.body else resp.body
        if fault == "truncated" and len(payload) > 1:
            payload = payload[: max(1, len(payload) // 2)]
        sb._count(resp, fault, req.path)
        if fault == "drop":             # the connection closes before any answer
            self.close_connection = True
            return
        length = len(payload)
        if fault == "cut" and len(payload) > 1:     # the full length announced, half sent, then closed
            payload = payload[: max(1, len(payload) // 2)]
            self.close_connection = True
        reason = self.responses.get(resp.status, ("",))[0]
        head = [f"HTTP/1.1 {resp.status} {reason}", f"Content-Type: {resp.content_type}",
                f"Content-Length: {length}", f"Server: {self.server_version}"]
        for k, v in resp.headers:
            head.append(f"{k}: {v.replace(ORIGIN, origin)}")
        if self.close_connection:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace")
        try:
            self.wfile.write(data if method == "HEAD" else data + payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class SandboxProcess:
    """The sandbox in a child process (``python -m pantau.sandbox``), controlled over HTTP."""

    def __init__(self, port: int = 0, seed: int = 1, size: str = "small", faults: bool = False,
                 host: str = "127.0.0.1"):
        self.args = [sys.executable, "-m", "pantau.sandbox", "--port", str(port), "--seed", str(seed),
                     "--size", size, "--host", host] + (["--faults"] if faults else [])
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 60.0) -> "SandboxProcess":
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        deadline = time.time() + timeout
        assert self.proc.stdout is not None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if "http://" in line:
                self.url = line[line.index("http://"):].split()[0]
                return self
        self.stop()
        raise RuntimeError("the sandbox process did not start")

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def __enter__(self) -> "SandboxProcess":
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _call(self, path: str, data: dict | None = None, method: str | None = None) -> bytes:
        body = json.dumps(data).encode() if data is not None else None
        req = urllib.request.Request(self.url + path, data=body, method=method or ("POST" if body else "GET"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()

    def watchlist_yaml(self) -> str:
        return self._call("/_sandbox/watchlist.yaml").decode()

    def inject(self, kind: str, count: int = 1, path_prefix: str = "") -> None:
        self._call("/_sandbox/faults", {"kind": kind, "count": count, "path_prefix": path_prefix})

    def advance(self, platform: str | None = None, handle: str | None = None) -> dict:
        return json.loads(self._call("/_sandbox/advance", {"platform": platform, "handle": handle}))

    def stats(self) -> dict:
        return json.loads(self._call("/_sandbox/stats"))

    def reset_stats(self) -> None:
        self._call("/_sandbox/stats/reset", {})

    def deep_reply(self, platform: str | None = None, handle: str | None = None) -> dict:
        return json.loads(self._call("/_sandbox/deep-reply", {"platform": platform, "handle": handle}))

    def totals(self) -> dict:
        return json.loads(self._call("/_sandbox/totals"))


def main(argv: list[str] | None = None) -> int:
    """``python -m pantau.sandbox``: serve until interrupted; the first line names the URL."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m pantau.sandbox", description="Pantau's local demo platforms.")
    ap.add_argument("--port", type=int, default=8900)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", choices=sorted(("small", "large")), default="small")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--faults", action="store_true")
    args = ap.parse_args(argv)
    sb = Sandbox(args.port, args.seed, args.size, args.faults, args.host).start()
    print(f"Pantau sandbox on {sb.url}", flush=True)
    try:
        sb.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0
