"""pantau.jobs.crawl.run_crawl as a library call, and the `pantau crawl` options."""

from __future__ import annotations


from tests.crawler.conftest import crawl, rows, setup_workspace
from tests.crawler.test_mastodon import serve_mastodon, watchlist


def test_run_crawl_returns_outcomes_and_records_the_run(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url) + """      - platform: instagram
        handle: calon.official
""")
    from pantau.jobs.crawl import run_crawl
    from pantau.jobs.sync import sync_watchlists
    from pantau.workspace import open_database, open_settings
    settings = open_settings(workspace)
    db = open_database(settings)
    try:
        sync_watchlists(settings, db)
        result = run_crawl(settings, db, trigger="test")
        assert result.ok and result.failures == []
        assert result.new_interactions == 12
        by = {(a.platform, a.status) for a in result.accounts}
        assert by == {("mastodon", "ok"), ("instagram", "skipped")}
        run = db.execute("SELECT kind, trigger, status FROM runs WHERE id=?", [result.run_id]).fetchone()
        assert run == ("crawl", "test", "ok")
        # inside a caller's run (the nightly job): the run stays open for the caller to finish
        from storage.queries import runs as runs_q
        rid = runs_q.start(db, "nightly", "test")
        again = run_crawl(settings, db, run_id=rid)
        assert again.run_id == rid and again.new_interactions == 0
        assert db.execute("SELECT status FROM runs WHERE id=?", [rid]).fetchone() == ("running",)
    finally:
        db.close()


def test_platform_and_account_options(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace, "--platform", "bluesky")
    assert r.returncode == 0 and rows(workspace, "SELECT count(*) FROM interactions") == [(0,)]
    r = crawl(workspace, "--platform", "myspace")
    assert r.returncode == 2 and "unknown platform" in r.stderr
    r = crawl(workspace, "--account", "@nobody@warga.example")
    assert r.returncode == 2 and "no enabled watched account" in r.stderr
    r = crawl(workspace, "--account", "https://warga.example/@kandidatcontoh")     # its profile URL
    assert r.returncode == 0, r.stderr
    assert rows(workspace, "SELECT count(*) FROM interactions") == [(12,)]
    r = crawl(workspace, "--platform", "x", "--account", "https://warga.example/@kandidatcontoh")
    assert r.returncode == 2 and "profile on mastodon, not on x" in r.stderr
    r = crawl(workspace, "--account", "@kandidatcontoh@warga.example")
    assert r.returncode == 0, r.stderr
    assert rows(workspace, "SELECT count(*) FROM interactions") == [(12,)]


def test_second_crawl_waits_for_nobody(workspace, replay):
    from pantau.lock import job_lock
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    with job_lock(workspace / "data" / "pantau.lock", job="match"):
        r = crawl(workspace)
    assert r.returncode == 1 and "another Pantau job" in r.stderr


def test_progress_events_reach_the_parent(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    from crawler.process import run_in_child
    from pantau.jobs.crawl import child_config
    from pantau.jobs.sync import sync_watchlists
    from pantau.workspace import open_database, open_settings
    from storage.queries import accounts as accounts_q
    settings = open_settings(workspace)
    db = open_database(settings)
    try:
        sync_watchlists(settings, db)
        config = child_config(settings, accounts_q.crawl_targets(db), run_id=None)
    finally:
        db.close()
    events = []
    spiders = run_in_child(config, events.append, log_path=workspace / "data" / "test-crawl.log")
    kinds = [e["event"] for e in events]
    assert "account" in kinds and kinds[-1] == "done"
    acc = next(e for e in events if e["event"] == "account")
    assert acc["handle"] == "@kandidatcontoh@warga.example" and acc["status"] == "ok" and acc["items"] == 16
    assert spiders["mastodon"]["accounts"][0]["new_items"] == 12


def test_the_child_log_has_its_phase_times_and_stays_private(workspace, replay):
    import stat

    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stderr
    logs = sorted((workspace / "data" / "logs").glob("crawl-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text()
    assert "crawl child: loaded in" in text and "crawl child: crawled in" in text
    assert "Remote control" not in text          # Scrapy's code-execution server stays off
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600


def test_an_early_child_that_is_not_used_is_stopped():
    from crawler.process import CrawlChild
    with CrawlChild() as child:
        proc = child.proc
        assert proc.poll() is None
    assert proc.poll() is not None


def test_a_child_that_dies_while_loading_is_explained(tmp_path):
    import os

    import pytest

    from crawler.process import CrawlChildError, run_in_child
    fake = tmp_path / "fake" / "scrapy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('this scrapy is broken')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    log = tmp_path / "crawl.log"
    with pytest.raises(CrawlChildError, match="this scrapy is broken"):
        run_in_child({"accounts": []}, log_path=log, env=env)
