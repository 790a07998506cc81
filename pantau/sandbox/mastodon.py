"""The public Mastodon REST API (logged out), as a Mastodon 4.x server answers it.

Shapes follow tests/fixtures/mastodon (key order, conditional keys, Link headers
with internal ids, the logged-out context limits, ``hide_collections``).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from datetime import datetime, timezone

from pantau.sandbox.data import LOCAL_DOMAIN, ORIGIN, Actor, Content, Node, Watched, World, iso_ms
from pantau.sandbox.http import Request, Response, dumps, int_param, json_list, json_response, link, raw_json_response

CACHE_PUBLIC = "max-age=15, public, stale-while-revalidate=30, stale-if-error=86400"
CONTEXT_ANCESTORS = 40
CONTEXT_DESCENDANTS = 60
CONTEXT_DEPTH = 20
QUOTE_APPROVAL_PUBLIC = {"automatic": ["public"], "manual": [], "current_user": "denied"}
QUOTE_APPROVAL_NONE = {"automatic": [], "manual": [], "current_user": "denied"}

_ROUTES = [
    (re.compile(r"^/api/v1/accounts/lookup$"), "lookup"),
    (re.compile(r"^/api/v1/accounts/(\d+)$"), "account"),
    (re.compile(r"^/api/v1/accounts/(\d+)/statuses$"), "statuses"),
    (re.compile(r"^/api/v1/accounts/(\d+)/followers$"), "followers"),
    (re.compile(r"^/api/v1/statuses/(\d+)$"), "status"),
    (re.compile(r"^/api/v1/statuses/(\d+)/context$"), "context"),
    (re.compile(r"^/api/v1/statuses/(\d+)/favourited_by$"), "favourited_by"),
    (re.compile(r"^/api/v1/statuses/(\d+)/reblogged_by$"), "reblogged_by"),
    (re.compile(r"^/api/v(1|2)/instance$"), "instance"),
]


def _date(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d")


def _midnight(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT00:00:00.000Z")


class Mastodon:
    def __init__(self, world: World):
        self.world = world
        self._actor_cache: dict[int, dict] = {}
        self._actor_bytes: dict[int, bytes] = {}

    # ids ---------------------------------------------------------------------
    def watched_id(self, w: Watched) -> str:
        return str((int(w.created * 1000) << 16) | (0xFFFF - w.idx))

    def _account_of_id(self, raw: str) -> tuple[Watched | None, Actor | None]:
        v = int(raw)
        low = v & 0xFFFF
        if low >= 0xFFFF - 63:
            idx = 0xFFFF - low
            if idx < len(self.world.watched):
                w = self.world.watched[idx]
                if w.platform == "mastodon" and self.watched_id(w) == raw:
                    return w, None
            return None, None
        if low < len(self.world.actors) and self.world.actors[low].masto_id == raw:
            return None, self.world.actors[low]
        return None, None

    def _node_of_id(self, raw: str) -> tuple[Content | None, Node | None]:
        idx = (int(raw) >> 10) & 63
        if idx >= len(self.world.watched) or self.world.watched[idx].platform != "mastodon":
            return None, None
        c = self.world.content(idx)
        return c, c.nodes.get(raw)

    # entities ------------------------------------------------------------------
    def account_json(self, w: Watched) -> dict:
        c = self.world.content(w)
        last = c.own[-1].t if c.own else w.created
        return {
            "id": self.watched_id(w), "username": w.stem, "acct": w.stem, "display_name": w.name,
            "locked": False, "bot": False, "discoverable": True, "indexable": True, "group": False,
            "created_at": _midnight(w.created),
            "note": f"<p>{html.escape(w.bio)}</p>",
            "url": f"{ORIGIN}/@{w.stem}", "uri": f"https://{LOCAL_DOMAIN}/users/{w.stem}",
            "avatar": f"{ORIGIN}/avatars/original/missing.png", "avatar_static": f"{ORIGIN}/avatars/original/missing.png",
            "avatar_description": "",
            "header": f"{ORIGIN}/headers/original/missing.png", "header_static": f"{ORIGIN}/headers/original/missing.png",
            "header_description": "",
            "followers_count": len(c.followers), "following_count": 12, "statuses_count": len(c.own),
            "last_status_at": _date(last), "hide_collections": w.hide_collections,
            "show_media": True, "show_media_replies": True, "show_featured": True, "noindex": False,
            "feature_approval": {"automatic": ["public"], "manual": [], "current_user": "denied"},
            "emojis": [], "roles": [], "fields": [
                {"name": "Kampanye", "value": html.escape(w.candidate), "verified_at": None}],
        }

    def actor_json(self, a: Actor) -> dict:
        cached = self._actor_cache.get(a.idx)
        if cached is not None:
            return cached
        local = a.masto_domain is None
        host = LOCAL_DOMAIN if local else a.masto_domain
        d: dict = {
            "id": a.masto_id, "username": a.masto_username, "acct": a.masto_acct, "display_name": a.name,
            "locked": False, "bot": a.kind == "bot", "discoverable": None if a.idx % 11 == 0 else True,
            "indexable": a.idx % 3 == 0, "group": False, "created_at": _midnight(a.created),
            "note": f"<p>{html.escape(a.bio)}</p>" if a.bio else "",
            "url": f"{ORIGIN}/@{a.masto_acct}", "uri": f"https://{host}/users/{a.masto_username}",
            "avatar": f"{ORIGIN}/avatars/original/missing.png", "avatar_static": f"{ORIGIN}/avatars/original/missing.png",
            "avatar_description": "",
            "header": f"{ORIGIN}/headers/original/missing.png", "header_static": f"{ORIGIN}/headers/original/missing.png",
            "header_description": "",
            "followers_count": (a.idx * 37) % 500, "following_count": (a.idx * 53) % 300,
            "statuses_count": (a.idx * 97) % 3000,
            "last_status_at": None if a.idx % 13 == 0 else _date(self.world.anchor - (a.idx % 20) * 86400),
            "hide_collections": False, "show_media": True, "show_media_replies": True, "show_featured": True,
        }
        if local:
            d["noindex"] = False
        d["feature_approval"] = {"automatic": [], "manual": [], "current_user": "denied"}
        d["emojis"] = []
        if local:
            d["roles"] = []
        d["fields"] = []
        self._actor_cache[a.idx] = d
        return d

    def actor_bytes(self, idx: int) -> bytes:
        """The serialised account of an actor, cached: account lists are most of the traffic."""
        b = self._actor_bytes.get(idx)
        if b is None:
            b = self._actor_bytes[idx] = dumps(self.actor_json(self.world.actors[idx]))
        return b

    def accounts(self, events: list, endpoint: str, headers: list[tuple[str, str]]) -> Response:
        return raw_json_response(json_list([self.actor_bytes(e.actor) for e in events]), endpoint=endpoint,
                                 family="mastodon", headers=[("Cache-Control", CACHE_PUBLIC), *headers])

    def _author(self, c: Content, node: Node) -> tuple[dict, bool, str, str]:
        """(account json, is local, acct, username) of a node's author."""
        if node.author == -1:
            w = c.watched
            return self.account_json(w), True, w.stem, w.stem
        a = self.world.actors[node.author]
        return self.actor_json(a), a.masto_domain is None, a.masto_acct, a.masto_username

    def _author_id(self, c: Content, author: int) -> str:
        return self.watched_id(c.watched) if author == -1 else self.world.actors[author].masto_id

    def status_json(self, c: Content, node: Node) -> dict:
        account, local, acct, username = self._author(c, node)
        if node.kind == "reblog":
            orig = node.reblog_of
            uri = f"https://{LOCAL_DOMAIN}/users/{username}/statuses/{node.pid}/activity"
            d = self._base(node, None, None, uri, f"{ORIGIN}/@{acct}/{node.pid}", 0, 0, 0, None, "")
            d["reblog"] = self.status_json(c, orig)
            d["application"] = None
            d["account"] = account
            d.update({"media_attachments": [], "mentions": [], "tags": [], "emojis": [], "tagged_collections": [],
                      "quote": None, "card": None, "poll": None, "quote_approval": QUOTE_APPROVAL_PUBLIC})
            return d
        parent = node.parent
        reply_to = parent.pid if parent is not None else None
        reply_account = None
        mentions: list[dict] = []
        prefix = ""
        if parent is not None:
            # Mastodon carries in_reply_to_account_id over when someone answers their own reply
            p = node
            while p.parent.author == p.author and p.parent.parent is not None:
                p = p.parent
            reply_account = self._author_id(c, p.parent.author)
            if parent.author != node.author:
                pacc, _, pacct, puser = self._author(c, parent)
                mentions.append({"id": pacc["id"], "username": puser, "url": pacc["url"], "acct": pacct})
                prefix = (f'<span class="h-card" translate="no"><a href="{pacc["url"]}" class="u-url mention">'
                          f'@<span>{html.escape(puser)}</span></a></span> ')
        if local:
            uri = f"https://{LOCAL_DOMAIN}/users/{username}/statuses/{node.pid}"
        else:
            uri = f"https://{self.world.actors[node.author].masto_domain}/users/{username}/statuses/{node.pid[::-1][:18]}"
        content = f"<p>{prefix}{html.escape(node.text)}</p>"
        d = self._base(node, reply_to, reply_account, uri, f"{ORIGIN}/@{acct}/{node.pid}", len(node.children),
                       len(node.reposts), len(node.likes), "id", content)
        d["reblog"] = None
        if local:
            d["application"] = {"name": "Web", "website": None}
        d["account"] = account
        d.update({"media_attachments": [], "mentions": mentions, "tags": [], "emojis": [], "tagged_collections": [],
                  "quote": None, "card": None, "poll": None,
                  "quote_approval": QUOTE_APPROVAL_PUBLIC if local else QUOTE_APPROVAL_NONE})
        return d

    @staticmethod
    def _base(node: Node, reply_to, reply_account, uri, url, replies, reblogs, favs, language, content) -> dict:
        return {
            "id": node.pid, "created_at": iso_ms(node.t), "in_reply_to_id": reply_to,
            "in_reply_to_account_id": reply_account, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": language, "uri": uri, "url": url if node.kind != "reblog" else uri,
            "replies_count": replies, "reblogs_count": reblogs, "favourites_count": favs, "quotes_count": 0,
            "edited_at": None, "content": content,
        }

    # endpoints -------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        for pattern, name in _ROUTES:
            m = pattern.match(req.path)
            if m:
                return getattr(self, "ep_" + name)(req, *m.groups())
        return self.not_found("mastodon.unknown")

    @staticmethod
    def not_found(endpoint: str, message: str = "Record not found") -> Response:
        return json_response({"error": message}, 404, endpoint=endpoint, family="mastodon",
                             headers=[("Cache-Control", "private, no-store")])

    @staticmethod
    def ok(obj, endpoint: str, headers: list[tuple[str, str]] | None = None) -> Response:
        return json_response(obj, 200, endpoint=endpoint, family="mastodon",
                             headers=[("Cache-Control", CACHE_PUBLIC), *(headers or [])])

    def ep_instance(self, req: Request, _v: str) -> Response:
        return self.ok({"uri": LOCAL_DOMAIN, "domain": LOCAL_DOMAIN, "title": "Mastodon Sandbox",
                        "version": "4.5.0", "description": "Pantau sandbox: fictional accounts only."},
                       "mastodon.instance")

    def ep_lookup(self, req: Request) -> Response:
        acct = (req.query.get("acct") or "").strip().lstrip("@").lower()
        user, _, domain = acct.partition("@")
        if domain in ("", LOCAL_DOMAIN):
            w = self.world.find("mastodon", user)
            if w is not None:
                return self.ok(self.account_json(w), "mastodon.lookup")
        for a in self.world.actors:
            if a.masto_acct.lower() == acct or (not domain or domain == LOCAL_DOMAIN) and a.masto_domain is None \
                    and a.masto_username.lower() == user:
                return self.ok(self.actor_json(a), "mastodon.lookup")
        return self.not_found("mastodon.lookup")

    def ep_account(self, req: Request, raw: str) -> Response:
        w, a = self._account_of_id(raw)
        if w is not None:
            return self.ok(self.account_json(w), "mastodon.account")
        if a is not None:
            return self.ok(self.actor_json(a), "mastodon.account")
        return self.not_found("mastodon.account")

    def ep_statuses(self, req: Request, raw: str) -> Response:
        w, a = self._account_of_id(raw)
        if w is None:
            if a is not None:   # actors' own timelines are not part of the sandbox world
                return self.ok([], "mastodon.statuses")
            return self.not_found("mastodon.statuses")
        c = self.world.content(w)
        q = req.query
        truthy = ("true", "1", "yes", "on")
        items = sorted(c.own, key=lambda n: int(n.pid))
        if q.get("exclude_replies", "").lower() in truthy:
            items = [n for n in items if n.parent is None or n.parent.author == -1]
        if q.get("exclude_reblogs", "").lower() in truthy:
            items = [n for n in items if n.kind != "reblog"]
        if q.get("only_media", "").lower() in truthy or q.get("pinned", "").lower() in truthy:
            items = []
        keep = {k: q[k] for k in ("limit", "pinned", "tagged", "only_media", "exclude_replies", "exclude_reblogs")
                if k in q}
        page, headers = paginate(items, lambda n: int(n.pid), q, 20, 40, req.path, keep, prev="min_id")
        return self.ok([self.status_json(c, n) for n in page], "mastodon.statuses", headers)

    def ep_followers(self, req: Request, raw: str) -> Response:
        w, a = self._account_of_id(raw)
        if w is None:
            if a is not None:
                return self.ok([], "mastodon.followers")
            return self.not_found("mastodon.followers")
        if w.hide_collections:
            return self.ok([], "mastodon.followers")
        c = self.world.content(w)
        keep = {k: req.query[k] for k in ("limit",) if k in req.query}
        page, headers = paginate(c.followers, lambda e: e.n, req.query, 40, 80, req.path, keep)
        return self.accounts(page, "mastodon.followers", headers)

    def _status_or_404(self, raw: str, endpoint: str):
        c, node = self._node_of_id(raw)
        if node is None or node.kind == "quote":
            return None, None, self.not_found(endpoint, "Not Found")
        return c, node, None

    def ep_status(self, req: Request, raw: str) -> Response:
        c, node, err = self._status_or_404(raw, "mastodon.status")
        return err or self.ok(self.status_json(c, node), "mastodon.status")

    def ep_context(self, req: Request, raw: str) -> Response:
        c, node, err = self._status_or_404(raw, "mastodon.context")
        if err:
            return err
        if node.kind == "reblog":
            node = node.reblog_of
        ancestors = []
        p = node.parent
        while p is not None and len(ancestors) < CONTEXT_ANCESTORS:
            ancestors.append(p)
            p = p.parent
        ancestors.reverse()
        descendants: list[Node] = []

        def order(children: list[Node], author: int) -> list[Node]:
            kids = sorted(children, key=lambda n: int(n.pid))
            return [k for k in kids if k.author == author] + [k for k in kids if k.author != author]

        stack = [(ch, 1) for ch in reversed(order(node.children, node.author))]
        while stack and len(descendants) < CONTEXT_DESCENDANTS:
            n, depth = stack.pop()
            descendants.append(n)
            if depth < CONTEXT_DEPTH:
                stack.extend((ch, depth + 1) for ch in reversed(order(n.children, n.author)))
        body = {"ancestors": [self.status_json(c, n) for n in ancestors],
                "descendants": [self.status_json(c, n) for n in descendants]}
        return self.ok(body, "mastodon.context")

    def ep_favourited_by(self, req: Request, raw: str) -> Response:
        c, node, err = self._status_or_404(raw, "mastodon.favourited_by")
        if err:
            return err
        keep = {k: req.query[k] for k in ("limit",) if k in req.query}
        page, headers = paginate(node.likes, lambda e: e.n, req.query, 40, 80, req.path, keep)
        return self.accounts(page, "mastodon.favourited_by", headers)

    def ep_reblogged_by(self, req: Request, raw: str) -> Response:
        c, node, err = self._status_or_404(raw, "mastodon.reblogged_by")
        if err:
            return err
        keep = {k: req.query[k] for k in ("limit",) if k in req.query}
        page, headers = paginate(node.reposts, lambda e: (int(e.t * 1000) << 16) | (e.n & 0xFFFF), req.query, 40, 80,
                                 req.path, keep)
        return self.accounts(page, "mastodon.reblogged_by", headers)


def paginate(items: list, key, query: dict[str, str], default: int, maximum: int, path: str,
             keep: dict[str, str], prev: str = "since_id") -> tuple[list, list[tuple[str, str]]]:
    """Mastodon's id pagination: newest first; ``max_id``/``since_id``/``min_id``; a ``Link`` header
    with ``next`` only after a full page and ``prev`` whenever the page is not empty."""
    limit = int_param(query, "limit", default)
    if limit is None or limit < 1:
        limit = default
    limit = min(limit, maximum)
    keys = [key(i) for i in items]          # ascending
    order = sorted(range(len(items)), key=keys.__getitem__)
    skeys = [keys[i] for i in order]

    def num(name: str) -> int | None:
        raw = query.get(name)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            return None

    max_id, since_id, min_id = num("max_id"), num("since_id"), num("min_id")
    hi = len(skeys) if max_id is None else bisect_left(skeys, max_id)
    if min_id is not None and since_id is None:
        lo = bisect_right(skeys, min_id)
        sel = order[lo:min(hi, lo + limit)]
        sel.reverse()
    else:
        lo = 0 if since_id is None else bisect_right(skeys, since_id)
        sel = order[max(lo, hi - limit):hi]
        sel.reverse()
    page = [items[i] for i in sel]
    headers: list[tuple[str, str]] = []
    if page:
        links = []
        if len(page) == limit:
            links.append(f'<{link(path, {**keep, "max_id": str(key(page[-1]))})}>; rel="next"')
        links.append(f'<{link(path, {**keep, prev: str(key(page[0]))})}>; rel="prev"')
        headers.append(("Link", ", ".join(links)))
    return page, headers
