"""Facebook: comments and replies on a post, as the web app's GraphQL returns them.

Shape (fixtures in tests/fixtures/capture/facebook/ name their sources): responses of
``/api/graphql/`` (sometimes several JSON documents, one a line) hold a ``Feedback`` node
whose ``comment_rendering_instance_for_feed_location.comments.edges[]`` are ``Comment``
nodes: ``id`` (base64 of ``comment:POSTID_COMMENTID``), ``legacy_fbid``, ``body{text}`` /
``preferred_body{text}`` / ``body_renderer{text}`` (all null for a comment that is only a
sticker, photo or GIF in ``attachments[]``), ``author{id, name, url}``, ``created_time``,
``depth`` (0 top level, 1 a reply), ``comment_parent`` (the comment replied to),
``comment_action_links[]`` and ``feedback.url`` (the comment's permalink, whose path names
the page or profile that owns the post, except for group posts and reels), and
``parent_feedback{share_fbid, owning_profile{__typename, id, name}}`` (the post and the
profile that owns it, by number). The comments of a public post as a logged-out client
receives them are published in akngg/APIs-Facebook-no-cookie-token
(``get-comments-in-posts-2.md``); comment scrapers that read the same nodes are in the
fixtures' README. Replies arrive the same way under a comment's ``replies_connection``.
A ``Story``'s ``actors[]{id, name, url}`` tie a profile's number to its address.

No upstream Zeeschuimer module reads Facebook comments; Zeeschuimer-like items
(``facebook-comments``: the ``Feedback`` object) are read the same way when a file has them.

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


def _parent_of(n: dict) -> str | None:
    """The comment a reply answers, when the node says so itself."""
    for k in ("comment_parent", "reply_parent_comment", "parent_comment"):
        pc = n.get(k)
        if isinstance(pc, dict):
            decoded = _b64(s(pc.get("id"))) or ""
            from_id = decoded.partition("_")[2] if decoded.startswith("comment:") else None
            pid = s(pc.get("legacy_fbid")) or from_id or s(pc.get("id"))
            if pid:
                return pid
    return None


def _owning_profile(n: dict) -> tuple[str | None, str | None, str | None]:
    """``(post id, owner id, owner handle)`` from ``parent_feedback``: the post and who owns it."""
    pf = n.get("parent_feedback")
    if not isinstance(pf, dict):
        return None, None, None
    op = pf.get("owning_profile") if isinstance(pf.get("owning_profile"), dict) else {}
    handle, uid = owner_of_url(s(op.get("url")))
    return s(pf.get("share_fbid")), s(op.get("id")) or uid, handle


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
    if text is None and s(n.get("legacy_fbid")) and any(k in n for k in ("body", "preferred_body", "body_renderer")):
        text = ""            # a sticker, photo or GIF alone: the body is null, the comment is real
    if not cid or not aid or text is None:
        return None
    link = _permalink(n)
    owner, owner_id = owner_of_url(link)
    pf_post, pf_owner_id, pf_owner = _owning_profile(n)
    if owner is None:        # group posts and reels: the permalink names no owner, parent_feedback does
        owner = pf_owner
        owner_id = owner_id or pf_owner_id
    post_id = post_id or pf_post
    ahandle, _ = owner_of_url(s(author.get("url")))
    parent = _parent_of(n) or parent
    depth = n.get("depth")
    if parent is None and isinstance(depth, int) and depth > 0:
        parent = "?"
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


def _learn(obj: Any, owners: Owners) -> None:
    """Which handle a profile number has: a Story's ``actors[]`` and comment authors with an address."""
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            people = list(cur.get("actors") or ()) if isinstance(cur.get("actors"), list) else []
            if cur.get("__typename") == "Comment" and isinstance(cur.get("author"), dict):
                people.append(cur["author"])
            for a in people:
                if isinstance(a, dict):
                    handle, _ = owner_of_url(s(a.get("url")))
                    owners.user(PLATFORM, s(a.get("id")), handle)
            stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in cur if isinstance(v, (dict, list)))


def parse(resp: Response, owners: Owners) -> Parsed | None:
    docs, _ = documents(resp.body, resp.mime)
    if not docs:
        return None
    found: list[Found] = []
    for d in docs:
        _walk(d, found, set(), None, resp.page_url)
        _learn(d, owners)
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
    _learn(item.data, owners)
    return Parsed(f"zeeschuimer {item.source_platform}", found)
