"""Bluesky: recorded AppView answers parsed by the pure functions, and the real spider on a replay server."""

from __future__ import annotations

import pytest

from crawler.spiders.bluesky import actor_from_profile, feed_posts, list_interactions, thread_interactions
from tests.crawler.conftest import account_runs, crawl, interactions, load_fixture, setup_workspace

DID = "did:plc:6onvoipun67ak7vid6am3wd6"
BUSY = load_fixture("bluesky/getPostThread.depth1000.json")["request"]["query"]["uri"]
ORIGIN = "https://bsky.app"


def serve_bluesky(replay):
    replay.add_fixture("bluesky/getProfile.json", query={"actor": "kandidat-a.test"})
    replay.add_fixture("bluesky/getProfile.json", query={"actor": DID})
    for name in ("page1", "page2", "page3"):
        rec = load_fixture(f"bluesky/getAuthorFeed.{name}.json")
        q = {k: v for k, v in rec["request"]["query"].items() if k == "cursor"}
        replay.add_fixture(f"bluesky/getAuthorFeed.{name}.json", query=q)
    replay.add_fixture("bluesky/getPostThread.depth1000.json", query={"uri": BUSY})
    replay.add("/xrpc/app.bsky.feed.getPostThread", {"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
               "post": {"uri": "at://x/app.bsky.feed.post/none", "author": {"did": DID}}, "replies": []}})
    for n in (1, 2, 3, 4):
        rec = load_fixture(f"bluesky/getLikes.page{n}.json")
        q = {k: v for k, v in rec["request"]["query"].items() if k in ("uri", "cursor")}
        replay.add_fixture(f"bluesky/getLikes.page{n}.json", query=q)
    replay.add("/xrpc/app.bsky.feed.getLikes", {"likes": []})
    replay.add_fixture("bluesky/getRepostedBy.json", query={"uri": BUSY})
    replay.add("/xrpc/app.bsky.feed.getRepostedBy", {"repostedBy": []})
    replay.add_fixture("bluesky/getQuotes.json", query={"uri": BUSY})
    replay.add("/xrpc/app.bsky.feed.getQuotes", {"posts": []})
    for n in (1, 2, 3):
        rec = load_fixture(f"bluesky/getFollowers.page{n}.json")
        q = {k: v for k, v in rec["request"]["query"].items() if k == "cursor"}
        replay.add_fixture(f"bluesky/getFollowers.page{n}.json", query=q)


def watchlist(url: str) -> str:
    return f"""election: test
candidates:
  - name: Ratih
    role: dpd
    accounts:
      - platform: bluesky
        handle: kandidat-a.test
        url: {url}/profile/kandidat-a.test
"""


def expected_counts() -> dict[str, int]:
    thread = load_fixture("bluesky/getPostThread.depth1000.json")["body"]["thread"]
    items, _ = thread_interactions(thread, did=DID, target="kandidat-a.test", origin=ORIGIN, thread_post=BUSY)
    likes = sum(len(load_fixture(f"bluesky/getLikes.page{n}.json")["body"]["likes"]) for n in (1, 2, 3, 4))
    follows = sum(len(load_fixture(f"bluesky/getFollowers.page{n}.json")["body"]["followers"]) for n in (1, 2, 3))
    return {"comment": sum(i.kind == "comment" for i in items), "reply": sum(i.kind == "reply" for i in items),
            "like": likes, "repost": 4, "quote": 2, "follow": follows}


def test_feed_skips_reposts_and_keeps_pins():
    own, reposts = feed_posts(load_fixture("bluesky/getAuthorFeed.page1.json")["body"]["feed"], DID)
    assert len(reposts) == 1 and all(p["author"]["did"] == DID for p in own)
    assert own[0]["_pinned"] and not any(p["_pinned"] for p in own[1:])
    whole, _ = feed_posts(load_fixture("bluesky/getAuthorFeed.limit100.json")["body"]["feed"], DID)
    assert len({p["uri"] for p in whole}) == len(whole)


def test_thread_nesting_kinds_and_dids():
    thread = load_fixture("bluesky/getPostThread.depth1000.json")["body"]["thread"]
    items, again = thread_interactions(thread, did=DID, target="kandidat-a.test", origin=ORIGIN, thread_post=BUSY)
    assert again == []
    comments = [i for i in items if i.kind == "comment"]
    replies = [i for i in items if i.kind == "reply"]
    # 4 direct replies to the busy post; replies to the candidate's own answers are comments on those
    assert len([c for c in comments if c.post_id == BUSY]) == 4 and replies
    assert all(c.parent_id == c.post_id for c in comments)
    assert all(i.actor.actor_key.startswith("did:") for i in items)
    assert all(i.post_id.startswith("at://" + DID) for i in items)
    assert all(i.actor.platform_id != DID for i in items)


def test_thread_cut_at_default_depth_asks_again():
    thread = load_fixture("bluesky/getPostThread.defaultDepth.json")["body"]["thread"]
    _, again = thread_interactions(thread, did=DID, target="t", origin=ORIGIN, thread_post=BUSY)
    assert len(again) >= 1


def test_thread_skips_not_found_and_blocked():
    for name in ("orphanedReply", "blockedParent"):
        thread = load_fixture(f"bluesky/getPostThread.{name}.json")["body"]["thread"]
        items, _ = thread_interactions(thread, did=DID, target="t", origin=ORIGIN)
        assert all(i.actor.actor_key.startswith("did:") for i in items)


def test_likes_reposts_quotes_follow_shapes():
    likes = list_interactions(load_fixture("bluesky/getLikes.page1.json")["body"], "like", "t", BUSY, None, ORIGIN)
    assert len(likes) == 2 and all(i.created_at for i in likes)
    reposts = list_interactions(load_fixture("bluesky/getRepostedBy.json")["body"], "repost", "t", BUSY, None, ORIGIN)
    assert len(reposts) == 4
    quotes = list_interactions(load_fixture("bluesky/getQuotes.json")["body"], "quote", "t", BUSY, None, ORIGIN)
    assert len(quotes) == 2 and all(q.interaction_id.startswith("at://") for q in quotes)
    empty = list_interactions(load_fixture("bluesky/getQuotes.limit1.page3.json")["body"], "quote", "t", BUSY,
                              None, ORIGIN)
    assert empty == []
    for n in (1, 2, 3):   # short pages still carry a cursor until the end
        body = load_fixture(f"bluesky/getFollowers.page{n}.json")["body"]
        assert ("cursor" in body) == (n < 3)


def test_crawl_pages_through_short_pages_then_second_run_is_cheap(workspace, replay):
    serve_bluesky(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    kinds = [g[1] for g in got]
    want = expected_counts()
    assert {k: kinds.count(k) for k in want} == want
    assert replay.count("/xrpc/app.bsky.feed.getLikes") >= 4     # every page, short ones too
    first = len(replay.requests)
    r2 = crawl(workspace)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    assert len(replay.requests) - first <= 4, replay.requests[first:]
    assert interactions(workspace) == got
    assert account_runs(workspace)[-1]["new_items"] == 0


# ---- an AppView whose paging does not end (bluesky-social/indigo#564, atproto#5375) ------------

# an empty page with a cursor is how the AppView often ends a listing: it ends it, without a note
@pytest.mark.parametrize("how, note", [("repeat", "paging stopped: cursor repeated"), ("empty", None)])
def test_a_stuck_cursor_ends_the_listing_not_the_account(workspace, how, note):
    """Every paged method answers with the cursor it was sent (or no rows and yet another cursor):
    followed blindly, each listing runs until the account's request budget and fails it."""
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=1) as sb:
        wl = "\n".join(ln for ln in watchlist_yaml(sb.world, sb.url, {"bluesky"}).splitlines() if "collect:" not in ln)
        setup_workspace(workspace, wl + "\n", "budget = 400\n[platforms.bluesky]\npage_size = 5\n")
        sb.bluesky.stuck_cursors = {"app.bsky.": how}
        r = crawl(workspace)
        assert r.returncode == 0, r.stdout + r.stderr
        runs = account_runs(workspace)
        assert runs and {a["status"] for a in runs} == {"ok"}, runs
        if note:
            assert all(note in (a["message"] or "") for a in runs), runs
        assert sb.stats()["requests"] < 400 * len(runs)
        # what the first pages held is kept: only the endless tail is given up
        assert interactions(workspace)


def test_the_watched_accounts_own_likes_reposts_and_quotes_are_not_interactions():
    like = load_fixture("bluesky/getLikes.page1.json")["body"]
    me = load_fixture("bluesky/getProfile.json")["body"]
    own_like = {**like["likes"][0], "actor": {**like["likes"][0]["actor"], "did": DID, "handle": me["handle"]}}
    data = {**like, "likes": like["likes"] + [own_like]}
    got = list_interactions(data, "like", "t", BUSY, None, ORIGIN, did=DID)
    assert len(got) == len(like["likes"]) and all(i.actor.actor_key != DID for i in got)
    reposts = load_fixture("bluesky/getRepostedBy.json")["body"]
    data = {**reposts, "repostedBy": reposts["repostedBy"] + [{**reposts["repostedBy"][0], "did": DID}]}
    assert len(list_interactions(data, "repost", "t", BUSY, None, ORIGIN, did=DID)) == 4
    quotes = load_fixture("bluesky/getQuotes.json")["body"]
    mine = {**quotes["posts"][0], "uri": f"at://{DID}/app.bsky.feed.post/3selfquote",
            "author": {**quotes["posts"][0]["author"], "did": DID}}
    data = {**quotes, "posts": quotes["posts"] + [mine]}
    assert len(list_interactions(data, "quote", "t", BUSY, None, ORIGIN, did=DID)) == 2


def test_a_broken_handle_is_no_handle_and_links_go_by_did():
    """The AppView names an account whose handle no longer resolves ``handle.invalid``."""
    p = {**load_fixture("bluesky/getProfile.json")["body"], "handle": "handle.invalid"}
    a = actor_from_profile(p)
    assert a.handle is None and a.actor_key == p["did"]
    assert a.profile_url == f"https://bsky.app/profile/{p['did']}"
    q = load_fixture("bluesky/getQuotes.json")["body"]["posts"][0]
    q = {**q, "author": {**q["author"], "handle": "handle.invalid"}}
    items = list_interactions({"posts": [q]}, "quote", "t", BUSY, None, ORIGIN)
    assert items[0].url.startswith(f"{ORIGIN}/profile/{q['author']['did']}/post/")
    assert items[0].actor.handle is None
