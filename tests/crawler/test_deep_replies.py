"""A reply added deep in a live thread under an older post is found by the next nightly crawl.

Mastodon's and Bluesky's reply counts count direct replies only: a reply to a
comment moves no count of the post, so a crawl that re-reads a thread only when
its counts move misses it until the weekly full pass. Threads heard from within
``[crawl] live_thread_days`` are re-read every night (docs/crawling.md).
"""

from __future__ import annotations

import pytest

from tests.crawler.conftest import account_runs, crawl, interactions, rows, setup_workspace

pytest.importorskip("pantau.sandbox.server")

SOCIAL = {"mastodon", "bluesky"}


def held(sandbox) -> int:
    return sum(n for p, kinds in sandbox.totals().items() if p in SOCIAL for n in kinds.values())


@pytest.mark.parametrize("toml, found", [("", True), ("live_thread_days = 0.0\n", False)],
                         ids=["defaults", "rule-off"])
def test_a_deep_reply_is_found_the_next_morning(workspace, toml, found):
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=1) as sb:
        wl = "\n".join(ln for ln in watchlist_yaml(sb.world, sb.url, SOCIAL).splitlines() if "collect:" not in ln)
        setup_workspace(workspace, wl + "\n", toml)
        assert crawl(workspace).returncode == 0                      # the first crawl: a full pass
        assert len(interactions(workspace)) == held(sb)
        added = sb.deep_reply()["accounts"]
        assert added and all(a["depth"] >= 2 for a in added.values())
        replies = {a["reply"] for a in added.values()}

        r = crawl(workspace)                                         # the next night: no full pass
        assert r.returncode == 0, r.stdout + r.stderr
        stored = {i[4].rsplit("/", 1)[-1] for i in interactions(workspace) if i[4]}
        runs = [a for a in account_runs(workspace) if a["run_id"] == 2]
        if found:
            assert replies <= stored
            assert len(interactions(workspace)) == held(sb)
            assert all("live threads re-read" in (a["message"] or "") for a in runs)
        else:
            # the rule is what finds them: without it the night's crawl reads no thread at all
            assert not replies & stored
            assert len(interactions(workspace)) == held(sb) - len(replies)
        assert rows(workspace, "SELECT count(*) FROM accounts WHERE last_full_pass_at IS NOT NULL") == \
            [(len(runs),)]


def test_live_threads_are_capped_per_account(workspace):
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=1) as sb:
        wl = "\n".join(ln for ln in watchlist_yaml(sb.world, sb.url, SOCIAL).splitlines() if "collect:" not in ln)
        setup_workspace(workspace, wl + "\n", "live_thread_days = 30.0\nlive_threads = 1\n")
        assert crawl(workspace).returncode == 0
        before = sb.stats()["by_endpoint"]
        assert crawl(workspace).returncode == 0
        after = sb.stats()["by_endpoint"]
        reads = sum(after.get(e, 0) - before.get(e, 0) for e in ("mastodon.context", "bluesky.getPostThread"))
        runs = [a for a in account_runs(workspace) if a["run_id"] == 2]
        assert all("live threads re-read: 1" in (a["message"] or "") for a in runs), runs
        # one thread per account (a long one may need a follow-up call for its deepest part)
        assert len(runs) <= reads <= 3 * len(runs)
