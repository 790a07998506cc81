"""Acceptance: repeated nightly crawls against a faulty sandbox keep recall >= 0.99 and exit 0.

The sandbox serves a seeded random 3 % of API requests a fault (429 with
Retry-After or only a reset header, 500, slow, a JSON body cut short, an answer
cut off mid-body, a dropped connection), each fault kind once more on purpose,
and counts requests in fixed rate-limit windows (429 until the window resets,
reset headers only). Between crawls the sandbox grows (``advance``). Every crawl
must exit 0 and store at least 99 % of what the sandbox holds.
"""

from __future__ import annotations

import pytest

from tests.crawler.conftest import account_runs, crawl, interactions, setup_workspace

pytest.importorskip("pantau.sandbox.server")

API = {"mastodon", "bluesky", "youtube"}
ENV = {"PANTAU_YOUTUBE_API_KEY": "sandbox-key"}


def recall(ws, sandbox) -> float:
    want = sum(n for p, kinds in sandbox.totals().items() if p in API for n in kinds.values())
    got = sum(1 for i in interactions(ws) if i[0] in API)
    return got / want


def test_repeated_crawls_against_a_faulty_server_keep_recall_and_exit_0(workspace):
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=3, faults=True, fault_rate=0.03, slow_seconds=0.5,
                 rate_limit=120, rate_window=2.0) as sb:
        wl = "\n".join(ln for ln in watchlist_yaml(sb.world, sb.url, API).splitlines() if "collect:" not in ln)
        setup_workspace(workspace, wl + "\n", "concurrency = 8\nmax_retry_wait = 30.0\n")
        figures = []
        for night in range(3):
            if night:
                sb.advance()
            for kind, prefix in (("cut", "/api/v1/"), ("drop", "/xrpc/"), ("429-reset", "/api/v1/"),
                                 ("500", "/youtube/"), ("truncated", "/xrpc/")):
                sb.inject(kind, count=1, path_prefix=prefix)
            r = crawl(workspace, env=ENV, timeout=400)
            assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
            rec = recall(workspace, sb)
            runs = [a for a in account_runs(workspace) if a["run_id"] == night + 1]
            figures.append((rec, sum(a["retries"] for a in runs)))
            assert rec >= 0.99, (night, rec)
            assert {a["status"] for a in runs} == {"ok"}, runs
        served = sb.stats()["faults"]
        assert {"cut", "drop", "429-reset", "500", "truncated"} <= set(served), served
        assert sb.stats()["by_status"].get("429", 0) > 0          # rate windows and injected 429s were met
        assert all(retries > 0 for _, retries in figures), figures
