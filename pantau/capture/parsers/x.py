"""X (Twitter) web timelines: replies, quotes, reposts, likes and followers as shown.

Shapes, as public tools read them (fixtures in tests/fixtures/capture/x/ name file and line):

* GraphQL ``/i/api/graphql/{id}/{Operation}``: tweets as ``tweet_results.result`` with
  ``__typename`` ``Tweet`` or ``TweetWithVisibilityResults{tweet}``; ``rest_id``,
  ``legacy{full_text, created_at, conversation_id_str, in_reply_to_status_id_str,
  in_reply_to_screen_name, quoted_status_id_str, retweeted_status_result}``,
  ``quoted_status_result``, and the author in ``core.user_results.result`` whose
  ``screen_name``/``name`` moved in 2025 from ``legacy`` to ``core`` (4CAT
  datasources/twitter-import/search_twitter.py map_item_modern; Zeeschuimer
  modules/twitter.js, whose ``twitter.com`` items are these tweet results). The user can
  be missing (``core.user_results == {}``): both tools then take the screen name from the
  tweet's own media, ``legacy.(extended_)entities.media[].expanded_url`` =
  ``x.com/<screen_name>/status/<id>/...`` (``_screen_name_from_media``); Pantau does too,
  but only from a media URL whose status id is the tweet's own (media reused from
  another tweet names that tweet's author).
* ``TweetDetail``: the conversation of a post in
  ``threaded_conversation_with_injections_v2.instructions[].entries[]``.
* ``Retweeters`` / ``Favoriters`` / ``Followers``: ``user_results.result`` entries
  (reposts, likes, follows of the post ``variables.tweetId`` / the profile ``variables.userId``).

Rules: a tweet whose ``in_reply_to_status_id`` is the conversation's root is a comment on
the root, deeper ones are replies in the root's thread; a tweet quoting another is a quote;
a retweet in a timeline is a repost. The watched account's own tweets are posts.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from pantau.capture.model import Found, Owners, Parsed, Response
from pantau.capture.parsers.common import documents, path_parts, s

PLATFORM = "x"
_USER_LISTS = {"Retweeters": "repost", "Favoriters": "like", "Followers": "follow",
               "BlueVerifiedFollowers": "follow", "VerifiedFollowers": "follow", "FollowersYouKnow": "follow"}
_NOT_USER_LISTS = {"Following", "FollowingTimeline"}
_MEDIA_URL = re.compile(r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/([A-Za-z0-9_]{1,15})/status/(\d+)")
_NOT_PROFILE = {"i", "home", "search", "explore", "notifications", "messages", "settings", "compose", "hashtag"}


def page_owner(page_url: str | None) -> tuple[str | None, str | None]:
    """``(handle, status id)`` of a page like ``/calonsatu/status/123``."""
    parts = path_parts(page_url)
    if not parts or parts[0].lower() in _NOT_PROFILE:
        return None, None
    sid = parts[2] if len(parts) > 2 and parts[1] == "status" else None
    return parts[0], sid


def _time(v: Any) -> str | None:
    v = s(v)
    if not v:
        return None
    try:
        return datetime.strptime(v, "%a %b %d %H:%M:%S %z %Y").astimezone(timezone.utc).isoformat(
            timespec="seconds").replace("+00:00", "Z")
    except ValueError:
        return v if v[:4].isdigit() else None


def user_of(u: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """``(id, screen name, name, bio)`` of a GraphQL user result, a v1.1 user, or Zeeschuimer's normalised one."""
    if not isinstance(u, dict):
        return None, None, None, None
    if u.get("__typename") == "UserUnavailable":
        return None, None, None, None
    core = u.get("core") if isinstance(u.get("core"), dict) else {}
    legacy = u.get("legacy") if isinstance(u.get("legacy"), dict) else {}
    uid = s(u.get("rest_id")) or s(u.get("id_str")) or s(u.get("id"))
    handle = s(core.get("screen_name")) or s(legacy.get("screen_name")) or s(u.get("screen_name")) \
        or s(u.get("unique_id"))
    name = s(core.get("name")) or s(legacy.get("name")) or s(u.get("name")) or s(u.get("nickname"))
    bio = s(legacy.get("description")) or s((u.get("profile_bio") or {}).get("description")
                                            if isinstance(u.get("profile_bio"), dict) else None) \
        or s(u.get("description")) or s(u.get("signature"))
    return uid, handle, name, bio


def unwrap(t: Any) -> dict | None:
    """A tweet result without its visibility wrapper; None for tombstones and unavailable tweets."""
    if not isinstance(t, dict):
        return None
    if t.get("__typename") == "TweetWithVisibilityResults" or ("tweet" in t and "legacy" not in t):
        t = t.get("tweet")
        if not isinstance(t, dict):
            return None
    if t.get("__typename") in ("TweetTombstone", "TweetUnavailable"):
        return None
    if not isinstance(t.get("legacy"), dict):
        return None
    return t


def _screen_name_from_media(t: dict) -> str | None:
    """The author's screen name in the address of the tweet's own photo or video.

    ``expanded_url`` is ``https://x.com/<screen_name>/status/<tweet id>/photo/1``; media a
    tweet reuses from another carries that other tweet's id (and author), so only a URL
    naming this tweet's id counts.
    """
    legacy = t["legacy"]
    tid = s(t.get("rest_id")) or s(legacy.get("id_str"))
    for container in ("extended_entities", "entities"):
        box = legacy.get(container)
        for m in (box.get("media") or ()) if isinstance(box, dict) else ():
            url = s(m.get("expanded_url")) if isinstance(m, dict) else None
            hit = _MEDIA_URL.match(url) if url else None
            if hit and tid and hit.group(2) == tid:
                return hit.group(1)
    return None


def _author(t: dict):
    core = t.get("core") if isinstance(t.get("core"), dict) else {}
    ur = core.get("user_results") if isinstance(core.get("user_results"), dict) else {}
    res = ur.get("result")
    if res is None and isinstance(t.get("user"), dict):
        res = t["user"]
    uid, handle, name, bio = user_of(res)
    uid = uid or s(t["legacy"].get("user_id_str"))
    handle = handle or _screen_name_from_media(t)
    return uid, handle, name, bio


class _Tweets:
    def __init__(self, owners: Owners):
        self.owners = owners
        self.found: list[Found] = []
        self.seen: set[str] = set()
        self.tweets = 0

    def tweet(self, t: Any) -> None:
        t = unwrap(t)
        if t is None:
            return
        legacy = t["legacy"]
        tid = s(t.get("rest_id")) or s(legacy.get("id_str")) or s(t.get("id"))
        if not tid or tid in self.seen:
            return
        self.seen.add(tid)
        self.tweets += 1
        uid, handle, name, bio = _author(t)
        self.owners.post(PLATFORM, tid, handle)
        self.owners.user(PLATFORM, uid, handle)
        # tweets nested in this one are tweets too (the quoted one, the retweeted one)
        quoted = t.get("quoted_status_result")
        q = unwrap(quoted.get("result")) if isinstance(quoted, dict) else None
        if q is not None:
            self.tweet(q)
        rt = legacy.get("retweeted_status_result")
        r = unwrap(rt.get("result")) if isinstance(rt, dict) else None
        if r is not None:
            self.tweet(r)
        if not (uid or handle):
            return
        actor = dict(actor_key=uid or handle.lower(), actor_handle=handle, actor_name=name,
                     actor_url=f"https://x.com/{handle}" if handle else None, actor_id=uid)
        url = f"https://x.com/{handle or 'i/web'}/status/{tid}"
        note = ((t.get("note_tweet") or {}).get("note_tweet_results") or {}).get("result") \
            if isinstance(t.get("note_tweet"), dict) else None
        text = (note.get("text") if isinstance(note, dict) else None) or legacy.get("full_text") or legacy.get("text")
        created = _time(legacy.get("created_at"))
        if r is not None:
            rid = s(r.get("rest_id")) or s(r["legacy"].get("id_str"))
            _, rhandle, _, _ = _author(r)
            self.found.append(Found(PLATFORM, "repost", **actor, owner=rhandle, owner_refs=(rid,), post_id=rid,
                                    post_url=f"https://x.com/{rhandle or 'i/web'}/status/{rid}", url=url,
                                    created_at=created, raw=_slim(t)))
            return
        parent = s(legacy.get("in_reply_to_status_id_str"))
        root = s(legacy.get("conversation_id_str"))
        if parent:
            root = root or parent
            direct = parent == root
            self.found.append(Found(
                PLATFORM, "comment" if direct else "reply", **actor,
                owner=s(legacy.get("in_reply_to_screen_name")) if direct else None, owner_refs=(root,),
                post_id=root, post_url=f"https://x.com/i/web/status/{root}", interaction_id=tid,
                parent_id=None if direct else parent, url=url, text=text, created_at=created, raw=_slim(t)))
            return
        qid = s(legacy.get("quoted_status_id_str")) or (s(q.get("rest_id")) if q else None)
        if qid:
            qhandle = _author(q)[1] if q is not None else None
            self.found.append(Found(PLATFORM, "quote", **actor, owner=qhandle, owner_refs=(qid,), post_id=qid,
                                    post_url=f"https://x.com/{qhandle or 'i/web'}/status/{qid}",
                                    interaction_id=tid, url=url, text=text, created_at=created, raw=_slim(t)))

    def walk(self, obj: Any) -> None:
        stack = [obj]
        while stack:
            cur = stack.pop()
            if isinstance(cur, dict):
                tr = cur.get("tweet_results")
                if isinstance(tr, dict) and "result" in tr:
                    self.tweet(tr["result"])
                    continue
                if cur.get("__typename") in ("Tweet", "TweetWithVisibilityResults") or (
                        "rest_id" in cur and isinstance(cur.get("legacy"), dict) and "full_text" in cur["legacy"]):
                    self.tweet(cur)
                    continue
                stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
            elif isinstance(cur, list):
                stack.extend(reversed([v for v in cur if isinstance(v, (dict, list))]))


def _slim(t: dict) -> dict:
    """The tweet without the nested tweets (stored with their own interactions)."""
    out = {k: v for k, v in t.items() if k not in ("quoted_status_result",)}
    legacy = dict(out.get("legacy") or {})
    legacy.pop("retweeted_status_result", None)
    out["legacy"] = legacy
    return out


def _users(obj: Any) -> list[dict]:
    out = []
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ur = cur.get("user_results")
            if isinstance(ur, dict) and isinstance(ur.get("result"), dict):
                out.append(ur["result"])
                continue
            stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(reversed([v for v in cur if isinstance(v, (dict, list))]))
    return out


def _legacy_v11(doc: dict, tw: _Tweets) -> None:
    """The old ``globalObjects`` timelines: tweets and users side by side."""
    g = doc.get("globalObjects")
    if not isinstance(g, dict):
        return
    users = g.get("users") if isinstance(g.get("users"), dict) else {}
    for tid, legacy in (g.get("tweets") or {}).items():
        if isinstance(legacy, dict):
            tw.tweet({"rest_id": s(tid), "legacy": legacy, "user": users.get(s(legacy.get("user_id_str")))})


def parse(resp: Response, owners: Owners) -> Parsed | None:
    docs, _ = documents(resp.body, resp.mime)
    docs = [d for d in docs if isinstance(d, dict)]
    if not docs:
        return None
    parts = path_parts(resp.url)
    op = parts[-1] if len(parts) >= 2 and "graphql" in parts else None
    tw = _Tweets(owners)
    for d in docs:
        tw.walk(d)
        _legacy_v11(d, tw)
    found = tw.found
    shape = op or "timeline"
    if op in _USER_LISTS:
        kind = _USER_LISTS[op]
        v = resp.variables or {}
        page_handle, page_sid = page_owner(resp.page_url)
        target = s(v.get("tweetId")) or s(v.get("focalTweetId")) or page_sid
        account = s(v.get("userId"))
        for d in docs:
            for u in _users(d):
                uid, handle, name, bio = user_of(u)
                if not (uid or handle):
                    continue
                owners.user(PLATFORM, uid, handle)
                if kind == "follow":
                    found.append(Found(PLATFORM, "follow", actor_key=uid or handle.lower(), actor_handle=handle,
                                       actor_name=name, actor_url=f"https://x.com/{handle}" if handle else None,
                                       actor_id=uid, owner_refs=(account,) if account else (), raw=u))
                elif target:
                    found.append(Found(PLATFORM, kind, actor_key=uid or handle.lower(), actor_handle=handle,
                                       actor_name=name, actor_url=f"https://x.com/{handle}" if handle else None,
                                       actor_id=uid, owner_refs=(target,), post_id=target,
                                       post_url=f"https://x.com/i/web/status/{target}", raw=u))
    elif op in _NOT_USER_LISTS:
        return Parsed(f"{op} (not interactions with the profile)")
    elif not tw.tweets:
        return None
    return Parsed(shape, found)


def page_fallback(f: Found, page_url: str | None) -> str | None:
    handle, sid = page_owner(page_url)
    if f.kind == "follow":
        return handle
    # a status page names the owner of that status only
    return handle if sid and sid == f.post_id else None


def parse_item(item, owners: Owners) -> Parsed | None:
    """Zeeschuimer ``twitter.com`` items (tweet results); also ``x.com`` (an old module name) and a fork's
    ``twitter-comments`` items, which carry the same tweet results."""
    if item.family not in ("posts", "comments"):
        return None
    tw = _Tweets(owners)
    tw.tweet(item.data)
    if not tw.tweets:
        return None
    return Parsed(f"zeeschuimer {item.source_platform}", tw.found)
