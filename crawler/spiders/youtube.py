"""YouTube Data API v3 (API key from the environment).

channels (id or forHandle) -> the uploads playlist -> playlistItems (videos,
newest first, down to the window's start) -> videos (statistics, to re-read
only videos whose comment count moved) -> commentThreads (top-level comments
with some replies) -> comments.list?parentId for threads whose replies were
cut short. ``quotaExceeded`` (and ``dailyLimitExceeded``) stops the spider for the
day, as does a key the API refuses (``keyInvalid``, ``accessNotConfigured``: the API is
not enabled for the key's project); ``rateLimitExceeded`` is retried with backoff by
the retry middleware (:meth:`YouTubeSpider.rate_limited`). ``commentsDisabled`` and a
members-only video's ``forbidden`` are normal and only counted, as is a channel without
uploads (its uploads playlist is ``playlistNotFound``).
"""

from __future__ import annotations

import json
import os
import re
from typing import Iterable
from urllib.parse import urlencode

from scrapy.exceptions import CloseSpider

from crawler.spiders.api import ApiSpider
from crawler.spiders.base import StopAccount, html_to_text, parse_time
from storage import platforms as registry
from storage.records import Actor, Interaction, Post

API = "{base}/youtube/v3/{method}?{query}"
CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
DEFAULT_KEY_ENV = registry.get("youtube").api_key_env


def api(base: str, method: str, key: str, **params) -> str:
    q = {k: v for k, v in params.items() if v is not None}
    q["key"] = key
    return API.format(base=base, method=method, query=urlencode(q))


#: the day's quota is spent: nothing more today (``dailyLimitExceeded`` is the older name)
QUOTA_REASONS = ("quotaExceeded", "dailyLimitExceeded")
#: too many requests too fast (per project or per user): retried with backoff, never an answer
RATE_LIMIT_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED")


def error_reason(body: bytes | str | dict) -> str | None:
    """``error.errors[].reason`` (or an ErrorInfo reason) of a Google API error body.

    A refused key reads ``keyInvalid`` and an API not enabled for the key's project
    ``accessNotConfigured``, whichever of the two spellings (legacy ``errors[]``, ErrorInfo
    ``details[]``) the answer carries."""
    try:
        data = body if isinstance(body, dict) else json.loads(body)
    except ValueError:
        return None
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return None
    reasons = [e.get("reason") for e in err.get("errors") or [] if e.get("reason")]
    details = [d.get("reason") for d in err.get("details") or [] if d.get("reason")]
    for r in details + reasons:
        if r in ("API_KEY_INVALID", "keyInvalid"):
            return "keyInvalid"
        if r in ("SERVICE_DISABLED", "accessNotConfigured"):
            return "accessNotConfigured"
    return reasons[0] if reasons else (details[0] if details else None)


def actor_from_snippet(sn: dict) -> Actor:
    cid = (sn.get("authorChannelId") or {}).get("value")
    name = sn.get("authorDisplayName")
    handle = name if name and name.startswith("@") else None
    return Actor(platform="youtube", actor_key=cid or (name or "").strip(), handle=handle,
                 display_name=name or None, profile_url=sn.get("authorChannelUrl"), platform_id=cid)


def comment_text(sn: dict, *, plain: bool = False) -> str | None:
    """What the commenter wrote: ``textOriginal`` when given (Google guarantees it only to the
    comment's author), else ``textDisplay``, which is already plain text when the request asked
    ``textFormat=plainText`` (``plain``): converting it as HTML would drop what looks like a tag
    (``<b>``) and turn a typed ``&amp;`` into ``&``. Only an HTML answer is converted."""
    original = sn.get("textOriginal")
    if original:
        return original
    display = sn.get("textDisplay")
    return display if plain else html_to_text(display)


def thread_interactions(data: dict, *, channel_id: str, video_id: str, target: str, origin: str,
                        plain: bool = False) -> tuple[list[Interaction], list[str]]:
    """commentThreads answer -> comments and included replies; thread ids whose replies are partial.

    ``plain``: the answer was asked with ``textFormat=plainText`` (see :func:`comment_text`)."""
    out, partial = [], []
    video_url = f"{origin}/watch?v={video_id}"
    for th in data.get("items") or []:
        top = (th.get("snippet") or {}).get("topLevelComment") or {}
        tsn = top.get("snippet") or {}
        tid = th.get("id") or top.get("id")
        if (tsn.get("authorChannelId") or {}).get("value") != channel_id:
            out.append(Interaction(platform="youtube", kind="comment", target_account=target,
                                   actor=actor_from_snippet(tsn), post_id=video_id, post_url=video_url,
                                   interaction_id=top.get("id") or tid, url=f"{video_url}&lc={top.get('id') or tid}",
                                   text=comment_text(tsn, plain=plain), created_at=tsn.get("publishedAt"),
                                   raw=top))
        replies = (th.get("replies") or {}).get("comments") or []
        out += reply_interactions(replies, channel_id=channel_id, video_id=video_id, target=target,
                                  origin=origin, parent=tid, plain=plain)
        total = (th.get("snippet") or {}).get("totalReplyCount") or 0
        if total > len(replies):
            partial.append(tid)
    return out, partial


def reply_interactions(comments: list[dict], *, channel_id: str, video_id: str, target: str, origin: str,
                       parent: str, plain: bool = False) -> list[Interaction]:
    out = []
    video_url = f"{origin}/watch?v={video_id}"
    for c in comments:
        sn = c.get("snippet") or {}
        if (sn.get("authorChannelId") or {}).get("value") == channel_id:
            continue   # the channel owner's own replies are its posts, not interactions
        out.append(Interaction(platform="youtube", kind="reply", target_account=target,
                               actor=actor_from_snippet(sn), post_id=video_id, post_url=video_url,
                               interaction_id=c["id"], parent_id=sn.get("parentId") or parent,
                               url=f"{video_url}&lc={c['id']}", text=comment_text(sn, plain=plain),
                               created_at=sn.get("publishedAt"), raw=c))
    return out


class YouTubeSpider(ApiSpider):
    name = "youtube"
    platform = "youtube"
    REPLY_COUNT_IS_DIRECT = False       # commentCount counts top-level comments and replies together
    DEFAULT_BASE_URL = registry.get("youtube").base_url
    WEB_HOSTS = registry.get("youtube").web_hosts

    def configure(self, settings) -> None:
        super().configure(settings)
        self.key_env = self.pconf.get("api_key_env") or DEFAULT_KEY_ENV
        self.key = os.environ.get(self.key_env) or None
        self.stopped: str | None = None

    def site_origin(self, acc: dict) -> str:
        return self.web_origin(acc, "https://www.youtube.com")

    async def start(self):
        for acc in self.accounts.values():
            if not self.key:
                self.fail_account(acc["id"], f"no YouTube API key: set the environment variable {self.key_env}")
                continue
            acc["_base"] = self.base_url(acc)
            handle = acc.get("display_handle") or acc["handle"]
            # a channel id, else a handle (written with or without "@"; forHandle gets it with)
            ident = {"id": handle} if CHANNEL_ID.match(handle) else \
                {"forHandle": handle if handle.startswith("@") else "@" + handle}
            yield self.request(api(acc["_base"], "channels", self.key, part="contentDetails,statistics", **ident),
                               self.parse_channel, acc, meta={"what": "channels"})

    def rate_limited(self, response) -> bool:
        """Google says "too fast" with a 403 (or a 429) whose reason is ``rateLimitExceeded`` or
        ``userRateLimitExceeded``, and documents no Retry-After: the retry middleware retries it
        with backoff, within ``[crawl] retries`` and ``max_retry_wait``."""
        return response.status in (403, 429) and error_reason(response.body) in RATE_LIMIT_REASONS

    def on_error_response(self, response) -> Iterable:
        acc = self.accounts[response.meta["account_id"]]
        reason = error_reason(response.body)
        what = response.meta.get("what")
        if reason in QUOTA_REASONS:
            self.stop_for_the_day("YouTube quota exceeded: stopped until the daily reset")
        if reason == "keyInvalid":
            self.stop_for_the_day(f"YouTube API key in {self.key_env} is not valid")
        if reason == "accessNotConfigured":
            self.stop_for_the_day(f"the YouTube Data API v3 is not enabled for the Google Cloud project of the "
                                  f"API key in {self.key_env}: enable it in the project's API library")
        if reason in RATE_LIMIT_REASONS:
            raise StopAccount(f"YouTube rate limit ({reason}) still refused after the retries")
        if response.status == 404 and what == "playlistItems" and reason == "playlistNotFound":
            # YouTube names an uploads playlist for every channel, but one without uploads is "not found"
            self.note(acc["id"], "channels without uploads")
            return []
        if response.status == 403 and reason == "forbidden" and what in ("threads", "replies"):
            # a members-only video: an API key is not a member; the video is skipped, not the account
            self.note(acc["id"], "members-only videos skipped")
            return []
        if reason == "commentsDisabled" and what in ("threads", "replies"):
            self.note(acc["id"], "videos with comments disabled")
            if what == "threads":
                # remembered, so that later runs do not ask again while the count stays absent
                vid = response.meta["post_key"]
                return [self.batch(acc, post_cursors={vid: {"comments_disabled": True}})]
            return []
        if what == "videos":   # statistics are an optimisation: without them, read every video
            return self.parse_videos(response)
        if response.status == 404 and what in ("threads", "replies"):
            self.note(acc["id"], "videos gone")
            return []
        raise StopAccount(f"YouTube API error {response.status} ({reason or 'unknown reason'}) for "
                          f"{response.meta.get('what')}")

    def stop_for_the_day(self, message: str):
        self.stopped = message
        for aid in self.accounts:
            if not self.is_finished(aid):
                self.fail_account(aid, message)
        raise CloseSpider(message)

    def parse_channel(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        items = data.get("items") or []
        if not items:
            raise StopAccount(f"channel {acc['handle']} not found")
        ch = items[0]
        acc["_channel"] = ch["id"]
        uploads = ((ch.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        yield self.batch(acc, platform_id=ch["id"])
        if not uploads:
            return
        yield self.request(api(acc["_base"], "playlistItems", self.key, part="snippet,contentDetails",
                               playlistId=uploads, maxResults=self.page(50)), self.parse_playlist, acc,
                           meta={"what": "playlistItems", "playlist": uploads})

    def parse_playlist(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        cutoff = self.cutoff(acc)
        videos = []
        reached_end = False
        for it in data.get("items") or []:
            cd = it.get("contentDetails") or {}
            sn = it.get("snippet") or {}
            vid = cd.get("videoId") or (sn.get("resourceId") or {}).get("videoId")
            when = parse_time(cd.get("videoPublishedAt") or sn.get("publishedAt"))
            if not vid:
                continue
            if when is not None and when < cutoff:
                reached_end = True
                continue
            videos.append({"id": vid, "title": sn.get("title"),
                           "published": cd.get("videoPublishedAt") or sn.get("publishedAt")})
        if videos and self.kinds(acc) & {"comment", "reply"}:
            for v in videos:
                self.hold(acc, v["id"])     # pending until its statistics say what to read
            # at most 50 ids (one page of the playlist); maxResults is not supported with id
            yield self.request(api(acc["_base"], "videos", self.key, part="statistics",
                                   id=",".join(v["id"] for v in videos)),
                               self.parse_videos, acc, meta={"what": "videos", "videos": videos})
        token = data.get("nextPageToken")
        if token and not reached_end:
            yield self.request(api(acc["_base"], "playlistItems", self.key, part="snippet,contentDetails",
                                   playlistId=response.meta["playlist"], maxResults=self.page(50), pageToken=token),
                               self.parse_playlist, acc,
                               meta={"what": "playlistItems", "playlist": response.meta["playlist"]})

    def parse_videos(self, response):
        acc = self.accounts[response.meta["account_id"]]
        videos = response.meta["videos"]
        stats = {}
        if response.status < 400:
            for it in self.json(response).get("items") or []:
                stats[it["id"]] = it.get("statistics") or {}
        origin = self.site_origin(acc)
        target = acc.get("display_handle") or acc["handle"]
        posts, requests, post_cursors = [], [], {}
        for v in videos:
            st = stats.get(v["id"])
            cc = int(st["commentCount"]) if st and st.get("commentCount") is not None else None
            lc = int(st["likeCount"]) if st and st.get("likeCount") is not None else None
            posts.append(Post(platform="youtube", post_id=v["id"], account=target,
                              url=f"{origin}/watch?v={v['id']}", created_at=v["published"],
                              text=(v.get("title") or "")[:500] or None, reply_count=cc, like_count=lc))
            wanted = self.plan_post(acc, v["id"], {"replies": cc})
            disabled = bool((self.load_state(acc).get(v["id"]) or {}).get("comments_disabled"))
            if disabled and cc is None and st is not None and not self.full_pass(acc):
                # YouTube leaves commentCount out while comments are disabled; the count coming
                # back (or the weekly full pass) asks again
                wanted.discard("replies")
                self.note(acc["id"], "videos with comments disabled")
            if "replies" in wanted:
                requests.append(self.request(
                    api(acc["_base"], "commentThreads", self.key, part="snippet,replies", videoId=v["id"],
                        maxResults=self.page(100), textFormat="plainText"),
                    self.parse_threads, acc, post=v["id"], meta={"what": "threads", "was_disabled": disabled}))
            elif (acc["id"], v["id"]) in self.post_done_state:
                post_cursors[v["id"]] = self.post_done_state.pop((acc["id"], v["id"]))
        yield self.batch(acc, posts=posts, post_cursors=post_cursors)
        yield from requests
        for v in videos:
            yield from self.release(acc, v["id"])

    def parse_threads(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        vid = response.meta["post_key"]
        items, partial = thread_interactions(data, channel_id=acc["_channel"], video_id=vid,
                                             target=acc.get("display_handle") or acc["handle"],
                                             origin=self.site_origin(acc), plain=True)
        # comments are open again: forget that they were disabled (a null removes the key)
        reopened = {vid: {"comments_disabled": None}} if response.meta.get("was_disabled") else {}
        yield self.batch(acc, items, post_cursors=reopened)
        for tid in partial:
            yield self.request(api(acc["_base"], "comments", self.key, part="snippet", parentId=tid,
                                   maxResults=self.page(100), textFormat="plainText"),
                               self.parse_replies, acc, post=vid, meta={"what": "replies", "parent": tid})
        token = data.get("nextPageToken")
        if token:
            yield self.request(api(acc["_base"], "commentThreads", self.key, part="snippet,replies", videoId=vid,
                                   maxResults=self.page(100), textFormat="plainText", pageToken=token),
                               self.parse_threads, acc, post=vid, meta={"what": "threads"})

    def parse_replies(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        vid = response.meta["post_key"]
        tid = response.meta["parent"]
        items = reply_interactions(data.get("items") or [], channel_id=acc["_channel"], video_id=vid,
                                   target=acc.get("display_handle") or acc["handle"],
                                   origin=self.site_origin(acc), parent=tid, plain=True)
        yield self.batch(acc, items)
        token = data.get("nextPageToken")
        if token:
            yield self.request(api(acc["_base"], "comments", self.key, part="snippet", parentId=tid,
                                   maxResults=self.page(100), textFormat="plainText", pageToken=token),
                               self.parse_replies, acc, post=vid, meta={"what": "replies", "parent": tid})
