"""The Bluesky AppView's public XRPC methods (logged out), as the reference AppView answers.

Shapes follow tests/fixtures/bluesky: opaque ``<ms>__<cid>`` cursors, short pages
that still carry a cursor (taken-down actors are dropped after paging), the pinned
post with ``#reasonPin``, reposts with ``#reasonRepost``, thread depth, hidden
thread members, DID-only at-uris for getLikes, and the real error bodies.

``stuck_cursors`` makes paged methods misbehave as the AppView has been seen to
(bluesky-social/indigo#564, bluesky-social/atproto#5375): ``{method prefix:
"repeat"}`` answers a request that sent a cursor with that same cursor again (the
page itself is right), ``"empty"`` with no rows and a new cursor, endlessly.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from urllib.parse import unquote

from pantau.sandbox.data import ORIGIN, Content, Event, Node, Watched, World, _hash, b32, iso_ms, tid_clock
from pantau.sandbox.http import Request, Response, dumps, json_response, raw_json_response

LABELERS = "did:plc:ar7c4by46qjdydhdevvrndac;redact"
ASSOCIATED = {"activitySubscription": {"allowSubscriptions": "followers"}}
FILTERS = ("posts_with_replies", "posts_no_replies", "posts_with_media", "posts_and_author_threads",
           "posts_with_video")
_CURSOR = re.compile(r"^(\d{1,16})__(bafyrei[a-z2-7]{20,})$")
_AT_URI = re.compile(r"^at://([^/]+)/([a-z.]+)/([a-z2-7]{13})$")


class BadCursor(Exception):
    pass


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str):
        self.status, self.error, self.message = status, error, message


def _page(items: list, key, limit: int, cursor: str | None) -> tuple[list, str | None]:
    """Newest first by ``key`` = (ms, cid); the cursor is the key of the last row returned."""
    keyed = sorted(((key(it), i) for i, it in enumerate(items)))
    keys = [k for k, _ in keyed]
    if cursor:
        m = _CURSOR.match(cursor)
        if not m:
            raise BadCursor(cursor)
        hi = bisect_left(keys, (int(m.group(1)), m.group(2)))
    else:
        hi = len(keys)
    lo = max(0, hi - limit)
    sel = [items[i] for _, i in reversed(keyed[lo:hi])]
    nxt = None
    if lo > 0 and sel:
        ms, cid = key(sel[-1])
        nxt = f"{ms}__{cid}"
    return sel, nxt


class Bluesky:
    def __init__(self, world: World):
        self.world = world
        self._basic_cache: dict[int, dict] = {}
        self._view_cache: dict[int, dict] = {}
        self._view_bytes: dict[int, bytes] = {}
        self._keys: dict[int, tuple[int, str]] = {}
        #: method prefix (``app.bsky.feed.getLikes``, ``app.bsky.``) -> "repeat" | "empty": see the module
        self.stuck_cursors: dict[str, str] = {}

    # ids ------------------------------------------------------------------
    def cid(self, *parts: object) -> str:
        return "bafyrei" + b32(_hash(self.world.seed, "cid", *parts, n=35))[:52]

    def did_of(self, c: Content, author: int) -> str:
        return self.world.did_watched(c.watched) if author == -1 else self.world.did_actor(author)

    def uri(self, c: Content, node: Node) -> str:
        coll = "app.bsky.feed.repost" if node.kind == "reblog" else "app.bsky.feed.post"
        return f"at://{self.did_of(c, node.author)}/{coll}/{node.pid}"

    def _event_key(self, e: Event) -> tuple[int, str]:
        k = self._keys.get(e.n)
        if k is None:
            k = self._keys[e.n] = (int(e.t * 1000), self.cid("ev", e.n))
        return k

    def resolve_actor(self, actor: str) -> tuple[Watched | None, int | None]:
        actor = (actor or "").strip().lstrip("@").lower()
        for w in self.world.watched:
            if w.platform == "bluesky" and (actor == w.handle or actor == self.world.did_watched(w)):
                return w, None
        idx = self.world.by_did.get(actor)
        if idx is None:
            idx = self.world.by_bsky_handle.get(actor)
        if idx is not None and not self.world.actors[idx].bsky_hidden:
            return None, idx
        return None, None

    def node_of_uri(self, uri: str, *, allow_handle: bool) -> tuple[Content | None, Node | None]:
        m = _AT_URI.match(uri or "")
        if not m:
            return None, None
        authority, coll, rkey = m.groups()
        clock = tid_clock(rkey)
        if clock is None or clock >= len(self.world.watched) or self.world.watched[clock].platform != "bluesky":
            return None, None
        c = self.world.content(clock)
        node = c.nodes.get(rkey)
        if node is None or node.hidden:
            return None, None
        did = self.did_of(c, node.author)
        handle = c.watched.handle if node.author == -1 else self.world.actors[node.author].bsky_handle
        if authority != did and not (allow_handle and authority == handle):
            return None, None
        return c, node

    # views -----------------------------------------------------------------
    def basic_watched(self, w: Watched, *, detailed_avatar: bool = True) -> dict:
        did = self.world.did_watched(w)
        return {"did": did, "handle": w.handle, "displayName": w.name,
                "avatar": f"{ORIGIN}/img/avatar/plain/{did}/{self.cid('avatar', w.stem)}",
                "associated": ASSOCIATED, "labels": [], "createdAt": iso_ms(w.created)}

    def basic_actor(self, idx: int) -> dict:
        d = self._basic_cache.get(idx)
        if d is None:
            a = self.world.actors[idx]
            d = {"did": self.world.did_actor(idx), "handle": a.bsky_handle}
            if not a.bsky_no_profile:
                d["displayName"] = "" if idx % 29 == 0 else a.name
            d["associated"] = ASSOCIATED
            d["labels"] = []
            if not a.bsky_no_profile:
                d["createdAt"] = iso_ms(a.created)
            self._basic_cache[idx] = d
        return d

    def view_actor(self, idx: int) -> dict:
        """profileView: the basic view plus description and indexedAt."""
        d = self._view_cache.get(idx)
        if d is None:
            a = self.world.actors[idx]
            d = dict(self.basic_actor(idx))
            if not a.bsky_no_profile:
                if a.bio:
                    d["description"] = a.bio
                d["indexedAt"] = iso_ms(a.created)
            self._view_cache[idx] = d
        return d

    def view_bytes(self, idx: int) -> bytes:
        """The serialised profileView of an actor, cached: actor lists are most of the traffic."""
        b = self._view_bytes.get(idx)
        if b is None:
            b = self._view_bytes[idx] = dumps(self.view_actor(idx))
        return b

    def view_watched(self, w: Watched) -> dict:
        d = self.basic_watched(w)
        d["description"] = w.bio
        d["indexedAt"] = iso_ms(w.created)
        return d

    def author(self, c: Content, author: int) -> dict:
        return self.basic_watched(c.watched) if author == -1 else self.basic_actor(author)

    def record(self, c: Content, node: Node) -> dict:
        r: dict = {"text": node.text, "$type": "app.bsky.feed.post"}
        if node.kind == "quote" and node.reblog_of is not None:
            q = node.reblog_of
            r["embed"] = {"$type": "app.bsky.embed.record", "record": {"cid": self.cid(q.pid), "uri": self.uri(c, q)}}
        r["langs"] = ["id"]
        if node.parent is not None:
            root = node.root
            r["reply"] = {"root": {"cid": self.cid(root.pid), "uri": self.uri(c, root)},
                          "parent": {"cid": self.cid(node.parent.pid), "uri": self.uri(c, node.parent)}}
        r["createdAt"] = iso_ms(node.t)
        return r

    def post_view(self, c: Content, node: Node, *, typed: bool = False) -> dict:
        d: dict = {"uri": self.uri(c, node), "cid": self.cid(node.pid), "author": self.author(c, node.author),
                   "record": self.record(c, node)}
        if node.kind == "quote" and node.reblog_of is not None:
            q = node.reblog_of
            d["embed"] = {"record": {
                "uri": self.uri(c, q), "cid": self.cid(q.pid), "author": self.author(c, q.author),
                "value": self.record(c, q), "labels": [], "likeCount": len(q.likes), "replyCount": len(q.children),
                "repostCount": len(q.reposts), "quoteCount": len(q.quotes), "indexedAt": iso_ms(q.t), "embeds": [],
                "$type": "app.bsky.embed.record#viewRecord"}, "$type": "app.bsky.embed.record#view"}
        d.update({"bookmarkCount": 0, "replyCount": len(node.children), "repostCount": len(node.reposts),
                  "likeCount": len(node.likes), "quoteCount": len(node.quotes), "indexedAt": iso_ms(node.t),
                  "labels": []})
        if typed:
            d["$type"] = "app.bsky.feed.defs#postView"
        return d

    def feed_item(self, c: Content, node: Node, *, pin: bool = False) -> dict:
        if node.kind == "reblog":
            orig = node.reblog_of
            return {"post": self.post_view(c, orig), "reason": {
                "by": self.basic_watched(c.watched), "uri": self.uri(c, node), "cid": self.cid(node.pid),
                "indexedAt": iso_ms(node.t), "$type": "app.bsky.feed.defs#reasonRepost"}}
        item: dict = {"post": self.post_view(c, node)}
        if node.parent is not None:
            reply = {"root": self.post_view(c, node.root, typed=True),
                     "parent": self.post_view(c, node.parent, typed=True)}
            if node.parent.parent is not None:
                reply["grandparentAuthor"] = self.author(c, node.parent.parent.author)
            item["reply"] = reply
        if pin:
            item["reason"] = {"$type": "app.bsky.feed.defs#reasonPin"}
        return item

    def thread_node(self, c: Content, node: Node, depth: int, level: int) -> dict:
        if node.hidden == "blocked":
            return {"uri": self.uri(c, node), "blocked": True,
                    "author": {"did": self.did_of(c, node.author), "viewer": {"blockedBy": False}},
                    "$type": "app.bsky.feed.defs#blockedPost"}
        if node.hidden == "notfound":
            return {"uri": self.uri(c, node), "notFound": True, "$type": "app.bsky.feed.defs#notFoundPost"}
        d: dict = {"post": self.post_view(c, node)}
        if level < depth:
            kids = sorted(node.children, key=lambda n: n.t, reverse=True)
            d["replies"] = [self.thread_node(c, k, depth, level + 1) for k in kids]
        d["threadContext"] = {}
        d["$type"] = "app.bsky.feed.defs#threadViewPost"
        return d

    def parent_node(self, c: Content, node: Node, height: int) -> dict:
        d: dict = {"post": self.post_view(c, node)}
        if node.parent is not None and height > 1:
            d["parent"] = self.parent_node(c, node.parent, height - 1)
        d["threadContext"] = {}
        d["$type"] = "app.bsky.feed.defs#threadViewPost"
        return d

    # endpoints -----------------------------------------------------------------
    METHODS = {
        "app.bsky.actor.getProfile": "get_profile", "app.bsky.feed.getAuthorFeed": "get_author_feed",
        "app.bsky.feed.getPostThread": "get_post_thread", "app.bsky.feed.getLikes": "get_likes",
        "app.bsky.feed.getRepostedBy": "get_reposted_by", "app.bsky.feed.getQuotes": "get_quotes",
        "app.bsky.graph.getFollowers": "get_followers",
    }

    def handle(self, req: Request) -> Response:
        method = req.path[len("/xrpc/"):]
        name = self.METHODS.get(method)
        endpoint = "bluesky." + method.rsplit(".", 1)[-1]
        if name is None:
            return self.error(501, "MethodNotImplemented", "Method Not Implemented", "bluesky.unknown")
        try:
            body = getattr(self, name)(req, method)
        except XrpcError as exc:
            return self.error(exc.status, exc.error, exc.message, endpoint)
        except BadCursor:
            return self.error(500, "InternalServerError", "Internal Server Error", endpoint)
        stuck = next((how for prefix, how in self.stuck_cursors.items() if method.startswith(prefix)), None)
        if stuck and req.query.get("cursor"):
            body = self.stick(json.loads(body) if isinstance(body, bytes) else body, req.query["cursor"], stuck)
        headers = [("atproto-content-labelers", LABELERS)]
        if isinstance(body, bytes):
            return raw_json_response(body, endpoint=endpoint, family="bluesky", headers=headers)
        return json_response(body, 200, endpoint=endpoint, family="bluesky", headers=headers)

    @staticmethod
    def stick(body: dict, sent: str, how: str) -> dict:
        """A paged answer as a stuck AppView gives it: the cursor it was sent again ("repeat"), or
        no rows and a cursor one millisecond further ("empty", a new cursor every time)."""
        if "cursor" not in body and how == "repeat":
            return body                                 # the last page stays the last page
        if how == "empty":
            m = _CURSOR.match(sent)
            body = {k: ([] if isinstance(v, list) else v) for k, v in body.items()}
            body["cursor"] = f"{int(m.group(1)) - 1}__{m.group(2)}" if m else sent + "0"
        else:
            body = {**body, "cursor": sent}
        return body

    @staticmethod
    def error(status: int, error: str, message: str, endpoint: str) -> Response:
        return json_response({"error": error, "message": message}, status, endpoint=endpoint, family="bluesky")

    @staticmethod
    def _required(req: Request, method: str, name: str) -> str:
        v = req.query.get(name)
        if v is None or v == "":
            raise XrpcError(400, "InvalidRequest", f'Params must have the property "{name}"')
        return unquote(v) if "%" in v else v

    @staticmethod
    def _int(req: Request, method: str, name: str, default: int, lo: int, hi: int) -> int:
        raw = req.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            v = int(raw)
        except ValueError:
            raise XrpcError(400, "InvalidRequest", f"Invalid {method} params: {name} must be an integer") from None
        if v > hi:
            raise XrpcError(400, "InvalidRequest", f"Invalid {method} params: integer too big (maximum {hi}, got {v})")
        if v < lo:
            raise XrpcError(400, "InvalidRequest", f"Invalid {method} params: integer too small (minimum {lo}, got {v})")
        return v

    def get_profile(self, req: Request, method: str) -> dict:
        w, idx = self.resolve_actor(self._required(req, method, "actor"))
        if w is None and idx is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        if w is not None:
            c = self.world.content(w)
            d = self.basic_watched(w)
            d["associated"] = {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False, **ASSOCIATED}
            d["description"] = w.bio
            d["indexedAt"] = iso_ms(w.created)
            d.update({"followersCount": len(c.followers), "followsCount": 12, "postsCount": len(c.own)})
            pinned = next((n for n in c.posts if n.pinned), None)
            if pinned is not None:
                d["pinnedPost"] = {"cid": self.cid(pinned.pid), "uri": self.uri(c, pinned)}
            return d
        a = self.world.actors[idx]
        d = dict(self.view_actor(idx))
        d["associated"] = {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False, **ASSOCIATED}
        d.update({"followersCount": (idx * 37) % 500, "followsCount": (idx * 53) % 300,
                  "postsCount": (idx * 97) % 3000})
        if a.bsky_no_profile:
            d.pop("createdAt", None)
        return d

    def get_author_feed(self, req: Request, method: str) -> dict:
        actor = self._required(req, method, "actor")
        limit = self._int(req, method, "limit", 50, 1, 100)
        flt = req.query.get("filter") or "posts_no_replies"
        if flt not in FILTERS:
            raise XrpcError(400, "InvalidRequest",
                            f"Invalid {method} params: filter must be one of ({', '.join(FILTERS)})")
        pins = (req.query.get("includePins") or "").lower() == "true"
        cursor = req.query.get("cursor") or None
        w, idx = self.resolve_actor(actor)
        if w is None and idx is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        if w is None:
            return {"feed": []}
        c = self.world.content(w)
        items = list(c.own)
        if flt in ("posts_with_media", "posts_with_video"):
            items = []
        elif flt == "posts_no_replies":
            items = [n for n in items if n.parent is None]
        elif flt == "posts_and_author_threads":
            def own_thread(n: Node) -> bool:
                p = n.parent
                while p is not None:
                    if p.author != -1:
                        return False
                    p = p.parent
                return True
            items = [n for n in items if own_thread(n)]
        page, nxt = _page(items, lambda n: (int(n.t * 1000), self.cid(n.pid)), limit, cursor)
        feed = [self.feed_item(c, n) for n in page]
        if pins and not cursor:
            pinned = next((n for n in c.posts if n.pinned), None)
            if pinned is not None:
                feed.insert(0, self.feed_item(c, pinned, pin=True))
                if nxt is None:                    # everything fits: the pinned post only once, first
                    feed = [feed[0]] + [f for f in feed[1:] if f["post"]["uri"] != feed[0]["post"]["uri"]
                                        or "reason" in f]
        out: dict = {"feed": feed}
        if nxt:
            out["cursor"] = nxt
        return out

    def get_post_thread(self, req: Request, method: str) -> dict:
        uri = self._required(req, method, "uri")
        depth = self._int(req, method, "depth", 6, 0, 1000)
        height = self._int(req, method, "parentHeight", 80, 0, 1000)
        c, node = self.node_of_uri(uri, allow_handle=True)
        if node is None or node.kind == "reblog":
            raise XrpcError(400, "NotFound", f"Post not found: {uri}")
        thread = self.thread_node(c, node, depth, 0)
        if node.parent is not None and height > 0:
            thread = {"post": thread["post"], "parent": self.parent_node(c, node.parent, height),
                      **{k: v for k, v in thread.items() if k != "post"}}
        return {"thread": thread}

    def _post_for_list(self, req: Request, method: str) -> tuple[str, Content | None, Node | None]:
        uri = self._required(req, method, "uri")
        m = _AT_URI.match(uri)
        if m and not m.group(1).startswith("did:"):
            raise BadCursor(uri)       # the real AppView answers a handle-based at-uri with a 500
        c, node = self.node_of_uri(uri, allow_handle=False)
        return uri, c, node

    def _visible(self, events: list[Event]) -> list[Event]:
        actors = self.world.actors
        return [e for e in events if not actors[e.actor].bsky_hidden]

    def get_likes(self, req: Request, method: str) -> bytes:
        limit = self._int(req, method, "limit", 50, 1, 100)
        uri, c, node = self._post_for_list(req, method)
        cursor = req.query.get("cursor") or None
        events = node.likes if node is not None else []
        page, nxt = _page(events, self._event_key, limit, cursor)
        likes = []
        for e in self._visible(page):
            t = iso_ms(e.t).encode()
            likes.append(b'{"actor":' + self.view_bytes(e.actor) + b',"createdAt":"' + t + b'","indexedAt":"' + t + b'"}')
        return (b'{"likes":[' + b",".join(likes) + b"]" + (b',"cursor":' + dumps(nxt) if nxt else b"")
                + b',"uri":' + dumps(uri) + b"}")

    def get_reposted_by(self, req: Request, method: str) -> bytes:
        limit = self._int(req, method, "limit", 50, 1, 100)
        uri, c, node = self._post_for_list(req, method)
        page, nxt = _page(node.reposts if node is not None else [], self._event_key, limit,
                          req.query.get("cursor") or None)
        return (b'{"repostedBy":[' + b",".join(self.view_bytes(e.actor) for e in self._visible(page)) + b"]"
                + (b',"cursor":' + dumps(nxt) if nxt else b"") + b',"uri":' + dumps(uri) + b"}")

    def get_quotes(self, req: Request, method: str) -> dict:
        limit = self._int(req, method, "limit", 50, 1, 100)
        uri, c, node = self._post_for_list(req, method)
        quotes = node.quotes if node is not None else []
        page, nxt = _page(quotes, lambda n: (int(n.t * 1000), self.cid(n.pid)), limit, req.query.get("cursor") or None)
        out: dict = {"posts": [self.post_view(c, q) for q in page]}
        if nxt:
            out["cursor"] = nxt
        out["uri"] = uri
        return out

    def get_followers(self, req: Request, method: str) -> dict | bytes:
        actor = self._required(req, method, "actor")
        limit = self._int(req, method, "limit", 50, 1, 100)
        w, idx = self.resolve_actor(actor)
        if w is None and idx is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        if w is None:
            return {"followers": [], "subject": self.view_actor(idx)}
        c = self.world.content(w)
        page, nxt = _page(c.followers, self._event_key, limit, req.query.get("cursor") or None)
        return (b'{"followers":[' + b",".join(self.view_bytes(e.actor) for e in self._visible(page)) + b"]"
                + b',"subject":' + dumps(self.view_watched(w)) + (b',"cursor":' + dumps(nxt) if nxt else b"") + b"}")
