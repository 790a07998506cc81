"""Instagram: comments, replies (child comments), likers and followers.

Shapes, as public tools read them (fixtures in tests/fixtures/capture/instagram/ name
file and line):

* web GraphQL: ``xdt_api__v1__media__media_id__comments__connection.edges[].node``
  (``pk, text, created_at, user{pk, username, full_name}, parent_comment_id``) and its
  ``..._parent_comment_id__child_comments__connection``, whose nodes may not name their
  parent: the request's ``variables.parent_comment_id`` does (instagrapi mixins/comment.py
  ``media_comments_threaded_gql_chunk``); the likers list
  ``xdt_api__v1__likes__media_id__likers.users[]`` of the media in ``variables.id``
  (instagrapi mixins/media.py ``media_likers_gql_chunk``); older ``shortcode_media`` with
  ``edge_media_to_parent_comment`` / ``edge_media_to_comment`` (``node{id, text,
  created_at, owner{id, username}, edge_threaded_comments}``) and ``edge_liked_by``
  (instaloader structures.py ``Post``); the older per-comment queries ``data.comment``
  (variables ``comment_id``) with ``edge_threaded_comments`` (replies, instaloader
  ``Post.get_comments``) or ``edge_liked_by`` (likes of the comment, not of the post:
  instaloader ``PostComment.likes``; not collected);
* v1 REST: ``/api/v1/media/{id}/comments/`` -> ``comments[]`` with ``preview_child_comments``,
  ``/comments/{cid}/child_comments/`` -> ``child_comments[]`` (instagrapi
  mixins/comment.py), ``/media/{id}/likers/`` -> ``users[]``,
  ``/friendships/{id}/followers/`` -> ``users[]``;
* post pages embed the same JSON in ``<script type="application/json">``, sometimes as a
  JSON string in ``result.response`` (PolarisQueryPreloaderCache) that needs a second parse
  (Zeeschuimer modules/instagram.js, ``extractEmbeddedInstagramJSON`` /
  ``_traverse_parsed_json``).

Zeeschuimer upstream emits ``instagram.com`` items (posts) only; ``instagram-comments``
items come from a fork's module (instagram-comments.js, commit cf897a7, not upstream):
one comment each, its parent in ``parent_comment_id`` or, from the child_comments
endpoint, only in ``source_url``.

A caption looks exactly like a comment (``pk, text, user``): anything under ``caption``
is the owner's own text and is skipped.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from pantau.capture.model import Found, Owners, Parsed, Response
from pantau.capture.parsers.common import documents, iso_epoch, path_parts, s

PLATFORM = "instagram"
_MEDIA_COMMENTS = re.compile(r"/api/v1/media/([^/]+)/comments/(?:([^/]+)/child_comments/)?")
_LIKERS = re.compile(r"/api/v1/media/([^/]+)/likers/")
_FOLLOWERS = re.compile(r"/api/v1/friendships/([^/]+)/followers/")
_FOLLOWING = re.compile(r"/api/v1/friendships/([^/]+)/following/")
_CHILD_KEYS = ("child_comments", "preview_child_comments", "inline_child_comments", "edge_threaded_comments")
_GQL_LIKERS = "xdt_api__v1__likes__media_id__likers"
_GQL_CHILDREN = "xdt_api__v1__media__media_id__comments__parent_comment_id__child_comments__connection"
#: embedded JSON strings read a second time: at most this many, each at most this long
MAX_INNER_DOCS = 50
MAX_INNER_CHARS = 20_000_000
_NOT_PROFILE = {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "api", "graphql"}


def _mid(v: Any) -> str | None:
    """A media id without the ``_ownerid`` suffix Instagram's ``id`` carries."""
    v = s(v)
    return v.split("_", 1)[0] if v else None


def _user(u: Any) -> tuple[str | None, str | None, str | None]:
    """``(id, username, full name)`` of a user object (Instagram's or Zeeschuimer's normalised one)."""
    if not isinstance(u, dict):
        return None, None, None
    uid = s(u.get("pk")) or s(u.get("pk_id")) or s(u.get("id"))
    return uid, s(u.get("username")) or s(u.get("unique_id")), s(u.get("full_name")) or s(u.get("nickname"))


def page_owner(page_url: str | None) -> tuple[str | None, str | None]:
    """``(owner handle, shortcode)`` from the page the person was on."""
    parts = path_parts(page_url)
    if not parts:
        return None, None
    if parts[0] in ("p", "reel", "reels", "tv"):
        return None, parts[1] if len(parts) > 1 else None
    if parts[0] in _NOT_PROFILE:
        return None, None
    code = parts[2] if len(parts) > 2 and parts[1] in ("p", "reel", "tv") else None
    return parts[0], code


class _Media:
    __slots__ = ("id", "code", "owner", "owner_id")

    def __init__(self, id=None, code=None, owner=None, owner_id=None):
        self.id, self.code, self.owner, self.owner_id = id, code, owner, owner_id

    def url(self) -> str | None:
        return f"https://www.instagram.com/p/{self.code}/" if self.code else None


class _Walker:
    def __init__(self, resp: Response, owners: Owners):
        self.resp = resp
        self.owners = owners
        self.found: list[Found] = []
        self.seen: set[str] = set()
        self.facts = 0               # media and profiles whose owner or handle this response named
        self.comment_likes = 0       # likes of comments seen: not collected (not likes of the post)

    # facts -------------------------------------------------------------------------
    def _media_of(self, d: dict) -> _Media | None:
        code = s(d.get("code")) or s(d.get("shortcode"))
        mid = _mid(d.get("pk")) or _mid(d.get("id"))
        if not code:
            return None
        uid, handle, _ = _user(d.get("owner") if isinstance(d.get("owner"), dict) else d.get("user"))
        m = _Media(mid, code, handle, uid)
        self.owners.alias(PLATFORM, code, mid)
        if handle:
            self.owners.post(PLATFORM, mid, handle)
            self.owners.post(PLATFORM, code, handle)
            self.facts += 1
        return m

    def _learn_user(self, d: dict) -> None:
        uid, handle, _ = _user(d)
        if uid and handle:
            self.owners.user(PLATFORM, uid, handle)
            self.facts += 1

    # interactions ----------------------------------------------------------------------
    def comment(self, d: dict, media: _Media | None, parent: str | None) -> None:
        cid = s(d.get("pk")) or s(d.get("id"))
        text = d.get("text")
        uid, handle, name = _user(d.get("user") if isinstance(d.get("user"), dict) else d.get("owner"))
        if not cid or not isinstance(text, str) or not (uid or handle) or cid in self.seen:
            return
        self.seen.add(cid)
        parent = parent or s(d.get("parent_comment_id"))
        if parent in ("0", cid):
            parent = None
        mid = media.id if media and media.id else (_mid(d.get("media_id")) or _mid(d.get("media_pk"))
                                                   or _mid(d.get("post_id")))
        code = media.code if media else None
        post_url = (media.url() if media else None) or s(d.get("post_url"))
        refs = tuple(r for r in (mid, code) if r)
        self.found.append(Found(
            PLATFORM, "reply" if parent else "comment", actor_key=uid or handle.lower(), actor_handle=handle,
            actor_name=name, actor_url=f"https://www.instagram.com/{handle}/" if handle else None, actor_id=uid,
            owner=media.owner if media else None, owner_id=media.owner_id if media else None, owner_refs=refs,
            post_id=mid, post_url=post_url, interaction_id=cid, parent_id=parent, text=text,
            created_at=iso_epoch(d.get("created_at_utc") or d.get("created_at")), raw=d))
        for key in _CHILD_KEYS:
            kids = d.get(key)
            if isinstance(kids, dict):
                kids = [e.get("node", e) for e in kids.get("edges") or () if isinstance(e, dict)]
            for kid in kids or ():
                if isinstance(kid, dict):
                    self.comment(kid.get("node", kid) if "node" in kid and isinstance(kid["node"], dict) else kid,
                                 media, cid)

    def person(self, kind: str, u: dict, media: _Media | None, owner: str | None, owner_id: str | None) -> None:
        uid, handle, name = _user(u)
        if not (uid or handle):
            return
        self.found.append(Found(
            PLATFORM, kind, actor_key=uid or handle.lower(), actor_handle=handle, actor_name=name,
            actor_url=f"https://www.instagram.com/{handle}/" if handle else None, actor_id=uid,
            owner=owner if kind == "follow" else (media.owner if media else None),
            owner_id=owner_id if kind == "follow" else (media.owner_id if media else None),
            owner_refs=tuple(r for r in ((owner_id,) if kind == "follow" else (media.id if media else None,
                                                                               media.code if media else None)) if r),
            post_id=media.id if media and kind != "follow" else None,
            post_url=media.url() if media and kind != "follow" else None, raw=u))

    # the walk ------------------------------------------------------------------------
    def walk(self, obj: Any, media: _Media | None, key: str = "", comments_here: bool = False,
             parent: str | None = None) -> None:
        if isinstance(obj, list):
            for v in obj:
                self.walk(v, media, key, comments_here, parent)
            return
        if not isinstance(obj, dict):
            return
        if key == "caption":         # the owner's own text; its user is the media's owner
            uid, handle, _ = _user(obj.get("user"))
            if media is not None and handle:
                for ref in (media.id, media.code):
                    self.owners.post(PLATFORM, ref, handle)
            return
        m = self._media_of(obj)
        if m is not None:
            media = m
        rv = self.resp.variables or {}
        if "username" in obj:
            self._learn_user(obj)
        if comments_here and ("text" in obj) and ("user" in obj or "owner" in obj):
            self.comment(obj, media, parent)
            return
        for k, v in obj.items():
            if not isinstance(v, (dict, list)):
                continue
            lk = k.lower()
            if lk in ("edge_liked_by", "edge_media_preview_like"):
                edges = [e["node"] for e in ((v.get("edges") or ()) if isinstance(v, dict) else ())
                         if isinstance(e, dict) and isinstance(e.get("node"), dict)]
                if m is None:        # the likers of a comment (``data.comment``), not of the post
                    self.comment_likes += len(edges)
                    continue
                for u in edges:
                    self.person("like", u, media, None, None)
                continue
            if lk == _GQL_LIKERS:    # the post is only in the request: variables ``id``
                liked = media if media is not None and media.id else \
                    _Media(_mid(rv.get("id")) or _mid(rv.get("media_id")))
                for u in (v.get("users") or ()) if isinstance(v, dict) else ():
                    if isinstance(u, dict):
                        self.person("like", u, liked, None, None)
                continue
            if lk == "edge_followed_by":
                uid, handle, _ = _user(obj)
                for e in (v.get("edges") or ()) if isinstance(v, dict) else ():
                    if isinstance(e, dict) and isinstance(e.get("node"), dict):
                        self.person("follow", e["node"], None, handle, uid)
                continue
            if lk == "edge_follow":          # whom the profile follows: not an interaction with it
                continue
            here = "comment" in lk and lk != "caption"
            if lk == "edges" or lk == "node":
                here = comments_here
            kid_parent = parent
            if lk == _GQL_CHILDREN:          # the nodes may not name their parent: the request does
                kid_parent = s(rv.get("parent_comment_id")) or parent
            elif lk == "edge_threaded_comments":
                # replies under something that is not a whole comment (``data.comment`` of the
                # per-comment query): the comment is that object, or the request's ``comment_id``
                kid_parent = s(obj.get("id")) or s(obj.get("pk")) or s(rv.get("comment_id")) or parent
            self.walk(v, media, lk, here, kid_parent)


def _inner_documents(docs: list) -> list:
    """JSON a page keeps as a string in ``result.response`` (PolarisQueryPreloaderCache), parsed.

    Only strings that look like a JSON object are read, a bounded number of them, and
    only one level deep: what they contain is walked like any other document.
    """
    out: list = []
    stack = list(docs)
    while stack and len(out) < MAX_INNER_DOCS:
        cur = stack.pop()
        if isinstance(cur, dict):
            res = cur.get("result")
            text = res.get("response") if isinstance(res, dict) else None
            if isinstance(text, str) and len(text) <= MAX_INNER_CHARS and text.lstrip().startswith("{"):
                try:
                    out.append(orjson.loads(text))
                except ValueError:
                    pass
            stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in cur if isinstance(v, (dict, list)))
    return out


def _graphql_media(resp: Response) -> _Media | None:
    v = resp.variables or {}
    mid = _mid(v.get("media_id")) or _mid(v.get("mediaId"))
    code = s(v.get("shortcode"))
    if not (mid or code):
        return None
    return _Media(mid, code)


def parse(resp: Response, owners: Owners) -> Parsed | None:
    docs, from_html = documents(resp.body, resp.mime)
    if from_html:
        docs = docs + _inner_documents(docs)
    if not docs:
        return None
    # a page's own HTML is about that page (its Referer is the page before)
    page_handle, page_code = page_owner(resp.url if from_html else resp.page_url)
    w = _Walker(resp, owners)
    path = resp.url.split("?", 1)[0]
    if (m := _MEDIA_COMMENTS.search(path)):
        if not any(isinstance(d, dict) and isinstance(d.get("child_comments" if m.group(2) else "comments"), list)
                   for d in docs):
            return None
        media = _Media(_mid(m.group(1)), page_code)
        for d in docs:
            w.walk(d, media, "comments", True, m.group(2))
        shape = "v1 child_comments" if m.group(2) else "v1 comments"
    elif (_LIKERS.search(path) or _FOLLOWERS.search(path)) and not any(
            isinstance(d, dict) and isinstance(d.get("users"), list) for d in docs):
        return None
    elif (m := _LIKERS.search(path)):
        media = _Media(_mid(m.group(1)), page_code)
        for d in docs:
            for u in (d.get("users") or ()) if isinstance(d, dict) else ():
                if isinstance(u, dict):
                    w.person("like", u, media, None, None)
        shape = "v1 likers"
    elif (m := _FOLLOWERS.search(path)):
        uid = s(m.group(1))
        for d in docs:
            for u in (d.get("users") or ()) if isinstance(d, dict) else ():
                if isinstance(u, dict):
                    w.person("follow", u, None, None, uid)
        shape = "v1 followers"
    elif _FOLLOWING.search(path):
        return Parsed("v1 following (not interactions with the profile)")
    else:
        media = _graphql_media(resp)
        if media is not None and media.code is None:
            media.code = page_code
        for d in docs:
            w.walk(d, media)
        if not w.found and not w.facts:
            if w.comment_likes:
                return Parsed("GraphQL comment likers (not collected)")
            return None
        shape = "embedded JSON" if from_html else "GraphQL"
    _fill_page(w.found, page_handle, page_code)
    return Parsed(shape, w.found, evidence=docs if from_html else None)


def _fill_page(found: list[Found], page_handle: str | None, page_code: str | None) -> None:
    """The page the person was on names the owner or the post when the response does not."""
    for f in found:
        if f.post_url is None and page_code and f.kind != "follow":
            f.post_url = f"https://www.instagram.com/p/{page_code}/"
            f.owner_refs = f.owner_refs + (page_code,)
        if f.owner is None and page_handle and not f.owner_refs:
            f.owner = page_handle


def page_fallback(f: Found, page_url: str | None) -> str | None:
    handle, _ = page_owner(page_url)
    return handle


def parse_item(item, owners: Owners) -> Parsed | None:
    """A Zeeschuimer item: ``instagram.com`` (a post) or a fork's ``instagram-comments`` (one comment)."""
    resp = Response(PLATFORM, item.source_url or "", page_url=item.page_url, started=item.collected_at,
                    origin="zeeschuimer")
    w = _Walker(resp, owners)
    page_handle, page_code = page_owner(item.page_url)
    if item.family == "comments":
        d = item.data
        code = page_code
        pu = s(d.get("post_url"))
        if pu:
            _, c = page_owner(pu)
            code = c or code
        # an item from the child_comments endpoint may carry parent_comment_id null: the
        # request's address (/media/{id}/comments/{parent}/child_comments/) still names it
        src = _MEDIA_COMMENTS.search((item.source_url or "").split("?", 1)[0])
        parent = s(d.get("parent_comment_id")) or (s(src.group(2)) if src else None)
        mid = _mid(d.get("post_id")) or _mid(d.get("media_id")) or (_mid(src.group(1)) if src else None)
        w.comment(d, _Media(mid, code), parent)
        _fill_page(w.found, page_handle, page_code)
        return Parsed("zeeschuimer instagram-comments", w.found)
    if item.family == "posts":
        w.walk(item.data, None)
        _fill_page(w.found, page_handle, page_code)
        return Parsed("zeeschuimer instagram.com", w.found)
    return None
