"""Incremental crawling: a second run fetches what changed, nothing else; a full pass re-reads the window."""

from __future__ import annotations

from tests.crawler import synthetic
from tests.crawler.conftest import account_runs, crawl, full_pass_due, interactions, setup_workspace


def test_changed_counts_only_are_refetched_and_full_pass_rereads(workspace, replay):
    total = synthetic.serve(replay, posts=12, likes=50, replies=3)
    setup_workspace(workspace, synthetic.watchlist(replay.url), "lookback_days = 120\n")
    assert crawl(workspace).returncode == 0
    assert len(interactions(workspace)) == total
    first = len(replay.requests)

    # nothing new: the listing of posts and the account, nothing per post
    assert crawl(workspace).returncode == 0
    second = replay.requests[first:]
    assert len(second) <= 3, second
    assert account_runs(workspace)[-1]["new_items"] == 0

    # one old post got another like: only that post's likes are read again
    total2 = synthetic.serve(replay, posts=12, likes=50, replies=3, more_likes_on_first=1)
    mark = len(replay.requests)
    assert crawl(workspace).returncode == 0
    third = replay.requests[mark:]
    assert [q for q in third if "/context" in q] == []
    assert {q.split("?")[0] for q in third if "favourited_by" in q} == {"/api/v1/statuses/5000000/favourited_by"}
    assert len(interactions(workspace)) == total2
    assert account_runs(workspace)[-1]["new_items"] == 1

    # a full pass (due every full_pass_days) reads every post of the window again
    full_pass_due(workspace)
    mark = len(replay.requests)
    assert crawl(workspace).returncode == 0
    assert sum("/context" in q for q in replay.requests[mark:]) == 12
    assert len(interactions(workspace)) == total2
