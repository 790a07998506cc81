"""Recording what a person views: Chromium with a private profile, a HAR and screenshots.

``pantau capture`` opens Debian's Chromium through Playwright with a persistent profile
under ``data/`` (so the person signs in once, themselves), and records every response
into a HAR and a screenshot of each page the person opens, until they close the window.
Pantau itself sends nothing: it opens the one URL the person gave, if any, and then only
watches. Tests drive the same recorder headless through a ``browse`` function.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from pantau.browser import CHROMIUM_ARGS, chromium_path
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
    pages: int = 0
    seconds: float = 0.0


def display_available() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def record(*, profile_dir: Path, out_dir: Path, url: str | None = None, headless: bool = False,
           browse: Callable | None = None, user_agent: str | None = None,
           status: Callable[[str], None] = lambda s: None) -> Recording:
    """Record until every window is closed (or, with ``browse``, until it returns).

    ``browse(context, page, snap)`` is for tests only: it plays the person (``snap(page)``
    takes the screenshot a page change would). The HAR and the
    screenshots are written under ``out_dir`` (0700; files 0600).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    private_dir(profile_dir)
    private_dir(out_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    rec = Recording(har=out_dir / f"capture-{stamp}.har")
    shots_dir = rec.shots_dir = private_dir(out_dir / f"screenshots-{stamp}")
    t0 = time.monotonic()
    old_umask = os.umask(0o077)            # the HAR Playwright writes holds the person's cookies: 0600
    try:
        with sync_playwright() as pw:
            options = dict(executable_path=chromium_path(), headless=headless,
                           args=list(CHROMIUM_ARGS) if headless else _HEADED_ARGS,
                           record_har_path=str(rec.har), record_har_content="embed",
                           service_workers="block", accept_downloads=False)
            if headless:
                options["viewport"] = {"width": 1280, "height": 900}
            else:
                options["no_viewport"] = True
            if user_agent:
                options["user_agent"] = user_agent
            context = pw.chromium.launch_persistent_context(str(profile_dir), **options)
            shot_of: dict = {}

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
                    context.close()            # writes the HAR
                except PlaywrightError:
                    pass
    finally:
        os.umask(old_umask)
    if rec.har.exists():
        os.chmod(rec.har, 0o600)
    rec.seconds = time.monotonic() - t0
    return rec
