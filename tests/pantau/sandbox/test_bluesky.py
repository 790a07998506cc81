"""The sandbox's Bluesky XRPC methods against the recorded shapes, over real HTTP."""

from __future__ import annotations

import html
import time

from tests.pantau.sandbox.conftest import Client, fixture

HANDLE = "calonsatu.bsky.sandbox.test"


def xrpc(client: Client, method: str, **params):
    return client.get(f"/xrpc/{method}", **params)


def whole_feed(client: Client, actor: str, **params) -> list[dict]:
    feed, cursor = [], None
    while True:
        body = client.json("/xrpc/app.bsky.feed.getAuthorFeed", actor=actor, limit="100",
                           **params, **({"cursor": cursor} if cursor else {}))
        feed += body["feed"]
        cursor = body.get("cursor")
        if not cursor:
            return feed


def pages(client: Client, method: str, key: str, **params) -> list[list]:
    out, cursor = [], None
    for _ in range(200):
        body = client.json(f"/xrpc/{method}", **params, **({"cursor": cursor} if cursor else {}))
        out.append(body[key])
        cursor = body.get("cursor")
        if cursor is None:
            assert "cursor" not in body
            return out
    raise AssertionError("paging did not end")


def busy_post(client: Client) -> dict:
    feed = whole_feed(client, HANDLE)
    return max((f["post"] for f in feed if "reason" not in f), key=lambda p: p["replyCount"])


def test_profile_shape_and_errors(client):
    p = client.json("/xrpc/app.bsky.actor.getProfile", actor=HANDLE)
    assert set(p) == set(fixture("bluesky", "getProfile.json")["body"])
    assert p["did"].startswith("did:plc:") and len(p["did"]) == 32
    assert client.json("/xrpc/app.bsky.actor.getProfile", actor=p["did"])["handle"] == HANDLE
    r = xrpc(client, "app.bsky.actor.getProfile", actor="tidak-ada.test")
    assert r.status_code == 400 and r.json() == fixture("bluesky", "getProfile.unknownHandle.json")["body"]
    r = xrpc(client, "app.bsky.actor.getProfile")
    assert r.status_code == 400 and r.json()["error"] == "InvalidRequest"


def test_rate_limit_headers(client):
    r = xrpc(client, "app.bsky.actor.getProfile", actor=HANDLE)
    assert int(r.headers["ratelimit-limit"]) > int(r.headers["ratelimit-remaining"]) >= 0
    assert int(r.headers["ratelimit-reset"]) > time.time() - 1
    assert r.headers["ratelimit-policy"].startswith(r.headers["ratelimit-limit"] + ";w=")


def test_author_feed_pins_reposts_and_cursor(client):
    did = client.json("/xrpc/app.bsky.actor.getProfile", actor=HANDLE)["did"]
    first = client.json("/xrpc/app.bsky.feed.getAuthorFeed", actor=did, limit="5", includePins="true",
                        filter="posts_with_replies")
    assert len(first["feed"]) == 6 and first["cursor"]
    assert first["feed"][0]["reason"]["$type"] == "app.bsky.feed.defs#reasonPin"
    feed = whole_feed(client, did, filter="posts_with_replies")
    reposts = [f for f in feed if f.get("reason", {}).get("$type") == "app.bsky.feed.defs#reasonRepost"]
    assert reposts and all(f["post"]["author"]["did"] != did for f in reposts)
    recorded = fixture("bluesky", "getAuthorFeed.page1.json")["body"]["feed"]
    rec_repost = next(f for f in recorded if f.get("reason", {}).get("$type", "").endswith("reasonRepost"))
    assert list(reposts[0]["reason"]) == list(rec_repost["reason"])
    replies = [f for f in feed if "reply" in f]
    assert replies and set(replies[0]["reply"]) <= {"root", "parent", "grandparentAuthor"}
    assert replies[0]["reply"]["root"]["$type"] == "app.bsky.feed.defs#postView"
    plain = next(f["post"] for f in feed if "reason" not in f and "reply" not in f)
    rec_plain = next(f["post"] for f in fixture("bluesky", "getAuthorFeed.limit100.json")["body"]["feed"]
                     if "reason" not in f and "reply" not in f and "embed" not in f["post"])
    assert list(plain) == list(rec_plain)
    uris = [f["post"]["uri"] for f in feed if "reason" not in f]
    assert len(uris) == len(set(uris))
    # the default filter leaves replies out
    assert not any("reply" in f for f in whole_feed(client, did))


def test_malformed_cursor_is_a_500(client):
    r = xrpc(client, "app.bsky.feed.getAuthorFeed", actor=HANDLE, cursor="abc")
    assert r.status_code == 500 and r.json() == fixture("bluesky", "getAuthorFeed.malformedCursor.json")["body"]


def test_thread_depth_and_hidden_members(client):
    post = busy_post(client)
    default = client.json("/xrpc/app.bsky.feed.getPostThread", uri=post["uri"])["thread"]
    assert list(default) == list(fixture("bluesky", "getPostThread.defaultDepth.json")["body"]["thread"])
    kinds = {r["$type"] for r in default["replies"]}
    assert {"app.bsky.feed.defs#blockedPost", "app.bsky.feed.defs#notFoundPost"} <= kinds

    def deepest(node, level=0, cut=None):
        if node.get("$type") != "app.bsky.feed.defs#threadViewPost":
            return level
        if "replies" not in node:
            cut.append((level, node["post"]["replyCount"]))
            return level
        return max([level] + [deepest(r, level + 1, cut) for r in node["replies"]])

    cut: list = []
    assert deepest(default, 0, cut) == 6
    assert any(level == 6 and count > 0 for level, count in cut), "beyond depth 6 there is more"
    full = client.json("/xrpc/app.bsky.feed.getPostThread", uri=post["uri"], depth="1000")["thread"]
    assert deepest(full, 0, []) > 6
    r = xrpc(client, "app.bsky.feed.getPostThread", uri=post["uri"], depth="1001")
    assert r.status_code == 400 and "maximum 1000" in r.json()["message"]
    # a reply's thread has its parents
    reply = next(r for r in full["replies"] if r["$type"].endswith("threadViewPost"))
    sub = client.json("/xrpc/app.bsky.feed.getPostThread", uri=reply["post"]["uri"])["thread"]
    assert sub["parent"]["post"]["uri"] == post["uri"]
    r = xrpc(client, "app.bsky.feed.getPostThread", uri=post["uri"][:-13] + "2222222222222")
    assert r.status_code == 400 and r.json()["error"] == "NotFound"


def test_likes_paging_short_pages_and_did_uris(client):
    feed = whole_feed(client, HANDLE)
    posts = [f["post"] for f in feed if "reason" not in f]
    short_page_seen = False
    for post in posts:
        got = pages(client, "app.bsky.feed.getLikes", "likes", uri=post["uri"], limit="3")
        likes = [x for p in got for x in p]
        assert len(likes) <= post["likeCount"]
        assert len({x["actor"]["did"] for x in likes}) == len(likes)
        short_page_seen |= any(len(p) < 3 for p in got[:-1])
    assert short_page_seen, "a taken-down actor makes a short page that still has a cursor"
    rec = fixture("bluesky", "getLikes.page1.json")["body"]
    body = client.json("/xrpc/app.bsky.feed.getLikes", uri=max(posts, key=lambda p: p["likeCount"])["uri"], limit="3")
    assert list(body) == list(rec) and set(body["likes"][0]) == set(rec["likes"][0])
    by_handle = posts[0]["uri"].replace(posts[0]["author"]["did"], HANDLE)
    r = xrpc(client, "app.bsky.feed.getLikes", uri=by_handle)
    assert r.status_code == 500 and r.json() == fixture("bluesky", "getLikes.handleUri.json")["body"]
    r = xrpc(client, "app.bsky.feed.getLikes", uri=posts[0]["uri"], limit="101")
    assert r.status_code == 400 and r.json() == fixture("bluesky", "getLikes.limit101.json")["body"]
    r = xrpc(client, "app.bsky.feed.getLikes", uri=posts[0]["uri"], cursor="abc")
    assert r.status_code == 500 and r.json() == fixture("bluesky", "getLikes.malformedCursor.json")["body"]


def test_reposted_by_quotes_followers(client):
    feed = whole_feed(client, HANDLE)
    posts = [f["post"] for f in feed if "reason" not in f]
    post = max(posts, key=lambda p: p["repostCount"])
    reposters = [x for p in pages(client, "app.bsky.feed.getRepostedBy", "repostedBy", uri=post["uri"], limit="2")
                 for x in p]
    assert 0 < len(reposters) <= post["repostCount"]
    quoted = max(posts, key=lambda p: p["quoteCount"])
    quotes = [x for p in pages(client, "app.bsky.feed.getQuotes", "posts", uri=quoted["uri"], limit="1") for x in p]
    assert len(quotes) == quoted["quoteCount"] > 0
    rec = fixture("bluesky", "getQuotes.json")["body"]["posts"][0]
    assert quotes[0]["embed"]["$type"] == rec["embed"]["$type"] == "app.bsky.embed.record#view"
    assert quotes[0]["embed"]["record"]["uri"] == quoted["uri"]
    assert quotes[0]["record"]["embed"]["record"]["uri"] == quoted["uri"]
    profile = client.json("/xrpc/app.bsky.actor.getProfile", actor=HANDLE)
    got = pages(client, "app.bsky.graph.getFollowers", "followers", actor=HANDLE, limit="10")
    followers = [x for p in got for x in p]
    assert 0 < len(followers) <= profile["followersCount"]
    body = client.json("/xrpc/app.bsky.graph.getFollowers", actor=HANDLE, limit="5")
    assert list(body) == list(fixture("bluesky", "getFollowers.page1.json")["body"])
    assert body["subject"]["did"] == profile["did"]


def test_unknown_method_and_actors_without_profile(client):
    r = client.get("/xrpc/app.bsky.feed.getPostLikes", uri="at://x/y/z")
    assert r.status_code == 501 and r.json() == fixture("bluesky", "unknownMethod.json")["body"]
    # some likers have no profile record: no displayName at all
    seen_no_name = False
    for f in whole_feed(client, HANDLE):
        if "reason" in f:
            continue
        for p in pages(client, "app.bsky.feed.getLikes", "likes", uri=f["post"]["uri"], limit="100"):
            seen_no_name |= any("displayName" not in x["actor"] for x in p)
    seen_followers = [x for p in pages(client, "app.bsky.graph.getFollowers", "followers", actor=HANDLE, limit="100")
                      for x in p]
    seen_no_name |= any("displayName" not in x for x in seen_followers)
    assert seen_no_name


def test_post_pages_for_evidence(client):
    post = busy_post(client)
    thread = client.json("/xrpc/app.bsky.feed.getPostThread", uri=post["uri"], depth="1")["thread"]
    reply = next(r["post"] for r in thread["replies"] if r["$type"].endswith("threadViewPost"))
    for p in (post, reply):
        rkey = p["uri"].rsplit("/", 1)[1]
        for who in (p["author"]["handle"], p["author"]["did"]):
            r = client.get(f"/profile/{who}/post/{rkey}")
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
            assert html.escape(p["record"]["text"])[:20] in r.text
    assert client.get(f"/profile/{HANDLE}/post/2222222222222").status_code == 404


def test_stuck_cursors_repeat_or_page_empty_endlessly(fresh):
    """The AppView's paging faults (bluesky-social/indigo#564, atproto#5375), as an option."""
    c, sb = fresh, fresh.sb
    post = max((f["post"] for f in whole_feed(c, HANDLE) if "reason" not in f), key=lambda p: p["likeCount"])
    first = c.json("/xrpc/app.bsky.feed.getLikes", uri=post["uri"], limit="2")
    assert first["cursor"]
    sb.bluesky.stuck_cursors = {"app.bsky.feed.getLikes": "repeat"}
    assert c.json("/xrpc/app.bsky.feed.getLikes", uri=post["uri"], limit="2")["cursor"] == first["cursor"]
    again = c.json("/xrpc/app.bsky.feed.getLikes", uri=post["uri"], limit="2", cursor=first["cursor"])
    assert again["cursor"] == first["cursor"] and again["likes"]
    sb.bluesky.stuck_cursors = {"app.bsky.feed.": "empty"}
    cursor, seen = first["cursor"], set()
    for _ in range(5):
        body = c.json("/xrpc/app.bsky.feed.getLikes", uri=post["uri"], limit="2", cursor=cursor)
        assert body["likes"] == [] and body["cursor"] not in seen | {cursor}
        seen.add(cursor)
        cursor = body["cursor"]
    sb.bluesky.stuck_cursors = {}
    assert c.json("/xrpc/app.bsky.feed.getLikes", uri=post["uri"], limit="2", cursor=first["cursor"])["likes"]
