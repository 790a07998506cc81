"""Integration: every spider against the sandbox (size small), through `pantau crawl`, twice."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.crawler.conftest import account_runs, crawl, interactions, rows, setup_workspace

pytest.importorskip("pantau.sandbox.server")


@pytest.fixture(scope="module")
def sandbox():
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        yield sb


def test_all_four_platforms_collect_what_the_sandbox_holds(workspace, sandbox):
    # the sandbox's totals count everything; collect every kind to compare
    wl = "\n".join(ln for ln in sandbox.watchlist_yaml().splitlines() if "collect:" not in ln) + "\n"
    setup_workspace(workspace, wl)
    env = {"PANTAU_YOUTUBE_API_KEY": "sandbox-key"}
    r = crawl(workspace, env=env, timeout=400)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    by = Counter((g[0], g[1]) for g in got)
    totals = sandbox.totals()
    for platform, kinds in totals.items():
        if platform not in ("mastodon", "bluesky", "youtube", "web"):
            continue
        for kind, n in kinds.items():
            assert by[(platform, kind)] == n, (platform, kind, by[(platform, kind)], n)
    assert {a["status"] for a in account_runs(workspace)} == {"ok", "skipped"}   # instagram: import only

    before = sandbox.stats()["requests"]
    r2 = crawl(workspace, env=env, timeout=400)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    second = sandbox.stats()["requests"] - before
    assert interactions(workspace) == got
    assert sum(a["new_items"] for a in account_runs(workspace) if a["run_id"] == 2) == 0
    assert second < 60, second
    assert rows(workspace, "SELECT count(*) FROM runs WHERE kind='crawl' AND status='ok'") == [(2,)]


def _mastodon_only(sandbox) -> str:
    from pantau.sandbox.server import watchlist_yaml
    return watchlist_yaml(sandbox.world, sandbox.url, {"mastodon"})


@pytest.mark.parametrize("kind", ["429", "429-reset", "500", "slow", "truncated"])
def test_sandbox_faults_are_survived(workspace, kind):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=2, slow_seconds=1.0) as sb:
        wl = "\n".join(ln for ln in _mastodon_only(sb).splitlines() if "collect:" not in ln) + "\n"
        setup_workspace(workspace, wl, "max_retry_wait = 30.0\n")
        sb.inject(kind, count=3, path_prefix="/api/v1/")
        r = crawl(workspace)
        assert r.returncode == 0, r.stdout + r.stderr
        want = sum(sb.totals()["mastodon"].values())
        assert len(interactions(workspace)) == want
        if kind != "slow":
            assert sum(a["retries"] for a in account_runs(workspace)) == 3


def test_sandbox_quota_stops_youtube_for_the_day(workspace, sandbox):
    from pantau.sandbox.server import watchlist_yaml
    setup_workspace(workspace, watchlist_yaml(sandbox.world, sandbox.url, {"youtube", "bluesky"}))
    sandbox.inject("quota", count=1, path_prefix="/youtube/v3/commentThreads")
    r = crawl(workspace, env={"PANTAU_YOUTUBE_API_KEY": "k"})
    assert r.returncode == 1
    assert "quota exceeded" in r.stderr and "@calonsatu" in r.stderr
    statuses = {(a["platform"], a["status"]) for a in account_runs(workspace)}
    assert ("bluesky", "ok") in statuses and ("youtube", "failed") in statuses


def test_a_slow_last_page_ends_load_more_instead_of_failing_the_account(workspace):
    """The microblog disables "load more" while a page loads and hides it after the last one: a
    click aimed at the disabled control must not wait for a control that never comes back."""
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=1, slow_seconds=1.0) as sb:
        setup_workspace(workspace, watchlist_yaml(sb.world, sb.url, {"web"}))
        sb.inject("slow", count=100, path_prefix="/mikroblog/api/")
        r = crawl(workspace, timeout=400)
        assert r.returncode == 0, r.stdout + r.stderr
        want = sum(sb.totals()["web"].values())
        assert len(interactions(workspace)) == want
        assert {a["status"] for a in account_runs(workspace)} == {"ok"}
