"""Every fault a platform throws at the crawler: rate limits, server errors, slowness, broken bodies;
and the guards Pantau puts on itself: allowed hosts, the request budget."""

from __future__ import annotations

import time

import pytest

from crawler.middlewares import parse_wait as _parse_wait
from tests.crawler.conftest import account_runs, crawl, interactions, setup_workspace
from tests.crawler.test_bluesky import serve_bluesky
from tests.crawler.test_bluesky import watchlist as bluesky_watchlist
from tests.crawler.test_mastodon import serve_mastodon, watchlist


def test_wait_headers_parsed():
    from scrapy.http import Headers
    now = 1_800_000_000.0
    assert _parse_wait(Headers({"Retry-After": "7"}), now) == 7
    assert _parse_wait(Headers({"X-RateLimit-Reset": "2027-01-15T08:00:05.123456Z"}),
                       1_800_000_000.0) is not None
    # a reset time gets a second's margin (the server's clock and ours differ); Retry-After does not
    assert _parse_wait(Headers({"RateLimit-Reset": str(int(now) + 30)}), now) == pytest.approx(31)
    assert _parse_wait(Headers({"x-rate-limit-reset": str(int(now) - 5)}), now) == pytest.approx(1)
    assert _parse_wait(Headers({}), now) is None


@pytest.mark.parametrize("kind", ["429", "429-reset", "500", "slow", "truncated", "cut", "drop"])
def test_mastodon_fault_is_survived(workspace, replay, kind):
    serve_mastodon(replay)
    # hit the statuses listing, the busiest path, twice
    replay.inject(kind, count=2, path_prefix="/api/v1/accounts/110297851462433308/statuses", wait=1)
    setup_workspace(workspace, watchlist(replay.url))
    t0 = time.monotonic()
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(interactions(workspace)) == 12
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "ok" and ar["errors"] == 0, ar
    if kind == "drop":
        # Twisted's connection pool may itself resend a request whose reused connection closed
        # before answering; whatever it leaves over is Pantau's retry
        assert 1 <= ar["retries"] <= 2, ar
    elif kind != "slow":
        assert ar["retries"] == 2, ar
    if kind.startswith("429"):
        assert time.monotonic() - t0 >= 1.0      # it waited as told


def test_bluesky_429_with_only_epoch_reset(workspace, replay):
    serve_bluesky(replay)
    replay.inject("429-epoch", count=1, path_prefix="/xrpc/app.bsky.feed.getLikes", wait=1)
    setup_workspace(workspace, bluesky_watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert account_runs(workspace)[-1]["retries"] == 1


def test_persistent_500_fails_the_account_by_name(workspace, replay):
    serve_mastodon(replay)
    replay.inject("500", count=100, path_prefix="/api/v1/statuses/117115454370814507/favourited_by")
    setup_workspace(workspace, watchlist(replay.url), "retries = 2\n")
    r = crawl(workspace)
    assert r.returncode == 1
    assert "@kandidatcontoh@warga.example" in r.stderr and "500" in r.stderr
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "failed" and ar["retries"] == 2
    # everything else was still collected
    assert len(interactions(workspace)) == 12 - 4


def test_wait_longer_than_max_retry_wait_gives_up(workspace, replay):
    serve_mastodon(replay)
    replay.inject("429", count=5, path_prefix="/api/v1/statuses/117115454370814507/reblogged_by", wait=3600)
    setup_workspace(workspace, watchlist(replay.url), "max_retry_wait = 5.0\n")
    t0 = time.monotonic()
    r = crawl(workspace)
    assert time.monotonic() - t0 < 60
    assert r.returncode == 1 and "max_retry_wait" in r.stderr


def test_allowed_hosts_refuses_other_hosts(workspace, replay):
    serve_mastodon(replay)
    wl = watchlist(replay.url) + """      - platform: mastodon
        handle: "@someone@mastodon.example"
"""
    setup_workspace(workspace, wl)
    r = crawl(workspace)
    assert r.returncode == 1
    assert "mastodon.example" in r.stderr and "allowed_hosts" in r.stderr
    assert len(interactions(workspace)) == 12     # the loopback account was still collected


def test_budget_stops_an_account_and_says_so(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url), "budget = 3\n")
    r = crawl(workspace)
    assert r.returncode == 1
    assert "budget" in r.stderr
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "budget" and ar["requests"] == 3
    before = interactions(workspace)
    # with a normal budget the next run completes what the first could not
    setup_workspace(workspace, watchlist(replay.url))
    r2 = crawl(workspace)
    assert r2.returncode == 0, r2.stderr
    after = interactions(workspace)
    assert before < after and len(after) == 12
