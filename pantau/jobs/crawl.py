"""Stage: crawl the watched accounts (Scrapy, in a child process) and record how each went.

The spiders run in ``python -m crawler.child`` because Twisted's reactor
cannot restart in one process. This side builds the child's plain JSON config
from ``Settings`` (the crawler never imports ``pantau``), reports progress through
the stage's ``Progress``, and turns the child's per-account figures into outcomes and a run row.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pantau.errors import UsageError
from pantau.jobs.progress import SILENT, Progress
from pantau.jobs.stage import StageRun, stage
from storage import platforms as registry

if TYPE_CHECKING:
    from pantau.config import Settings

# storage (sqlite_utils) is imported inside the functions: ``pantau crawl`` imports this module
# to start the crawl child first, and that child should not wait for the parent's imports


@dataclass
class AccountOutcome:
    platform: str
    handle: str
    status: str                 # ok | failed | budget | skipped
    requests: int = 0
    items: int = 0
    new_items: int = 0
    retries: int = 0
    errors: int = 0
    message: str | None = None


@dataclass
class CrawlResult:
    run_id: int
    accounts: list[AccountOutcome] = field(default_factory=list)
    new_interactions: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0
    #: per-spider figures (requests, responses, retries, new items, close reason) for the caller's run row
    spiders: dict = field(default_factory=dict)
    #: one line per group of accounts skipped for the same reason (no token), for the summary
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def child_config(settings: Settings, accounts: list[dict], *, run_id: int, log_level: str = "INFO") -> dict:
    """The plain values the crawl child needs (JSON-able; no pantau objects)."""
    from pantau.browser import chromium_path
    from storage.records import PLATFORMS_CRAWLED
    c = settings.crawl
    platforms = {}
    for name in PLATFORMS_CRAWLED:
        pc = settings.platform(name)
        platforms[name] = {
            "base_url": pc.base_url, "api_key_env": pc.api_key_env, "enabled": pc.enabled,
            "storage_state": str(settings.path(pc.storage_state)) if pc.storage_state else None,
            "page_size": pc.page_size, "monthly_read_cap": pc.monthly_read_cap,
        }
    return {
        "db_path": str(settings.db_path),
        "run_id": run_id,
        "log_level": log_level,
        "accounts": accounts,
        "crawl": {
            "since": c.since.isoformat() if c.since else None, "lookback_days": c.lookback_days,
            "concurrency": c.concurrency, "budget": c.budget, "user_agent": c.user_agent,
            "allowed_hosts": list(c.allowed_hosts), "autothrottle": c.autothrottle,
            "download_delay": c.download_delay, "timeout": c.timeout, "retries": c.retries,
            "max_retry_wait": c.max_retry_wait, "server_error_retries": c.server_error_retries,
            "server_error_backoff": c.server_error_backoff, "full_pass_days": c.full_pass_days,
            "live_thread_days": c.live_thread_days, "live_threads": c.live_threads,
            "obey_robots": c.obey_robots,
        },
        "platforms": platforms,
        "profile_dirs": [str(settings.workspace / "profiles")],
        "chromium": chromium_path(),
    }


def no_key_message(platform: str, env: str | None) -> str:
    """Why a platform that needs the user's own key was skipped, and what to do instead."""
    from storage import platforms as registry
    p = registry.get(platform)
    return (f"no {p.title} token: set {env} to crawl {platform} through its API "
            f"(without one, its interactions come in by capture or `pantau import`)")


class _CrawlEvents:
    """Turns the crawl child's events into the stage's progress: one task, a line per account."""

    def __init__(self, total: int, progress: Progress):
        self.progress = progress
        self.total = total
        self.figures: dict[str, dict] = {}
        self.done = 0

    def __enter__(self):
        self.progress.task("crawling", self.total)
        return self

    def __exit__(self, *exc):
        self.progress.finish()

    def __call__(self, event: dict) -> None:
        if event.get("event") == "progress":
            self.figures[event["spider"]] = event
        elif event.get("event") == "account":
            self.done += 1
            line = f"{event['platform']} {event['handle']}: {event['status']}, {event['items']} items"
            if event.get("message") and event["status"] != "ok":
                line += f" ({event['message']})"
            self.progress.say(line)
        req = sum(f.get("requests", 0) for f in self.figures.values())
        items = sum(f.get("items", 0) for f in self.figures.values())
        self.progress.advance(self.done, f"{req} requests, {items} items")


def start_crawl_child():
    """Start the crawl child now, before its config is known (``crawler.process.CrawlChild``,
    which runs ``python -m crawler.child``).

    It loads Python and Scrapy on the other core while the caller syncs the
    watchlists and opens the run; use it as a context manager (an unused child
    is stopped on exit) and pass it to :func:`run_crawl`.
    """
    from crawler.process import CrawlChild
    return CrawlChild(env=os.environ.copy())


def run_crawl(settings: Settings, db, *, platform: str | None = None, account: str | None = None,
              run_id: int | None = None, trigger: str = "cli", progress: Progress = SILENT,
              child=None) -> CrawlResult:
    """Crawl the enabled watched accounts (optionally one platform / one handle).

    Does not sync watchlists (``pantau crawl`` does that first). Every account
    gets an outcome; one that could not be collected is named in ``failures``
    while the others still finish. ``child``: a ``crawler.process.CrawlChild``
    the caller started early (see ``start_crawl_child``), else one is started here.
    Called on its own it takes the workspace job lock and records a ``crawl`` run
    (:func:`pantau.jobs.stage.stage`); with ``run_id`` it is a stage of that run.
    """
    from storage.queries import accounts as accounts_q
    from storage.records import PLATFORMS

    if platform and platform not in PLATFORMS:
        raise UsageError(f"unknown platform {platform!r} (known: {', '.join(PLATFORMS)})")
    if account and registry.looks_like_url(account):
        # --account https://x.com/calonsatu: the handle its watchlist holds
        try:
            ref = registry.profile_from_url(account, platform or None)
        except registry.NotAProfile as e:
            raise UsageError(str(e)) from None
        platform, account = ref.platform, ref.handle
    targets = accounts_q.crawl_targets(db, platform, account)
    if account and not targets:
        raise UsageError(f"no enabled watched account {account!r}"
                         + (f" on {platform}" if platform else "") + " (see `pantau watchlist list`)")
    with stage(db, "crawl", run_id=run_id, trigger=trigger, lock=settings.lock_path, progress=progress) as run:
        return _crawl(settings, db, run, targets, child)


def _crawl(settings: Settings, db, run: StageRun, targets: list, child) -> CrawlResult:
    from crawler.process import CrawlChildError, run_in_child
    from storage import private_dir
    from storage import platforms as registry
    from storage.queries import runs as runs_q
    from storage.records import PLATFORMS_CRAWLED

    run_id = run.run_id
    result = CrawlResult(run_id=run_id)
    started = time.monotonic()
    crawlable, skipped, no_key = [], [], {}
    for t in targets:
        pc = settings.platform(t["platform"])
        if t["platform"] not in PLATFORMS_CRAWLED:
            skipped.append((t, "no spider for this platform: use `pantau import`"))
        elif not pc.enabled:
            skipped.append((t, f"[platforms.{t['platform']}] enabled = false"))
        elif registry.get(t["platform"]).skip_without_key and not (os.environ.get(pc.api_key_env or "") or "").strip():
            why = no_key_message(t["platform"], pc.api_key_env)
            skipped.append((t, why))
            no_key[why] = no_key.get(why, 0) + 1
        else:
            crawlable.append(t)
    for why, n in no_key.items():      # one line for all accounts skipped for want of the user's token
        result.notes.append(f"{n} account(s) skipped: {why}")
    for t, why in skipped:
        runs_q.record_account(db, run_id, t["id"], t["platform"], status="skipped", message=why)
        db.conn.commit()
        result.accounts.append(AccountOutcome(t["platform"], t["display_handle"] or t["handle"], "skipped",
                                              message=why))
    spiders: dict = {}
    error = None
    if crawlable:
        logs = private_dir(settings.logs_dir)
        log_path = logs / f"crawl-{run_id}.log"
        config = child_config(settings, crawlable, run_id=run_id)
        try:
            with _CrawlEvents(len(crawlable), run.progress) as progress:
                spiders = run_in_child(config, progress, log_path=log_path, env=os.environ.copy(), child=child)
        except CrawlChildError as exc:
            error = str(exc)
    reported = {}
    for sp in spiders.values():
        for row in sp.get("accounts", []):
            reported[row["account_id"]] = row
        result.requests += sp.get("requests", 0)
    for t in crawlable:
        row = reported.get(t["id"])
        handle = t["display_handle"] or t["handle"]
        if row is None:
            msg = error or "the crawl process did not report this account"
            runs_q.record_account(db, run_id, t["id"], t["platform"], status="failed", message=msg)
            db.conn.commit()
            result.accounts.append(AccountOutcome(t["platform"], handle, "failed", message=msg))
            continue
        result.accounts.append(AccountOutcome(
            t["platform"], handle, row["status"], requests=row["requests"], items=row["items"],
            new_items=row["new_items"], retries=row["retries"], errors=row["errors"], message=row["message"]))
    result.new_interactions = sum(a.new_items for a in result.accounts)
    result.spiders = {k: {kk: vv for kk, vv in v.items() if kk != "accounts"} for k, v in spiders.items()}
    for a in result.accounts:
        if a.status in ("failed", "budget"):
            result.failures.append(f"{a.platform} {a.handle}: {a.message or a.status}")
    result.seconds = time.monotonic() - started
    run.status = "failed" if error else ("partial" if result.failures else "ok")
    run.error = error
    run.stats = {
            "spiders": result.spiders,
            "requests": result.requests, "new_interactions": result.new_interactions,
            "seconds": round(result.seconds, 2)}
    run.summary = {"accounts": len(result.accounts), "failures": result.failures,
                   "new_interactions": result.new_interactions}
    return result
