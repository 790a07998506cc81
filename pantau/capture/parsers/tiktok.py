"""TikTok: comments, replies and followers.

Shapes, as public tools read them (fixtures in tests/fixtures/capture/tiktok/ name file
and line):

* ``/api/comment/list/`` and ``/api/comment/list/reply/``: ``{comments: [{cid, text,
  create_time, aweme_id, reply_id, reply_to_reply_id, user{uid, unique_id, nickname,
  sec_uid}, share_info{url}, reply_comment, reply_comment_total}], cursor, has_more}``
  (4CAT datasources/tiktok_comments map_item; Zeeschuimer modules/tiktok-comments.js,
  whose items are these comments). ``reply_comment`` previews the first replies of a
  comment in the same shape (``reply_id`` = the comment): they are replies like those of
  ``/comment/list/reply/``, stored once by ``cid`` whichever list showed them. ``user``
  sometimes carries only ``uid`` (zeeschuimer#86): the actor is then keyed by ``uid``.
* ``/api/user/list/?scene=67&secUid=...``: the followers of the profile ``secUid``
  (``userList[].user{id, uniqueId, nickname, secUid}``); ``scene=21`` is whom it follows,
  not an interaction with it.
* video items (``itemList[]``, ``itemInfo.itemStruct``, Zeeschuimer ``tiktok.com`` items):
  ``{id, author{id, uniqueId, secUid}}`` say who owns which video.
"""

from __future__ import annotations

from typing import Any

from pantau.capture.model import Found, Owners, Parsed, Response
from pantau.capture.parsers.common import documents, iso_epoch, path_parts, query, s

PLATFORM = "tiktok"


def page_owner(page_url: str | None) -> str | None:
    parts = path_parts(page_url)
    if parts and parts[0].startswith("@") and len(parts[0]) > 1:
        return parts[0][1:]
    return None


def _user(u: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """``(id, handle, name, secUid)`` from either spelling (comment API: snake case; web: camel case)."""
    if not isinstance(u, dict):
        return None, None, None, None
    return (s(u.get("uid")) or s(u.get("id")), s(u.get("unique_id")) or s(u.get("uniqueId")),
            s(u.get("nickname")), s(u.get("sec_uid")) or s(u.get("secUid")))


def _learn_video(d: dict, owners: Owners) -> bool:
    vid = s(d.get("id")) or s(d.get("aweme_id"))
    author = d.get("author")
    if isinstance(author, dict):
        uid, handle, _, sec = _user(author)
    else:
        uid, handle, sec = s(d.get("authorId")), s(author), s(d.get("authorSecId"))
    if not vid or not handle:
        return False
    owners.post(PLATFORM, vid, handle)
    owners.user(PLATFORM, uid, handle)
    owners.user(PLATFORM, sec, handle)
    return True


def _learn(obj: Any, owners: Owners) -> int:
    """Register every video's and profile's owner in a document; how many were found."""
    n = 0
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if ("author" in cur or "authorId" in cur) and ("video" in cur or "desc" in cur) and _learn_video(cur, owners):
                n += 1
            if "uniqueId" in cur and ("secUid" in cur or "id" in cur):
                uid, handle, _, sec = _user(cur)
                owners.user(PLATFORM, uid, handle)
                owners.user(PLATFORM, sec, handle)
                n += 1
            stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in cur if isinstance(v, (dict, list)))
    return n


def comments(d: dict, page_url: str | None, forced_parent: str | None = None) -> list[Found]:
    """A comment and the replies it previews in ``reply_comment``."""
    out: list[Found] = []
    f = comment(d, page_url, forced_parent)
    if f is not None:
        out.append(f)
    cid = s(d.get("cid"))
    share = d.get("share_info") if isinstance(d.get("share_info"), dict) else {}
    for r in d.get("reply_comment") or () if isinstance(d.get("reply_comment"), list) else ():
        if isinstance(r, dict) and cid and s(r.get("cid")) != cid:
            rf = comment(r, page_url, cid, video=s(d.get("aweme_id")), share_url=s(share.get("url")))
            if rf is not None:
                out.append(rf)
    return out


def comment(d: dict, page_url: str | None, forced_parent: str | None = None, *, video: str | None = None,
            share_url: str | None = None) -> Found | None:
    """One comment; ``video`` and ``share_url`` are the enclosing comment's (a preview reply may lack them)."""
    cid = s(d.get("cid"))
    text = d.get("text")
    uid, handle, name, sec = _user(d.get("user"))
    if not cid or not isinstance(text, str) or not (uid or handle):
        return None
    parent = s(d.get("reply_id"))
    if parent == "0":
        parent = None
    parent = parent or forced_parent
    deeper = s(d.get("reply_to_reply_id"))
    if deeper and deeper != "0":
        parent = deeper
    vid = s(d.get("aweme_id")) or video
    share = d.get("share_info") if isinstance(d.get("share_info"), dict) else {}
    share_url = s(share.get("url")) or share_url
    owner = page_owner(share_url) if share_url else None
    post_url = None
    if owner and vid:
        post_url = f"https://www.tiktok.com/@{owner}/video/{vid}"
    return Found(
        PLATFORM, "reply" if parent else "comment", actor_key=uid or handle.lower(), actor_handle=handle or uid,
        actor_name=name, actor_url=f"https://www.tiktok.com/@{handle}" if handle else None, actor_id=uid,
        owner=owner, owner_refs=(vid,) if vid else (), post_id=vid, post_url=post_url, interaction_id=cid,
        parent_id=parent, text=text, created_at=iso_epoch(d.get("create_time")), raw=d)


def parse(resp: Response, owners: Owners) -> Parsed | None:
    docs, from_html = documents(resp.body, resp.mime)
    if not docs:
        return None
    path = resp.url.split("?", 1)[0]
    q = query(resp.url)
    found: list[Found] = []
    if "/api/comment/list" in path:
        reply = "/reply" in path
        parent = s(q.get("comment_id")) if reply else None
        for d in docs:
            if not isinstance(d, dict) or "comments" not in d or not isinstance(d["comments"], (list, type(None))):
                return None
            for c in d.get("comments") or ():      # null when a video has no comments
                if isinstance(c, dict):
                    found.extend(comments(c, resp.page_url, parent))
        shape = "comment/list/reply" if reply else "comment/list"
    elif "/api/user/list" in path:
        scene = q.get("scene")
        if scene != "67":
            return Parsed(f"user/list scene={scene} (not followers)")
        sec = s(q.get("secUid")) or s(q.get("sec_uid"))
        uid = s(q.get("user_id")) or s(q.get("userId"))
        for d in docs:
            if not isinstance(d, dict) or not isinstance(d.get("userList"), (list, type(None))):
                return None
            for e in d.get("userList") or ():
                u = e.get("user") if isinstance(e, dict) else None
                aid, handle, name, asec = _user(u)
                if not (aid or handle):
                    continue
                found.append(Found(
                    PLATFORM, "follow", actor_key=aid or handle.lower(), actor_handle=handle or aid, actor_name=name,
                    actor_url=f"https://www.tiktok.com/@{handle}" if handle else None, actor_id=aid,
                    owner_refs=tuple(r for r in (sec, uid) if r), raw=u))
        shape = "user/list followers"
    else:
        n = sum(_learn(d, owners) for d in docs)
        if not n:
            return None
        return Parsed("embedded JSON (videos and profiles)" if from_html else "videos and profiles")
    for d in docs:
        _learn(d, owners)
    return Parsed(shape, found)


def page_fallback(f: Found, page_url: str | None) -> str | None:
    return page_owner(page_url)


def parse_item(item, owners: Owners) -> Parsed | None:
    if item.family == "comments":
        return Parsed("zeeschuimer tiktok-comments", comments(item.data, item.page_url))
    if item.family == "posts":
        _learn_video(item.data, owners)
        return Parsed("zeeschuimer tiktok.com")
    return None
