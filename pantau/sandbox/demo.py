"""``pantau demo``: a workspace, the sandbox, the sample roster, a crawl and a match, end to end.

Every step is the real one (the same functions ``pantau crawl`` and ``pantau
match`` call); only the platforms are local and fictional. The workspace is kept
so the review app can be opened on it afterwards.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pantau.errors import PantauError
from pantau.jobs.progress import SILENT, Progress
from pantau.sandbox.server import WEB_PROFILE, Sandbox, watchlist_yaml

DEMO_PORT = 8900
DEMO_KEY = "sandbox-demo-key"
#: a Basic-level token as far as the sandbox can tell: followers answer 403, as on X
DEMO_X_TOKEN = "sandbox-demo-token"
#: environment variables the demo sets for its crawl when they are not set (the crawl child inherits them)
DEMO_ENV = {"PANTAU_YOUTUBE_API_KEY": DEMO_KEY, "PANTAU_X_BEARER_TOKEN": DEMO_X_TOKEN}


def demo_config(url: str) -> str:
    """The demo workspace's pantau.toml: loopback only, the sandbox as every platform's origin."""
    return f"""# Pantau demo workspace, written by `pantau demo`. All data is fictional.
# The platforms are the local sandbox at {url}; start it again with
#   pantau sandbox --port {url.rsplit(':', 1)[1]}
# before crawling this workspace again. The sandbox is local, so the politeness
# limits (delay, AutoThrottle) are lifted here; keep the defaults for real sites.

[crawl]
allowed_hosts = ["127.0.0.1", "localhost"]
lookback_days = 60
download_delay = 0.0
autothrottle = false
concurrency = 8

[platforms.mastodon]
base_url = "{url}"

[platforms.bluesky]
base_url = "{url}"

[platforms.youtube]
base_url = "{url}"
api_key_env = "PANTAU_YOUTUBE_API_KEY"   # any non-empty key works on the sandbox

[platforms.web]
base_url = "{url}"

[platforms.x]
base_url = "{url}"
api_key_env = "PANTAU_X_BEARER_TOKEN"    # any non-empty token works on the sandbox (followers: 403, as Basic access)
"""


@dataclass
class DemoResult:
    workspace: Path
    temporary: bool
    sandbox_url: str
    accounts: int = 0
    employees: int = 0
    roster_rejected: int = 0
    actors: int = 0
    interactions: dict[str, dict[str, int]] = field(default_factory=dict)   # platform -> kind -> n
    bands: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_interactions(self) -> int:
        return sum(sum(k.values()) for k in self.interactions.values())


def _start_sandbox(seed: int, size: str) -> Sandbox:
    """The sandbox on port 8900 (the example watchlist's port) when free, else on any free port."""
    for port in (DEMO_PORT, 0):
        try:
            return Sandbox(port=port, seed=seed, size=size).start()
        except OSError:
            continue
    raise PantauError("could not start the sandbox on 127.0.0.1")


def run_demo(directory: Path | None = None, *, seed: int = 1, size: str = "small",
             progress: Progress = SILENT) -> DemoResult:
    """Create the workspace and run sync, roster import, crawl and match against the sandbox."""
    from pantau.workspace import create_workspace
    from pantau.config import CONFIG_FILE, load
    from pantau.jobs.crawl import run_crawl
    from pantau.jobs.match import run_match
    from pantau.jobs.sync import sync_watchlists
    from pantau.roster import import_roster
    from pantau.sandbox.roster import write_sample_roster
    from pantau.watchlist import known_profiles
    from pantau.workspace import open_database

    say = progress.say
    t0 = time.perf_counter()
    temporary = directory is None
    if temporary:
        directory = Path(tempfile.mkdtemp(prefix="pantau-demo-"))
    directory = Path(directory).expanduser()
    if (directory / CONFIG_FILE).exists():
        raise PantauError(f"{directory / CONFIG_FILE} already exists: give `pantau demo` a new folder "
                          f"(or none for a temporary one)")
    ws = create_workspace(directory)
    say(f"workspace {ws}")
    sandbox = _start_sandbox(seed, size)
    result = DemoResult(ws, temporary, sandbox.url)
    set_env = [k for k in DEMO_ENV if not os.environ.get(k)]
    try:
        say(f"sandbox (seed {seed}, size {size}) on {sandbox.url}")
        (ws / "pantau.toml").write_text(demo_config(sandbox.url), encoding="utf-8")
        (ws / "watchlists" / "example.yaml").unlink(missing_ok=True)
        platforms = None
        if WEB_PROFILE not in known_profiles(ws):
            platforms = {"mastodon", "bluesky", "youtube", "instagram", "x"}
            result.notes.append(f"selector profile {WEB_PROFILE!r} not found: the microblog accounts were left out")
        (ws / "watchlists" / "sandbox.yaml").write_text(
            watchlist_yaml(sandbox.world, sandbox.url, platforms=platforms), encoding="utf-8")
        for k in set_env:   # the crawl's child process inherits them; removed afterwards
            os.environ[k] = DEMO_ENV[k]
        settings = load(ws)
        db = open_database(settings)
        try:
            roster = ws / "data" / "sample-roster.csv"
            write_sample_roster(roster, seed)
            import storage
            storage.private_path(roster)
            report = import_roster(db, roster, source="sample-roster")
            result.employees = report.accepted
            result.roster_rejected = len(report.rejected)
            say(f"roster: {report.accepted} employees imported from {roster.name}")
            sync = sync_watchlists(settings, db)
            say(f"watchlist: {_describe(sync)}")
            say("crawling the sandbox ...")
            crawl = run_crawl(settings, db, trigger="demo", progress=progress)
            result.failures = list(crawl.failures)
            say(f"crawl: {crawl.new_interactions} new interactions")
            say("matching actors against the roster ...")
            match = run_match(settings, db)
            say(f"match: {match.actors_scored} actors scored, {match.new_matches} new possible matches")
            _figures(db, result)
        finally:
            db.close()
    finally:
        sandbox.stop()
        for k in set_env:
            os.environ.pop(k, None)
    result.seconds = time.perf_counter() - t0
    return result


def _describe(sync) -> str:
    fields = getattr(sync, "__dict__", {})
    parts = [f"{k} {v}" for k, v in fields.items() if isinstance(v, int)]
    return ", ".join(parts) or "synced"


def _figures(db, result: DemoResult) -> None:
    from storage.queries import matches as matches_q
    from storage.queries import status as status_q
    counts = status_q.counts(db)
    result.accounts = counts["accounts_enabled"]
    result.actors = counts["actors"]
    result.interactions = status_q.interactions_by_platform_kind(db)
    result.bands = matches_q.counts_by_band(db)
