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
