"""Bluesky AppView XRPC (public, no auth).

getProfile -> getAuthorFeed (the account's posts and replies; reposts of
others skipped; the pinned post de-duplicated) -> per post: getPostThread
(comments and replies, nested), getLikes, getRepostedBy, getQuotes; and
getFollowers. Cursors are opaque: paging goes on while the answer has one,
even after a short page, and stops (with a note) when the AppView sends back
the cursor it was given or a page that adds nothing new: it has been seen to do
either endlessly (bluesky-social/indigo#564, bluesky-social/atproto#5375), which
would spend the account's request budget and fail it. Actors are keyed by DID; the
watched account's own likes, reposts and quotes of its posts are not interactions.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlencode

from crawler.spiders.api import ApiSpider
from crawler.spiders.base import StopAccount, parse_time
from storage import platforms as registry
from storage.records import Actor, Interaction, Post

XRPC = "{base}/xrpc/{method}?{query}"
REPOST = "app.bsky.feed.defs#reasonRepost"
PIN = "app.bsky.feed.defs#reasonPin"
THREAD_POST = "app.bsky.feed.defs#threadViewPost"
PAGE = 100
#: the handle the AppView gives an account whose handle no longer resolves to its DID
INVALID_HANDLE = "handle.invalid"


def xrpc(base: str, method: str, **params) -> str:
    return XRPC.format(base=base, method=method,
                       query=urlencode({k: v for k, v in params.items() if v is not None}))


def valid_handle(profile: dict) -> str | None:
    """The profile's handle, or None for ``handle.invalid``: that is no one's handle, and a link
    or a match built on it would point nowhere (or at every broken account at once)."""
    handle = profile.get("handle")
    return handle if handle and handle != INVALID_HANDLE else None


def actor_from_profile(p: dict) -> Actor:
    handle = valid_handle(p)
    return Actor(platform="bluesky", actor_key=p["did"], handle=handle,
                 display_name=p.get("displayName") or None, bio=p.get("description") or None,
                 profile_url=f"https://bsky.app/profile/{handle or p['did']}", platform_id=p["did"])


def rkey(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def post_web_url(origin: str, post: dict) -> str:
    author = post.get("author") or {}
    return f"{origin}/profile/{valid_handle(author) or author.get('did')}/post/{rkey(post['uri'])}"


def post_counts(post: dict) -> dict[str, int | None]:
    return {"replies": post.get("replyCount"), "likes": post.get("likeCount"),
            "reposts": post.get("repostCount"), "quotes": post.get("quoteCount")}


def feed_posts(feed: list[dict], did: str) -> tuple[list[dict], list[dict]]:
    """The account's own posts of a feed page (pinned included) and the entries that are reposts."""
    own, reposts = [], []
    for item in feed:
        reason = (item.get("reason") or {}).get("$type")
        if reason == REPOST:
            reposts.append(item)
            continue
        post = item.get("post") or {}
        if (post.get("author") or {}).get("did") == did:
            own.append({**post, "_pinned": reason == PIN})
    return own, reposts


def to_post(post: dict, account_handle: str, origin: str) -> Post:
    rec = post.get("record") or {}
    return Post(platform="bluesky", post_id=post["uri"], account=account_handle,
                url=post_web_url(origin, post), created_at=rec.get("createdAt") or post.get("indexedAt"),
                text=(rec.get("text") or "")[:500] or None, reply_count=post.get("replyCount"),
                like_count=post.get("likeCount"), repost_count=post.get("repostCount"),
                quote_count=post.get("quoteCount"))


def thread_interactions(thread: dict, *, did: str, target: str, origin: str,
                        thread_post: str | None = None) -> tuple[list[Interaction], list[str]]:
    """Comments and replies of a getPostThread answer, and the uris whose thread is cut off (depth)."""
    out: list[Interaction] = []
    again: list[str] = []

    def walk(node: dict, parent: dict | None, watched_above: str | None):
        if node.get("$type", THREAD_POST) != THREAD_POST or "post" not in node:
            return   # #notFoundPost, #blockedPost: nothing to read, nothing below
        post = node["post"]
        author = post.get("author") or {}
        mine = author.get("did") == did
        if parent is not None and not mine:
            parent_mine = (parent.get("author") or {}).get("did") == did
            kind = "comment" if parent_mine else "reply"
            on = parent["uri"] if parent_mine else (watched_above or parent["uri"])
            rec = post.get("record") or {}
            out.append(Interaction(
                platform="bluesky", kind=kind, target_account=target, actor=actor_from_profile(author),
                post_id=on, post_url=f"{origin}/profile/{target}/post/{rkey(on)}",
                interaction_id=post["uri"], parent_id=parent["uri"], url=post_web_url(origin, post),
                text=rec.get("text"), created_at=rec.get("createdAt") or post.get("indexedAt"), raw=post))
        here = post["uri"] if mine else watched_above
        if "replies" not in node:
            if (post.get("replyCount") or 0) > 0:
                again.append(post["uri"])
            return
        for child in node.get("replies") or []:
            walk(child, post, here)

    walk(thread, None, thread_post)
    return out, again


class BlueskySpider(ApiSpider):
    name = "bluesky"
    platform = "bluesky"
    DEFAULT_BASE_URL = registry.get("bluesky").base_url
    WEB_HOSTS = registry.get("bluesky").web_hosts

    def site_origin(self, acc: dict) -> str:
        o = self.web_origin(acc, "https://bsky.app")
        return o

    async def start(self):
        for acc in self.accounts.values():
            acc["_base"] = self.base_url(acc)
            did = acc.get("platform_id")
            actor = did or (acc.get("display_handle") or acc["handle"]).lstrip("@")
            yield self.request(xrpc(acc["_base"], "app.bsky.actor.getProfile", actor=actor),
                               self.parse_profile, acc, meta={"what": "profile"})
            if did and did.startswith("did:"):
                # the profile is asked by DID too, so it cannot name another account: the feed
                # need not wait for it
                yield self.feed_request(acc, did)

    def feed_request(self, acc: dict, did: str, cursor: str | None = None):
        acc["_did"] = did
        extra = {"cursor": cursor} if cursor else {}
        return self.request(xrpc(acc["_base"], "app.bsky.feed.getAuthorFeed", actor=did, limit=self.page(PAGE),
                                 filter="posts_with_replies", includePins="true", **extra),
                            self.parse_feed, acc, meta={"what": "feed", "cursor": cursor})

    def next_cursor(self, acc: dict, meta, data: dict, keys: Iterable[str], seen: set[str]) -> str | None:
        """The cursor of the listing's next page, or None where it ends.

        It ends without a cursor, and also when the AppView answers with the cursor it was
        sent or with a page that holds nothing this listing has not had: it has been seen to
        do either endlessly (bluesky-social/indigo#564, bluesky-social/atproto#5375), and
        following it would spend the account's request budget and fail the account. ``keys``
        are the page's rows (entries, DIDs, uris); ``seen`` the listing's rows so far.
        """
        cursor = data.get("cursor")
        if not cursor:
            return None
        keys = list(keys)
        if not keys:
            return None             # an empty last page with a cursor: how the AppView often ends
        if cursor == meta.get("cursor"):
            self.note(acc["id"], "paging stopped: cursor repeated")
            return None
        new = set(keys) - seen
        seen |= new
        if not new:
            self.note(acc["id"], "paging stopped: page added nothing new")
            return None
        return cursor

    def on_error_response(self, response) -> Iterable:
        what = response.meta.get("what")
        acc = self.accounts[response.meta["account_id"]]
        try:
            err = self.json(response) if response.meta.get("_json") else __import__("json").loads(response.body)
        except ValueError:
            err = {}
        name = err.get("error") if isinstance(err, dict) else None
        if what == "profile":
            raise StopAccount(f"profile {acc['handle']}: {name or response.status} "
                              f"({(err or {}).get('message', '')})")
        if what == "thread" and name in ("NotFound",):
            self.note(acc["id"], "posts gone")
            return []
        return super().on_error_response(response)

    def parse_profile(self, response):
        acc = self.accounts[response.meta["account_id"]]
        p = self.json(response)
        kinds = self.kinds(acc)
        yield self.batch(acc, platform_id=p["did"])
        if acc.get("_did") != p["did"]:
            yield self.feed_request(acc, p["did"])
        if "follow" in kinds:
            fc = p.get("followersCount")
            prev = acc.get("cursors", {}).get("followers") or {}
            if fc != 0 and (self.full_pass(acc) or not prev.get("complete") or prev.get("count") != fc):
                early = bool(prev.get("complete")) and not self.full_pass(acc)
                known = self.known_actors(acc, "follow") if early else set()
                yield self.request(xrpc(acc["_base"], "app.bsky.graph.getFollowers", actor=p["did"], limit=self.page(PAGE)),
                                   self.parse_followers, acc,
                                   meta={"what": "followers", "followers_count": fc, "known": known,
                                         "cursor": None, "seen": set()})

    def parse_feed(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        cutoff = self.cutoff(acc)
        kinds = self.kinds(acc)
        own, reposts = feed_posts(data.get("feed") or [], acc["_did"])
        if reposts:
            self.note(acc["id"], "reposts of others skipped", len(reposts))
        seen = acc.setdefault("_seen_posts", set())
        target = acc.get("display_handle") or acc["handle"]
        origin = self.site_origin(acc)
        posts, requests, post_cursors = [], [], {}
        reached_end = False
        for post in own:
            rec = post.get("record") or {}
            times = [t for t in (parse_time(rec.get("createdAt")), parse_time(post.get("indexedAt"))) if t]
            when = min(times) if times else None
            if when is not None and when < cutoff:
                if not post["_pinned"]:
                    reached_end = True
                continue
            uri = post["uri"]
            if uri in seen:
                continue
            seen.add(uri)
            posts.append(to_post(post, target, origin))
            wanted = self.plan_post(acc, uri, post_counts(post))
            base = acc["_base"]
            url = post_web_url(origin, post)
            n = 0
            if "replies" in wanted and kinds & {"comment", "reply"}:
                requests.append(self.request(xrpc(base, "app.bsky.feed.getPostThread", uri=uri, depth=1000,
                                                  parentHeight=0), self.parse_thread, acc, post=uri,
                                             meta={"what": "thread", "thread_post": uri}))
                n += 1
            for count, kind, method in (("likes", "like", "app.bsky.feed.getLikes"),
                                        ("reposts", "repost", "app.bsky.feed.getRepostedBy"),
                                        ("quotes", "quote", "app.bsky.feed.getQuotes")):
                if count in wanted and kind in kinds:
                    requests.append(self.request(xrpc(base, method, uri=uri, limit=self.page(PAGE)), self.parse_list,
                                                 acc, post=uri, meta={"what": method, "kind": kind,
                                                                      "method": method, "post_url": url,
                                                                      "cursor": None, "seen": set()}))
                    n += 1
            if n == 0 and (acc["id"], uri) in self.post_done_state:
                post_cursors[uri] = self.post_done_state.pop((acc["id"], uri))
        yield self.batch(acc, posts=posts, post_cursors=post_cursors)
        yield from requests
        entries = [((item.get("reason") or {}).get("uri") or (item.get("reason") or {}).get("$type", "")) + " "
                   + (item.get("post") or {}).get("uri", "") for item in data.get("feed") or []]
        cursor = None if reached_end else self.next_cursor(acc, response.meta, data, entries,
                                                           acc.setdefault("_feed_entries", set()))
        if cursor:
            yield self.feed_request(acc, acc["_did"], cursor)

    def parse_thread(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        items, again = thread_interactions(data.get("thread") or {}, did=acc["_did"],
                                           target=acc.get("display_handle") or acc["handle"],
                                           origin=self.site_origin(acc),
                                           thread_post=response.meta["thread_post"])
        yield self.batch(acc, items)
        asked = acc.setdefault("_threads_asked", set())
        for uri in again:
            if uri in asked:
                continue
            asked.add(uri)
            above = next((i.post_id for i in items if i.interaction_id == uri), response.meta["thread_post"])
            yield self.request(xrpc(acc["_base"], "app.bsky.feed.getPostThread", uri=uri, depth=1000,
                                    parentHeight=0), self.parse_thread, acc, post=response.meta["post_key"],
                               meta={"what": "thread", "thread_post": above})

    def parse_list(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        uri = meta["post_key"]
        items = list_interactions(data, meta["kind"], acc.get("display_handle") or acc["handle"], uri,
                                  meta.get("post_url"), self.site_origin(acc), did=acc["_did"])
        yield self.batch(acc, items)
        cursor = self.next_cursor(acc, meta, data, list_keys(data, meta["kind"]), meta["seen"])
        if cursor:
            yield self.request(xrpc(acc["_base"], meta["method"], uri=uri, limit=self.page(PAGE), cursor=cursor),
                               self.parse_list, acc, post=uri,
                               meta={**{k: meta[k] for k in ("what", "kind", "method", "post_url", "seen")},
                                     "cursor": cursor})

    def parse_followers(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        target = acc.get("display_handle") or acc["handle"]
        items = [Interaction(platform="bluesky", kind="follow", target_account=target,
                             actor=actor_from_profile(p), raw=p) for p in data.get("followers") or []]
        known = meta.get("known") or set()
        all_known = bool(known) and bool(items) and all(i.actor.actor_key in known for i in items)
        cursor = None if all_known else self.next_cursor(acc, meta, data, [i.actor.actor_key for i in items],
                                                         meta["seen"])
        if cursor:
            yield self.batch(acc, items)
            yield self.request(xrpc(acc["_base"], "app.bsky.graph.getFollowers", actor=acc["_did"], limit=self.page(PAGE),
                                    cursor=cursor), self.parse_followers, acc,
                               meta={**{k: meta[k] for k in ("what", "followers_count", "known", "seen")},
                                     "cursor": cursor})
        elif data.get("cursor") and not all_known:
            yield self.batch(acc, items)    # paging stopped early: the listing is not known complete
        else:
            yield self.batch(acc, items, account_cursors={
                "followers": {"count": meta.get("followers_count"), "complete": True}})


def list_keys(data: dict, kind: str) -> list[str]:
    """The rows of a getLikes / getRepostedBy / getQuotes page (DIDs, quote uris), whoever made them."""
    if kind == "like":
        return [(like.get("actor") or {}).get("did", "") for like in data.get("likes") or []]
    if kind == "repost":
        return [p.get("did", "") for p in data.get("repostedBy") or []]
    return [q.get("uri", "") for q in data.get("posts") or []]


def list_interactions(data: dict, kind: str, target: str, uri: str, post_url: str | None,
                      origin: str, *, did: str | None = None) -> list[Interaction]:
    """getLikes / getRepostedBy / getQuotes answers -> interactions on the post ``uri``.

    The watched account's (``did``) own likes, reposts and quotes of its posts are left out:
    they are its own doing, not someone's interaction with it (threads leave its replies out too).
    """
    out = []
    if kind == "like":
        for like in data.get("likes") or []:
            if did and (like.get("actor") or {}).get("did") == did:
                continue
            out.append(Interaction(platform="bluesky", kind="like", target_account=target,
                                   actor=actor_from_profile(like["actor"]), post_id=uri, post_url=post_url,
                                   created_at=like.get("createdAt"), raw=like))
    elif kind == "repost":
        for p in data.get("repostedBy") or []:
            if did and p.get("did") == did:
                continue
            out.append(Interaction(platform="bluesky", kind="repost", target_account=target,
                                   actor=actor_from_profile(p), post_id=uri, post_url=post_url, raw=p))
    elif kind == "quote":
        for q in data.get("posts") or []:
            if did and (q.get("author") or {}).get("did") == did:
                continue
            rec = q.get("record") or {}
            out.append(Interaction(platform="bluesky", kind="quote", target_account=target,
                                   actor=actor_from_profile(q["author"]), post_id=uri, post_url=post_url,
                                   interaction_id=q["uri"], url=post_web_url(origin, q), text=rec.get("text"),
                                   created_at=rec.get("createdAt") or q.get("indexedAt"), raw=q))
    return out
