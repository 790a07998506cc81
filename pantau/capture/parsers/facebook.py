"""Facebook: comments and replies on a post, as the web app's GraphQL returns them.

Shape, as public tools read it (fixtures in tests/fixtures/capture/facebook/ name file and
line): responses of ``/api/graphql/`` (sometimes several JSON documents, one a line) hold a
``Feedback`` node whose ``comment_rendering_instance_for_feed_location.comments.edges[]``
are ``Comment`` nodes (Zeeschuimer modules/facebook-comments.js): ``id`` (base64 of
``comment:POSTID_COMMENTID``), ``legacy_fbid``, ``body{text}`` or ``preferred_body{text}``,
``author{id, name, url}``, ``created_time``, ``depth`` (0 top level, 1 a reply),
``comment_action_links[]`` and ``feedback.url`` (the comment's permalink, whose path
names the page or profile that owns the post). Replies arrive the same way under a
comment's ``replies_connection``.

Reactions (likes) and shares list no one in these responses, so Facebook gives comments
and replies only.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pantau.capture.model import Found, Owners, Parsed, Response
from pantau.capture.parsers.common import documents, iso_epoch, path_parts, query, s

PLATFORM = "facebook"
_NOT_PROFILE = {"groups", "permalink.php", "story.php", "photo", "photo.php", "photos", "watch", "reel", "videos",
                "posts", "events", "profile.php", "api", "ajax", "share", "hashtag", "login", "marketplace"}


def _b64(v: str | None) -> str | None:
    if not v:
        return None
    try:
        return base64.b64decode(v + "=" * (-len(v) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def owner_of_url(url: str | None) -> tuple[str | None, str | None]:
    """``(owner handle, owner id)`` of a post or comment permalink."""
    parts = path_parts(url)
    if not parts:
        return None, None
    first = parts[0]
    q = query(url)
    if first in ("permalink.php", "story.php", "profile.php"):
        return None, s(q.get("id"))
    if first.lower() in _NOT_PROFILE:
        return None, None
    return first, None


def _text(n: dict) -> str | None:
    for k in ("preferred_body", "body", "body_renderer"):
        b = n.get(k)
        if isinstance(b, dict) and isinstance(b.get("text"), str):
            return b["text"]
    return None


def _permalink(n: dict) -> str | None:
    for al in n.get("comment_action_links") or ():
        c = al.get("comment") if isinstance(al, dict) else None
        if isinstance(c, dict) and s(c.get("url")):
            return s(c.get("url"))
    fb = n.get("feedback")
    if isinstance(fb, dict) and s(fb.get("url")):
        return s(fb.get("url"))
    return s(n.get("url"))


def _created(n: dict) -> str | None:
    for al in n.get("comment_action_links") or ():
        c = al.get("comment") if isinstance(al, dict) else None
        if isinstance(c, dict) and c.get("created_time"):
            return iso_epoch(c["created_time"])
    return iso_epoch(n.get("created_time"))


def comment(n: dict, parent: str | None, page_url: str | None) -> Found | None:
    author = n.get("author")
    if not isinstance(author, dict):
        return None
    aid, name = s(author.get("id")), s(author.get("name"))
    decoded = _b64(s(n.get("id"))) or ""
    post_id = cid = None
    if decoded.startswith("comment:"):
        ids = decoded[len("comment:"):]
        post_id, _, cid = ids.partition("_")
    cid = s(n.get("legacy_fbid")) or cid or s(n.get("id"))
    text = _text(n)
    if not cid or not aid or text is None:
        return None
    link = _permalink(n)
    owner, owner_id = owner_of_url(link)
    ahandle, _ = owner_of_url(s(author.get("url")))
    depth = n.get("depth")
    if parent is None and isinstance(depth, int) and depth > 0:
        pc = n.get("comment_parent") or n.get("parent_comment")
        parent = s(pc.get("legacy_fbid")) or s(pc.get("id")) if isinstance(pc, dict) else None
        parent = parent or "?"
    post_url = link.split("?", 1)[0] if link else None
    return Found(
        PLATFORM, "reply" if parent else "comment", actor_key=aid, actor_handle=ahandle or aid, actor_name=name,
        actor_url=s(author.get("url")), actor_id=aid, owner=owner,
        owner_refs=tuple(r for r in (post_id, owner_id) if r), owner_id=owner_id, post_id=post_id,
        post_url=post_url, interaction_id=cid, parent_id=None if parent == "?" else parent, url=link, text=text,
        created_at=_created(n), raw=n)


def _walk(obj: Any, out: list[Found], seen: set, parent: str | None, page_url: str | None) -> None:
    if isinstance(obj, list):
        for v in obj:
            _walk(v, out, seen, parent, page_url)
        return
    if not isinstance(obj, dict):
        return
    if obj.get("__typename") == "Comment":
        f = comment(obj, parent, page_url)
        if f is not None and f.interaction_id not in seen:
            seen.add(f.interaction_id)
            out.append(f)
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and k in ("feedback", "replies_connection", "edges", "node",
                                                      "replies", "comment_rendering_instance"):
                _walk(v, out, seen, f.interaction_id if f else parent, page_url)
        return
    if obj.get("__typename") == "Feedback":
        # a comment's own Feedback (``feedback:POST_COMMENT``) holds its replies
        decoded = _b64(s(obj.get("id"))) or ""
        if decoded.startswith("feedback:") and "_" in decoded:
            parent = decoded.rsplit("_", 1)[1] or parent
    for v in obj.values():
        if isinstance(v, (dict, list)):
            _walk(v, out, seen, parent, page_url)


def parse(resp: Response, owners: Owners) -> Parsed | None:
    docs, _ = documents(resp.body, resp.mime)
    if not docs:
        return None
    found: list[Found] = []
    for d in docs:
        _walk(d, found, set(), None, resp.page_url)
    if not found:
        if "comment_rendering_instance_for_feed_location" in (resp.body or ""):
            return Parsed("Feedback (no comments)")
        return None
    return Parsed("Feedback comments", found)


def page_fallback(f: Found, page_url: str | None) -> str | None:
    handle, _ = owner_of_url(page_url)
    return handle


def parse_item(item, owners: Owners) -> Parsed | None:
    if item.family not in ("comments", "posts"):
        return None
    found: list[Found] = []
    _walk(item.data, found, set(), None, item.page_url)
    return Parsed(f"zeeschuimer {item.source_platform}", found)
