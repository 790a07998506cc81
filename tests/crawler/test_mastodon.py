"""Mastodon: documentation fixtures parsed by the pure functions, and the real spider on a replay server."""

from __future__ import annotations

import pytest

from crawler.spiders.mastodon import (actor_from_account, lookup_acct, next_link, own_posts, status_to_post,
                                      thread_interactions)
from tests.crawler.conftest import account_runs, crawl, interactions, load_fixture, rows, setup_workspace

ACCOUNT_ID = "110297851462433308"
SELF_REPLY = "117115475782408967"
ROOT = "117115454370814507"


def serve_mastodon(replay):
    replay.add_fixture("mastodon/accounts_lookup.json", query={"acct": "kandidatcontoh"})
    # the replay server stands in for warga.example: Mastodon answers user@its-own-domain as local
    replay.add_fixture("mastodon/accounts_lookup.json", query={"acct": "kandidatcontoh@warga.example"})
    replay.add_fixture("mastodon/account_statuses.page1.json")
    replay.add_fixture("mastodon/account_statuses.last.json", query={"max_id": ROOT})
    replay.add_fixture("mastodon/status_context.json")
    replay.add_fixture("mastodon/favourited_by.page1.json")
    replay.add_fixture("mastodon/favourited_by.last.json", query={"max_id": "48213377"})
    replay.add_fixture("mastodon/reblogged_by.json")
    replay.add_fixture("mastodon/followers.page1.json")
    replay.add(f"/api/v1/accounts/{ACCOUNT_ID}/followers", [], query={"max_id": "7731205"})


def watchlist(url: str, extra: str = "") -> str:
    return f"""election: test
candidates:
  - name: Kandidat Contoh
    role: dpd
    accounts:
      - platform: mastodon
        handle: "@kandidatcontoh@warga.example"
        url: {url}/@kandidatcontoh
{extra}"""


# ---- pure functions on the documentation fixtures ---------------------------------------------

def test_statuses_page_skips_boosts_and_keeps_self_replies():
    page = load_fixture("mastodon/account_statuses.page1.json")
    own = own_posts(page["body"], ACCOUNT_ID)
    ids = [s["id"] for s in own]
    assert "117127726301542161" not in ids          # the boost
    assert SELF_REPLY in ids and ROOT in ids and len(ids) == 4
    post = status_to_post(own[0], "@kandidatcontoh@warga.example")
    assert post.reply_count == 6 and post.like_count == 21 and post.text


def test_link_header_is_followed_as_given():
    page = load_fixture("mastodon/favourited_by.page1.json")
    assert next_link(page["headers"]["Link"]).endswith("favourited_by?limit=3&max_id=48213377")
    assert next_link(load_fixture("mastodon/favourited_by.last.json")["headers"]["Link"]) is None
    assert next_link(None) is None


def test_context_kinds_and_actor_keys():
    ctx = load_fixture("mastodon/status_context.json")["body"]
    items, again = thread_interactions(ctx, watched_account_id=ACCOUNT_ID, queried_id=SELF_REPLY,
                                       thread_post=SELF_REPLY, target="@kandidatcontoh@warga.example",
                                       local_domain="warga.example")
    got = {(i.interaction_id, i.kind, i.actor.actor_key, i.post_id) for i in items}
    assert got == {
        ("117115729192049167", "comment", "bambang_sutrisno@kopdar.example", SELF_REPLY),
        ("117115770910787538", "reply", "bambang_sutrisno@kopdar.example", SELF_REPLY),
        ("117115808141684225", "reply", "mochdjoko@warga.example", SELF_REPLY),
        ("117115984537722475", "comment", "sri.wahyuni88@nusantara.example", SELF_REPLY),
    }
    assert again == []
    # the watched account's own replies are posts, never interactions
    assert all(i.actor.platform_id != ACCOUNT_ID for i in items)
    assert all(i.text and "<" not in i.text for i in items)


def test_context_asks_again_below_the_depth_cap():
    chain = [{"id": str(i), "in_reply_to_id": str(i - 1), "replies_count": 1,
              "account": {"id": "9", "acct": f"u{i}"}, "content": "x", "url": None}
             for i in range(1, 21)]
    items, again = thread_interactions({"ancestors": [], "descendants": chain}, watched_account_id="0",
                                       queried_id="0", thread_post="0", target="t", local_domain="d")
    assert items[0].kind == "comment" and items[1].kind == "reply"
    assert again == ["20"]


def test_actor_from_every_fixture_account():
    for name in ("mastodon/favourited_by.page1.json", "mastodon/followers.page1.json",
                 "mastodon/reblogged_by.json"):
        for acc in load_fixture(name)["body"]:
            a = actor_from_account(acc, "warga.example")
            assert "@" in a.actor_key and a.actor_key == a.actor_key.lower()
            assert a.platform_id == acc["id"]
    assert load_fixture("mastodon/followers.hidden.json")["body"] == []
    assert load_fixture("mastodon/rate_limited.429.json")["status"] == 429


# ---- the real spider --------------------------------------------------------------------------

def test_crawl_stores_all_kinds_then_second_run_is_cheap(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    kinds = sorted(k for _, k, *_ in got)
    assert kinds.count("comment") == 2 and kinds.count("reply") == 2
    assert kinds.count("like") == 4 and kinds.count("repost") == 2 and kinds.count("follow") == 2
    assert ("mastodon", "reply", "mochdjoko@warga.example") in {g[:3] for g in got}
    # boosts are not the watched account's posts
    assert rows(workspace, "SELECT count(*) FROM posts WHERE post_id='117127726301542161'") == [(0,)]
    first = len(replay.requests)
    ar = account_runs(workspace)
    assert ar[-1]["items"] == 12 + 4 and ar[-1]["new_items"] == 12 and ar[-1]["status"] == "ok"

    r2 = crawl(workspace)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    second = len(replay.requests) - first
    assert second <= 2, replay.requests[first:]
    assert interactions(workspace) == got
    assert account_runs(workspace)[-1]["new_items"] == 0


def test_unknown_account_fails_by_name_others_finish(workspace, replay):
    serve_mastodon(replay)
    replay.add_fixture("mastodon/accounts_lookup.404.json", query={"acct": "kandidat_tidak_ada@warga.example"})
    extra = f"""      - platform: mastodon
        handle: "@kandidat_tidak_ada@warga.example"
        url: {replay.url}/@kandidat_tidak_ada
"""
    setup_workspace(workspace, watchlist(replay.url, extra))
    r = crawl(workspace)
    assert r.returncode == 1
    assert "kandidat_tidak_ada" in r.stderr and "not found" in r.stderr
    assert len(interactions(workspace)) == 12


def test_page_size_setting_is_sent(workspace, replay):
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url), "[platforms.mastodon]\npage_size = 3\n")
    r = crawl(workspace)
    assert r.returncode == 0, r.stderr
    assert any(q.endswith("favourited_by?limit=3") for q in replay.requests)
    assert any("statuses?limit=3&" in q for q in replay.requests)
    assert len(interactions(workspace)) == 12


def test_posts_are_listed_with_the_stored_id_and_a_stale_one_gives_way_to_the_lookup(workspace, replay):
    import sqlite3

    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    assert crawl(workspace).returncode == 0
    first = interactions(workspace)
    assert rows(workspace, "SELECT platform_id FROM accounts") == [(ACCOUNT_ID,)]
    con = sqlite3.connect(workspace / "data" / "pantau.db")
    con.execute("UPDATE accounts SET platform_id = '4242'")   # an id the server no longer knows
    con.commit()
    con.close()
    mark = len(replay.requests)
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    second = replay.requests[mark:]
    assert any(q.startswith("/api/v1/accounts/4242/statuses") for q in second), second   # asked at once
    assert any(q.startswith(f"/api/v1/accounts/{ACCOUNT_ID}/statuses") for q in second), second
    assert rows(workspace, "SELECT platform_id FROM accounts") == [(ACCOUNT_ID,)]
    assert account_runs(workspace)[-1]["status"] == "ok"
    assert interactions(workspace) == first


# ---- audit fixes: self-interactions, refusals, remote accounts, capped contexts ----------------

def test_the_watched_accounts_own_favourite_and_boost_are_not_interactions(workspace, replay):
    me = load_fixture("mastodon/accounts_lookup.json")["body"]
    likes = load_fixture("mastodon/favourited_by.last.json")
    boosts = load_fixture("mastodon/reblogged_by.json")
    replay.add_fixture("mastodon/favourited_by.last.json", query={"max_id": "48213377"},
                       body=likes["body"] + [me])
    replay.add_fixture("mastodon/reblogged_by.json", body=[me] + boosts["body"])
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    kinds = [k for _, k, *_ in got]
    assert kinds.count("like") == 4 and kinds.count("repost") == 2
    assert not any(g[2] == "kandidatcontoh@warga.example" for g in got)


@pytest.mark.parametrize("status", [401, 403])
def test_followers_refused_with_an_error_are_hidden_followers(workspace, replay, status):
    """Servers that refuse a hidden collection with an error instead of [] (not a failure)."""
    replay.add(f"/api/v1/accounts/{ACCOUNT_ID}/followers", {"error": "This action is not allowed"}, status=status)
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    run = account_runs(workspace)[-1]
    assert run["status"] == "ok" and "followers hidden by the account" in run["message"]
    assert [k for _, k, *_ in interactions(workspace)].count("follow") == 0


def test_a_server_that_requires_sign_in_stops_the_account_with_that_reason(workspace, replay):
    replay.add("/api/v1/accounts/lookup", {"error": "This API requires an authenticated user"}, status=401,
               query={"acct": "kandidatcontoh@warga.example"})
    serve_mastodon(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 1
    assert "requires sign-in for its API" in r.stderr, r.stderr
    assert account_runs(workspace)[-1]["status"] == "failed"


def test_a_remote_account_shown_by_another_server_is_looked_up_as_user_at_host(workspace, replay):
    """``https://A/@user@B``: A's own local ``user`` is someone else; bare accts there are A's."""
    me = load_fixture("mastodon/accounts_lookup.json")["body"]
    replay.add("/api/v1/accounts/lookup", {**me, "id": "999", "acct": "kandidatcontoh", "display_name": "Orang lain"},
               query={"acct": "kandidatcontoh"})
    replay.add("/api/v1/accounts/lookup", {**me, "acct": "kandidatcontoh@warga.example"},
               query={"acct": "kandidatcontoh@warga.example"})
    serve_mastodon(replay)
    wl = watchlist(replay.url).replace(f"url: {replay.url}/@kandidatcontoh",
                                       f"url: {replay.url}/@kandidatcontoh@warga.example")
    setup_workspace(workspace, wl)
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert rows(workspace, "SELECT platform_id FROM accounts") == [(ACCOUNT_ID,)]
    assert any(q.startswith("/api/v1/accounts/lookup?acct=kandidatcontoh%40warga.example") for q in replay.requests)
    keys = {g[2] for g in interactions(workspace)}
    assert "mochdjoko@127.0.0.1" in keys and "mochdjoko@warga.example" not in keys   # local to the server asked
    assert "bambang_sutrisno@kopdar.example" in keys


def test_lookup_acct_is_qualified_unless_the_url_is_the_handles_own_server():
    assert lookup_acct("@u@b.example", "https://b.example/@u") == "u"
    assert lookup_acct("@u@b.example", "https://a.example/@u@b.example") == "u@b.example"
    assert lookup_acct("@u@b.example", "https://a.example/@u") == "u@b.example"
    assert lookup_acct("@u@b.example", None) == "u@b.example"
    assert lookup_acct("u", "https://a.example/@u@b.example") == "u@b.example"
    assert lookup_acct("u", "https://a.example/@u") == "u"


def _status(sid: str, parent: str, author: str, replies: int, acct: str | None = None) -> dict:
    return {"id": sid, "in_reply_to_id": parent, "replies_count": replies, "visibility": "public",
            "created_at": "2026-08-20T10:00:00.000Z", "url": f"https://warga.example/@x/{sid}",
            "content": f"<p>balasan {sid}</p>", "account": {"id": author, "acct": acct or f"warga{author}"}}


def test_a_context_cut_before_it_was_filtered_is_asked_again_below(workspace, replay):
    """57 descendants, not 60, yet cut: Mastodon caps the ids at 60 before it drops the
    followers-only ones. A comment with more replies than the answer holds is asked again."""
    post = dict(load_fixture("mastodon/account_statuses.page1.json")["body"][0])
    post = {**post, "id": "5000", "replies_count": 57, "favourites_count": 0, "reblogs_count": 0,
            "created_at": "2026-08-20T09:00:00.000Z", "in_reply_to_id": None, "reblog": None}
    comments = [_status(str(6000 + i), "5000", str(100 + i), 0) for i in range(55)]
    comments[0]["replies_count"] = 2          # its replies were past the cut
    below = [_status("7001", "6000", "201", 0), _status("7002", "6000", "202", 0)]
    replay.add_fixture("mastodon/accounts_lookup.json", query={"acct": "kandidatcontoh@warga.example"})
    replay.add(f"/api/v1/accounts/{ACCOUNT_ID}/statuses", [post])
    replay.add(f"/api/v1/accounts/{ACCOUNT_ID}/followers", [])
    filler = [_status(str(6100 + i), "6054", str(300 + i), 0) for i in range(2)]
    comments[54]["replies_count"] = 2
    replay.add("/api/v1/statuses/5000/context", {"ancestors": [], "descendants": comments + filler})
    replay.add("/api/v1/statuses/6000/context", {"ancestors": [], "descendants": below})
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    assert {g[4] for g in got} >= {"7001", "7002"}
    assert [g[1] for g in got].count("comment") == 55 and [g[1] for g in got].count("reply") == 4
    assert replay.count("/api/v1/statuses/6000/context") == 1
    assert replay.count("/api/v1/statuses/6054/context") == 0           # it had all its replies
    # 57 replies counted, 55 direct ones returned: the cut (or followers-only replies) is named
    assert "context capped" in account_runs(workspace)[-1]["message"]


def test_a_context_still_being_fetched_is_asked_again_when_the_server_says(workspace, replay):
    """Mastodon 4.4 answers a thread whose remote replies it is still fetching with what it has and
    ``Mastodon-Async-Refresh: id="…", retry=N``: the context is asked once more after N seconds."""
    serve_mastodon(replay)
    rec = load_fixture("mastodon/status_context.json")
    path = rec["request"]["path"]
    replay.routes = [r for r in replay.routes if r[0] != path]
    whole = rec["body"]
    partial = {**whole, "descendants": whole["descendants"][:1]}
    replay.add_sequence(path, [(partial, {"Mastodon-Async-Refresh": 'id="abc", retry=1'}), (whole, {})])
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    first, second = replay.arrivals(path)[:2]
    assert second - first >= 1.0 and replay.count(path) == 2
    assert rows(workspace, "SELECT count(*) FROM interactions") == [(12,)]     # as from the whole context
