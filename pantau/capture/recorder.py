"""Recording what a person views: Chromium with a private profile, a HAR and screenshots.

``pantau capture`` opens Debian's Chromium through Playwright with a persistent profile
under ``data/`` (so the person signs in once, themselves), and records the responses of the
captured platforms into a HAR, entry by entry as they arrive, and a screenshot of each page
the person opens, until they close the window. Pantau itself sends nothing: it opens the
one URL the person gave, if any, and then only watches; a body is read from the browser's
own memory (DevTools protocol), not fetched again. Tests drive the same recorder headless
through a ``browse`` function.

Playwright's own ``record_har`` writes its file only when Pantau closes the context; a
person closing the window ends the browser first and that file would never be written.
So the HAR is written here as responses come, and secrets are left out of it from the
start: no cookies, tokens or POST bodies ever reach the disk (``redact``).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import base64
import json

from pantau.browser import CHROMIUM_ARGS, chromium_path
from pantau.capture import redact
from pantau.capture.hosts import HostMap
from storage import private_dir

#: headed: no --headless; the rest of Pantau's flags keep Chromium from talking to Google
_HEADED_ARGS = [a for a in CHROMIUM_ARGS if a != "--headless"]
POLL_MS = 400


@dataclass
class Shot:
    page_url: str
    path: Path
    captured_at: str


@dataclass
class Recording:
    har: Path
    shots: list[Shot] = field(default_factory=list)
    shots_dir: Path | None = None
    entries: int = 0              # platform responses recorded
    pages: int = 0
    seconds: float = 0.0


class BrowserDidNotStart(RuntimeError):
    """Chromium could not open its window; the message is one line a person can act on."""


def _launch_reason(text: str) -> str:
    """The first useful line of Playwright's launch error (which appends its whole call log)."""
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or ""
    if "XServer" in text or "Missing X server" in text or "cannot open display" in text.lower():
        return (f"Chromium could not open a window on display {display!r}: no graphical session answers "
                "there. Run `pantau capture` on the desktop itself, or save a HAR from Chrome or Firefox "
                "and `pantau import` it (docs/capture.md)")
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "unknown error")
    return f"Chromium did not start: {first[:200]}"


def display_available() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


class HarWriter:
    """A HAR 1.2 file written one entry at a time (0600), closed into valid JSON at the end."""

    def __init__(self, path: Path):
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.fh = os.fdopen(fd, "w", encoding="utf-8")
        self.fh.write('{"log": {"version": "1.2", "creator": {"name": "Pantau capture", "version": "1"}, '
                      '"pages": [], "entries": [\n')
        self.count = 0

    def add(self, entry: dict) -> None:
        self.fh.write((",\n" if self.count else "") + json.dumps(entry, ensure_ascii=False))
        self.fh.flush()
        self.count += 1

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.write("\n]}}\n")
            self.fh.close()


def har_entry(response) -> dict | None:
    """A Playwright response as a HAR entry without secrets (headers, query tokens, POST body)."""
    from playwright.sync_api import Error as PlaywrightError

    req = response.request
    try:
        body = response.body()
    except PlaywrightError:          # redirects, aborted or evicted bodies
        body = None
    try:
        req_headers = req.all_headers()
        resp_headers = response.all_headers()
    except PlaywrightError:
        req_headers, resp_headers = req.headers, response.headers
    mime = resp_headers.get("content-type", "")
    content: dict = {"size": len(body) if body is not None else -1, "mimeType": mime}
    if body is not None:
        content["text"] = base64.b64encode(body).decode("ascii")
        content["encoding"] = "base64"
    request = {"method": req.method, "url": redact.url(req.url), "httpVersion": "",
               "headers": [{"name": k, "value": v} for k, v in redact.headers(req_headers).items()],
               "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1}
    variables = _post_variables(req)
    if variables is not None:
        request["postData"] = {"mimeType": "application/x-www-form-urlencoded",
                               "params": [{"name": "variables", "value": variables}]}
    return {"startedDateTime": _now(), "time": 0, "request": request,
            "response": {"status": response.status, "statusText": response.status_text, "httpVersion": "",
                         "headers": [{"name": k, "value": v} for k, v in redact.headers(resp_headers).items()],
                         "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}


def _post_variables(req) -> str | None:
    """Only the GraphQL ``variables`` of a POST (which post it is about); the rest holds tokens."""
    from urllib.parse import parse_qsl
    try:
        data = req.post_data
    except Exception:
        return None
    if not data:
        return None
    if data.lstrip().startswith("{"):
        try:
            v = json.loads(data).get("variables")
        except (ValueError, AttributeError):
            return None
        return json.dumps(v) if isinstance(v, dict) else None
    for k, v in parse_qsl(data):
        if k == "variables":
            return v
    return None


def record(**kwargs) -> Recording:
    """Record until every window is closed (or, with ``browse``, until it returns).

    ``browse(context, page, snap)`` is for tests only: it plays the person (``snap(page)``
    takes the screenshot a page change would). The HAR and the
    screenshots are written under ``out_dir`` (0700; files 0600). Keyword arguments
    are those of :func:`_record`.

    Playwright's sync API refuses to run where an asyncio loop is running (a caller's,
    or a test runner's): then the browser gets a thread of its own, as evidence capture does.
    """
    import asyncio
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _record(**kwargs)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture") as pool:
        return pool.submit(_record, **kwargs).result()


def _record(*, profile_dir: Path, out_dir: Path, hosts: HostMap, url: str | None = None, headless: bool = False,
            browse: Callable | None = None, user_agent: str | None = None,
            status: Callable[[str], None] = lambda s: None) -> Recording:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    private_dir(profile_dir)
    private_dir(out_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    rec = Recording(har=out_dir / f"capture-{stamp}.har")
    shots_dir = rec.shots_dir = private_dir(out_dir / f"screenshots-{stamp}")
    t0 = time.monotonic()
    old_umask = os.umask(0o077)            # whatever Chromium writes under data/ is private
    writer = HarWriter(rec.har)
    try:
        with sync_playwright() as pw:
            options = dict(executable_path=chromium_path(), headless=headless,
                           args=list(CHROMIUM_ARGS) if headless else _HEADED_ARGS,
                           service_workers="block", accept_downloads=False)
            if headless:
                options["viewport"] = {"width": 1280, "height": 900}
            else:
                options["no_viewport"] = True
            if user_agent:
                options["user_agent"] = user_agent
            try:
                context = pw.chromium.launch_persistent_context(str(profile_dir), **options)
            except PlaywrightError as exc:
                # nothing was recorded: leave no empty HAR or screenshot folder behind
                writer.close()
                rec.har.unlink(missing_ok=True)
                shutil.rmtree(shots_dir, ignore_errors=True)
                raise BrowserDidNotStart(_launch_reason(str(exc))) from None
            shot_of: dict = {}

            def on_response(response) -> None:
                if hosts.platform(response.url) is None:
                    return                 # other sites, CDNs: not read, not kept
                entry = har_entry(response)
                if entry is not None:
                    writer.add(entry)

            context.on("response", on_response)

            def snap(page) -> None:
                """A screenshot of a page whose address changed since the last one (after it loaded)."""
                try:
                    u = page.url
                except PlaywrightError:
                    return
                if not u.startswith(("http://", "https://")) or shot_of.get(id(page)) == u:
                    return
                try:
                    page.wait_for_load_state("load", timeout=5000)
                    png = page.screenshot(timeout=10000)
                except PlaywrightError:
                    return
                shot_of[id(page)] = u
                n = len(rec.shots) + 1
                p = shots_dir / f"{n:04d}.png"
                _write_private(p, png)
                rec.shots.append(Shot(page.url, p, _now()))
                status(f"page {n}: {u[:120]}")

            try:
                page = context.pages[0] if context.pages else context.new_page()
                if url:
                    page.goto(url, wait_until="domcontentloaded")
                if browse is not None:
                    browse(context, page, snap)
                    for p in context.pages:
                        snap(p)
                else:
                    while True:
                        pages = [p for p in context.pages if not p.is_closed()]
                        if not pages:
                            break
                        for p in pages:
                            snap(p)
                        try:
                            pages[0].wait_for_timeout(POLL_MS)
                        except PlaywrightError:
                            time.sleep(POLL_MS / 1000)
            finally:
                rec.pages = len(rec.shots)
                try:
                    context.close()
                except PlaywrightError:
                    pass               # the person closed the window: the browser is gone already
    finally:
        writer.close()
        rec.entries = writer.count
        os.umask(old_umask)
    rec.seconds = time.monotonic() - t0
    return rec
