"""Stage: evidence for the interactions of actors who may be civil servants.

Two kinds of evidence, both content-addressed files under the evidence folder
(``storage.files``) with an ``evidence`` row naming the interaction, source url
and capture time:

* ``raw``: the interaction as collected (its ``interactions.raw`` JSON together
  with the fields Pantau derived from it), filed once per interaction. The raw
  column itself stays in the database as well; the file's SHA-256 fixes what was
  seen at capture time, so a later change in the database cannot go unnoticed.
* ``screenshot``: a full-page PNG of the interaction's own url (else the post's
  url), rendered by Chromium through Playwright.

Capturing is best effort: a page that fails is recorded with its error and
tried again on a later run (up to three times); a run captures at most
``[evidence] per_run_cap`` pages, so a night with many new matches does not run
for hours; requests go only to ``[crawl] allowed_hosts`` when that is set.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pantau.browser import launch_options
from pantau.config import Settings
from pantau.jobs.progress import SILENT, Progress
from storage import files
from storage.queries import evidence as evidence_q

log = logging.getLogger("pantau.evidence")

MAX_FAILURES = 3
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class EvidenceResult:
    screenshots: int = 0          # interactions documented by a new screenshot row
    pages: int = 0                # pages loaded (the per-run cap counts these)
    failures: int = 0             # interactions whose capture failed (recorded in evidence.error)
    raw: int = 0                  # raw records filed
    deferred: bool = False        # the cap was reached; the rest waits for the next run
    errors: list[str] = field(default_factory=list)   # the stage itself failed (e.g. no browser)
    seconds: float = 0.0
    run_id: int | None = None


def _raw_document(row: dict) -> bytes:
    raw = row.get("raw")
    try:
        raw = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        pass
    doc = {
        "interaction": {k: row.get(k) for k in (
            "id", "platform", "kind", "natural_key", "interaction_id", "parent_id", "post_id", "post_url",
            "url", "text", "created_at", "observed_at", "source", "run_id")},
        "target_account": row.get("account_handle"),
        "actor": {"actor_key": row.get("actor_key"), "handle": row.get("actor_handle"),
                  "display_name": row.get("actor_name"), "profile_url": row.get("actor_url")},
        "raw": raw,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def file_raw_records(settings: Settings, db, *, run_id: int | None = None) -> int:
    """File the raw record of every matched actor's interaction not filed yet."""
    n = 0
    while True:
        rows = evidence_q.raw_queue(db, limit=1000)
        if not rows:
            return n
        for row in rows:
            stored = files.store_bytes(settings.evidence_dir, _raw_document(row), "json")
            evidence_q.add(db, interaction_id=row["id"], kind="raw", source_url=row["url"] or row["post_url"],
                           sha256=stored.sha256, path=stored.path, size=stored.bytes, run_id=run_id)
            n += 1


def host_refusal(url: str, allowed: list[str]) -> str | None:
    """Why ``url`` may not be requested, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) url: {url[:200]}"
    if allowed and parts.hostname.lower() not in {h.lower() for h in allowed}:
        return f"host {parts.hostname} is not in [crawl] allowed_hosts"
    return None


class Camera:
    """One Chromium for the run; ``shoot(url)`` returns PNG bytes or raises with a short reason."""

    def __init__(self, settings: Settings):
        from playwright.sync_api import sync_playwright
        self.timeout_ms = settings.evidence.timeout * 1000
        self.allowed = [h.lower() for h in settings.crawl.allowed_hosts]
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(**launch_options())
            self._context = self._browser.new_context(
                user_agent=settings.crawl.user_agent, viewport=VIEWPORT, service_workers="block",
                accept_downloads=False)
            if self.allowed:
                self._context.route("**/*", self._guard)
        except BaseException:
            self._pw.stop()
            raise

    def _guard(self, route) -> None:
        """Pages pull in scripts, images and frames: each of those requests is held to allowed_hosts too."""
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or (parts.hostname or "").lower() in self.allowed:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def shoot(self, url: str) -> bytes:
        from playwright.sync_api import TimeoutError as PWTimeout
        page = self._context.new_page()
        try:
            response = page.goto(url, wait_until="load", timeout=self.timeout_ms)
            if response is None:
                raise RuntimeError("no response")
            if response.status >= 400:
                raise RuntimeError(f"HTTP {response.status}")
            try:   # rendered sites fill the page after load
                page.wait_for_load_state("networkidle", timeout=min(self.timeout_ms, 10_000))
            except PWTimeout:
                pass
            return page.screenshot(full_page=True, type="png", timeout=self.timeout_ms)
        finally:
            page.close()

    def close(self) -> None:
        try:
            self._context.close()
            self._browser.close()
        finally:
            self._pw.stop()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _shoot_all(settings: Settings, urls: list[str], progress: Progress):
    """Screenshot each url into the evidence store: url -> (stored file, None) or (None, reason)."""
    shot: dict[str, tuple[files.StoredFile | None, str | None]] = {}
    if not urls:
        return shot
    camera = Camera(settings)
    try:
        for n, url in enumerate(urls, 1):
            try:
                shot[url] = (files.store_bytes(settings.evidence_dir, camera.shoot(url), "png"), None)
            except Exception as exc:
                shot[url] = (None, _short(exc))
            progress.advance(n, f"{n} pages captured")
    finally:
        camera.close()
    return shot


def capture_evidence(settings: Settings, db, *, run_id: int | None = None,
                     progress: Progress = SILENT) -> EvidenceResult:
    """File raw records, then screenshot up to the per-run cap; never raises for a page that fails."""
    t0 = time.monotonic()
    res = EvidenceResult(run_id=run_id)
    res.raw = file_raw_records(settings, db, run_id=run_id)
    cap = settings.evidence.per_run_cap
    if not settings.evidence.screenshots or cap == 0:
        res.seconds = time.monotonic() - t0
        return res
    queue = evidence_q.screenshot_queue(db, limit=cap * 20 + 100, max_failures=MAX_FAILURES)
    if not queue:
        res.seconds = time.monotonic() - t0
        return res
    # Plan first: which rows get recorded this run, and which new pages that takes (up to the cap).
    rows, urls, refused = [], [], {}
    for row in queue:
        url = row["url"] or row["post_url"]
        if url not in refused and url not in urls:
            refusal = host_refusal(url, settings.crawl.allowed_hosts)
            if refusal:
                refused[url] = refusal
            elif len(urls) >= cap:
                res.deferred = True
                break
            else:
                urls.append(url)
        rows.append((row, url))
    # Playwright's sync API refuses to run where an asyncio loop is running (a caller's, or a
    # test runner's): the browser work gets a thread of its own, the database stays here.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence") as pool:
        try:
            progress.task("evidence", len(urls))
            try:
                shot = pool.submit(_shoot_all, settings, urls, progress).result()
            finally:
                progress.finish()
        except Exception as exc:   # no Chromium, no Playwright: the stage fails, the run goes on
            res.errors.append(f"evidence: could not start the browser: {_short(exc)}")
            res.seconds = time.monotonic() - t0
            return res
    res.pages = len(urls)
    shot.update({u: (None, why) for u, why in refused.items()})
    for row, url in rows:
        stored, error = shot[url]
        if stored:
            evidence_q.add(db, interaction_id=row["id"], kind="screenshot", source_url=url,
                           sha256=stored.sha256, path=stored.path, size=stored.bytes, run_id=run_id)
            res.screenshots += 1
        else:
            # each failure is kept in its evidence row; the log gets one line per run (below),
            # so a platform that is down does not bury the night's log in identical lines
            log.debug("evidence for interaction %s failed: %s", row["id"], error)
            evidence_q.add(db, interaction_id=row["id"], kind="screenshot", source_url=url,
                           error=error, run_id=run_id)
            res.failures += 1
    failed_pages = {u: why for u, (stored, why) in shot.items() if not stored}
    if failed_pages:
        url, why = next(iter(failed_pages.items()))
        log.warning("evidence: %d page(s) could not be captured for %d interaction(s); first: %s: %s",
                    len(failed_pages), res.failures, url, why)
    res.seconds = time.monotonic() - t0
    return res
