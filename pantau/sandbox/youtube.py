"""YouTube Data API v3: channels, playlistItems, commentThreads and comments.

Shapes follow tests/fixtures/youtube: the uploads playlist, ``nextPageToken``
paging, threads whose ``replies`` hold only some replies, ``comments.list`` by
``parentId``, a video with comments disabled, a members-only video (its threads 403
``forbidden``), a channel without uploads (its uploads playlist 404 ``playlistNotFound``),
and Google's error envelope.
Any non-empty ``key`` is accepted unless the sandbox was given one to require, or was told
that the API is not enabled for the key's project (403 ``accessNotConfigured``).
"""

from __future__ import annotations

import base64
import html

from pantau.sandbox.data import ORIGIN, YT_ALPHABET, Content, Node, Watched, World, _hash, iso_s, yt_chars
from pantau.sandbox.http import Request, Response, json_response

CT = "application/json; charset=UTF-8"
REPLIES_IN_THREAD = 5        # a thread shows every reply up to this many ...
REPLIES_WHEN_MORE = 2        # ... and only this many when there are more


def error_body(code: int, message: str, reason: str, domain: str = "global", *, location: str | None = None,
               status: str | None = None, details: list | None = None) -> dict:
    err: dict = {"message": message, "domain": domain, "reason": reason}
    if location:
        err["location"] = location
        err["locationType"] = "parameter"
    body: dict = {"code": code, "message": message, "errors": [err]}
    if status:
        body["status"] = status
    if details:
        body["details"] = details
    return {"error": body}


MISSING_KEY = error_body(403, "The request is missing a valid API key.", "forbidden", status="PERMISSION_DENIED")
KEY_INVALID = error_body(
    400, "API key not valid. Please pass a valid API key.", "badRequest", status="INVALID_ARGUMENT",
    details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
              "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com"}}])
COMMENTS_DISABLED = error_body(
    403, 'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a>'
         '</code> parameter has disabled comments.', "commentsDisabled", "youtube.commentThread", location="videoId")
QUOTA_EXCEEDED = error_body(
    403, 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">'
         'quota</a>.', "quotaExceeded", "youtube.quota")
#: Google's per-project (or per-user) rate: "slow down", unlike the day's quota
RATE_LIMIT_EXCEEDED = error_body(403, "Rate Limit Exceeded", "rateLimitExceeded", "usageLimits")
#: commentThreads.list of a members-only video: a key is not a member (medialab/minet reads it so)
THREADS_FORBIDDEN = error_body(
    403, "The comment thread could not be retrieved due to insufficient permissions. The request might not be "
         "properly authorized.", "forbidden", "youtube.commentThread")
#: a key of a Google Cloud project that has not enabled the YouTube Data API v3
ACCESS_NOT_CONFIGURED = error_body(
    403, "YouTube Data API v3 has not been used in project 123456789012 before or it is disabled. Enable it by "
         "visiting https://console.developers.google.com/apis/api/youtube.googleapis.com/overview?project="
         "123456789012 then retry.", "accessNotConfigured", "usageLimits", status="PERMISSION_DENIED",
    details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
              "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com",
                                                       "consumer": "projects/123456789012"}}])
#: a channel that exists but never uploaded: its uploads playlist id is given, the playlist is not found
EMPTY_CHANNEL = "kanalkosong"


class YtError(Exception):
    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body


def _token(offset: int, kind: str) -> str:
    return "EA" + base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode().rstrip("=")


def _offset(token: str | None, kind: str) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token[2:] + "=" * (-len(token[2:]) % 4)).decode()
        k, _, n = raw.partition(":")
        if not token.startswith("EA") or k != kind:
            raise ValueError
        return int(n)
    except (ValueError, UnicodeDecodeError):
        raise YtError(400, error_body(400, "The request specifies an invalid page token.", "invalidPageToken",
                                      "youtube.parameter", location="pageToken")) from None


def _etag(*parts: object) -> str:
    return yt_chars("etag", *parts, n=27)


class YouTube:
    def __init__(self, world: World, required_key: str | None = None, *, api_enabled: bool = True):
        self.world = world
        self.required_key = required_key
        self.api_enabled = api_enabled

    def channel_id(self, w: Watched) -> str:
        return self.world.yt_channel_watched(w)

    def empty_channel(self) -> Watched:
        """A channel known to the API but not watched by the sandbox's watchlist: no uploads."""
        w = Watched(-1, "youtube", EMPTY_CHANNEL, "Kanal Kosong", "dpd", None, "Kanal Kosong")
        w.created = self.world.anchor - 90 * 86400.0
        return w

    def _content_of(self, some_id: str, index: int) -> Content | None:
        if len(some_id) <= index or some_id[index] not in YT_ALPHABET:
            return None
        idx = YT_ALPHABET.index(some_id[index])
        if idx >= len(self.world.watched) or self.world.watched[idx].platform != "youtube":
            return None
        return self.world.content(idx)

    def video(self, video_id: str) -> tuple[Content | None, Node | None]:
        c = self._content_of(video_id, 0)
        node = c.nodes.get(video_id) if c else None
        if node is None or node.kind != "post":
            return None, None
        return c, node

    # resources ---------------------------------------------------------------
    def thumbnails(self, vid: str) -> dict:
        base = f"https://i.ytimg.com/vi/{vid}"
        return {"default": {"url": f"{base}/default.jpg", "width": 120, "height": 90},
                "medium": {"url": f"{base}/mqdefault.jpg", "width": 320, "height": 180},
                "high": {"url": f"{base}/hqdefault.jpg", "width": 480, "height": 360},
                "standard": {"url": f"{base}/sddefault.jpg", "width": 640, "height": 480},
                "maxres": {"url": f"{base}/maxresdefault.jpg", "width": 1280, "height": 720}}

    def comment(self, c: Content, node: Node, video: Node, thread: Node | None, plain: bool = False) -> dict:
        w = c.watched
        cid = self.channel_id(w)
        if node.author == -1:
            name, chan, url = "@" + w.stem, cid, f"{ORIGIN}/@{w.stem}"
        else:
            a = self.world.actors[node.author]
            chan = self.world.yt_channel_actor(a.idx)
            name = a.yt_handle if a.yt_handle_as_name else a.name
            url = f"{ORIGIN}/{a.yt_handle}" if a.idx % 3 else f"{ORIGIN}/channel/{chan}"
        text_html = node.text if plain else html.escape(node.text, quote=True).replace("\n", "<br>")
        snip: dict = {"channelId": cid, "videoId": video.pid, "textDisplay": text_html, "textOriginal": node.text}
        if thread is not None:
            snip["parentId"] = thread.pid
        snip.update({
            "authorDisplayName": name,
            "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{yt_chars('img', node.author, n=30)}=s48-c-k-c0x00ffffff-no-rj",
            "authorChannelUrl": url, "authorChannelId": {"value": chan}, "canRate": True, "viewerRating": "none",
            "likeCount": int(_hash(node.pid, n=2).hex(), 16) % 60, "publishedAt": iso_s(node.t),
            "updatedAt": iso_s(node.t + (3600 if node.seq % 17 == 0 else 0)),
        })
        return {"kind": "youtube#comment", "etag": _etag(node.pid), "id": node.pid, "snippet": snip}

    @staticmethod
    def thread_replies(top: Node) -> list[Node]:
        """All replies of a YouTube thread (one level: deeper nodes belong to the same thread)."""
        out: list[Node] = []
        stack = list(top.children)
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(n.children)
        out.sort(key=lambda n: n.t)
        return out

    # endpoints -----------------------------------------------------------------
    ROUTES = {"/youtube/v3/channels": "channels", "/youtube/v3/playlistItems": "playlist_items",
              "/youtube/v3/commentThreads": "comment_threads", "/youtube/v3/comments": "comments",
              "/youtube/v3/videos": "videos"}

    def handle(self, req: Request) -> Response:
        name = self.ROUTES.get(req.path.rstrip("/"))
        endpoint = "youtube." + (name or "unknown")
        try:
            if name is None:
                raise YtError(404, error_body(404, "Method not found.", "notFound", status="NOT_FOUND"))
            key = req.query.get("key")
            if not key:
                raise YtError(403, MISSING_KEY)
            if self.required_key and key != self.required_key:
                raise YtError(400, KEY_INVALID)
            if not self.api_enabled:
                raise YtError(403, ACCESS_NOT_CONFIGURED)
            if not req.query.get("part"):
                raise YtError(400, error_body(400, "No filter selected. Expected one of: ...", "missingRequiredParameter",
                                              "youtube.parameter", location="part"))
            body = getattr(self, name)(req)
        except YtError as exc:
            return json_response(exc.body, exc.status, endpoint=endpoint, family="youtube", content_type=CT)
        return json_response(body, 200, endpoint=endpoint, family="youtube", content_type=CT)

    @staticmethod
    def _max_results(req: Request, default: int, maximum: int) -> int:
        raw = req.query.get("maxResults")
        if raw in (None, ""):
            return default
        try:
            v = int(raw)
        except ValueError:
            v = -1
        if not 0 <= v <= maximum:
            raise YtError(400, error_body(
                400, f"Invalid value '{raw}'. Values must be within the range: [0, {maximum}]", "invalidParameter",
                "youtube.parameter", location="maxResults"))
        return v

    def channels(self, req: Request) -> dict:
        q = req.query
        found: list[Watched] = []
        channels = [w for w in self.world.watched if w.platform == "youtube"] + [self.empty_channel()]
        if q.get("forHandle"):
            h = q["forHandle"].lstrip("@").lower()
            found = [w for w in channels if w.stem == h]
        elif q.get("id"):
            ids = set(q["id"].split(","))
            found = [w for w in channels if self.channel_id(w) in ids]
        else:
            raise YtError(400, error_body(400, "No filter selected. Expected one of: forHandle, id, mine, forUsername",
                                          "missingRequiredParameter", "youtube.parameter"))
        body: dict = {"kind": "youtube#channelListResponse", "etag": _etag("channels", q.get("forHandle"), q.get("id")),
                      "pageInfo": {"totalResults": len(found), "resultsPerPage": 5}}
        if found:
            body["items"] = []
            for w in found:
                cid = self.channel_id(w)
                item: dict = {"kind": "youtube#channel", "etag": _etag("ch", cid), "id": cid}
                if "snippet" in q["part"]:
                    item["snippet"] = {"title": w.name, "description": w.bio, "customUrl": "@" + w.stem,
                                       "publishedAt": iso_s(w.created)}
                item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": "UU" + cid[2:]}}
                body["items"].append(item)
        return body

    def playlist_items(self, req: Request) -> dict:
        pl = req.query.get("playlistId") or ""
        limit = self._max_results(req, 5, 50)
        w = next((x for x in self.world.watched if x.platform == "youtube" and "UU" + self.channel_id(x)[2:] == pl),
                 None)
        if w is None:
            raise YtError(404, error_body(
                404, "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
                "playlistNotFound", "youtube.playlistItem", location="playlistId"))
        c = self.world.content(w)
        videos = sorted(c.posts, key=lambda n: n.t, reverse=True)
        start = _offset(req.query.get("pageToken"), "PT")
        page = videos[start:start + limit]
        cid = self.channel_id(w)
        parts = req.query["part"]
        items = []
        for i, v in enumerate(page):
            item: dict = {"kind": "youtube#playlistItem", "etag": _etag("pi", v.pid),
                          "id": base64.b64encode(f"{pl}.{v.pid}".encode()).decode()}
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": iso_s(v.t), "channelId": cid, "title": v.text[:70], "description": v.text,
                    "thumbnails": self.thumbnails(v.pid), "channelTitle": w.name, "playlistId": pl,
                    "position": start + i, "resourceId": {"kind": "youtube#video", "videoId": v.pid},
                    "videoOwnerChannelTitle": w.name, "videoOwnerChannelId": cid}
            if "contentDetails" in parts:
                item["contentDetails"] = {"videoId": v.pid, "videoPublishedAt": iso_s(v.t)}
            if "status" in parts:
                item["status"] = {"privacyStatus": "public"}
            items.append(item)
        body: dict = {"kind": "youtube#playlistItemListResponse", "etag": _etag("pl", pl, start)}
        if start + limit < len(videos):
            body["nextPageToken"] = _token(start + limit, "PT")
        if start > 0:
            body["prevPageToken"] = _token(max(0, start - limit), "PT")
        body["items"] = items
        body["pageInfo"] = {"totalResults": len(videos), "resultsPerPage": limit}
        return body

    def comment_threads(self, req: Request) -> dict:
        vid = req.query.get("videoId")
        if not vid:
            raise YtError(400, error_body(400, "No filter selected. Expected one of: videoId, id, allThreadsRelatedToChannelId",
                                          "missingRequiredParameter", "youtube.parameter"))
        limit = self._max_results(req, 20, 100)
        c, video = self.video(vid)
        if video is None:
            raise YtError(404, error_body(
                404, "The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">"
                     "videoId</a></code> parameter could not be found.", "videoNotFound", "youtube.commentThread",
                location="videoId"))
        if video.comments_disabled:
            raise YtError(403, COMMENTS_DISABLED)
        if video.members_only:
            raise YtError(403, THREADS_FORBIDDEN)
        tops = sorted(video.children, key=lambda n: n.t, reverse=True)
        start = _offset(req.query.get("pageToken"), "CT")
        page = tops[start:start + limit]
        with_replies = "replies" in req.query["part"]
        plain = req.query.get("textFormat") == "plainText"
        items = []
        for top in page:
            replies = self.thread_replies(top)
            item: dict = {"kind": "youtube#commentThread", "etag": _etag("ct", top.pid), "id": top.pid,
                          "snippet": {"channelId": self.channel_id(c.watched), "videoId": video.pid,
                                      "topLevelComment": self.comment(c, top, video, None, plain), "canReply": True,
                                      "totalReplyCount": len(replies), "isPublic": True}}
            if with_replies and replies:
                shown = replies if len(replies) <= REPLIES_IN_THREAD else replies[:REPLIES_WHEN_MORE]
                item["replies"] = {"comments": [self.comment(c, r, video, top, plain) for r in shown]}
            items.append(item)
        body: dict = {"kind": "youtube#commentThreadListResponse", "etag": _etag("cts", vid, start)}
        if start + limit < len(tops):
            body["nextPageToken"] = _token(start + limit, "CT")
        body["pageInfo"] = {"totalResults": len(page), "resultsPerPage": limit}
        body["items"] = items
        return body

    def comments(self, req: Request) -> dict:
        parent = req.query.get("parentId")
        if not parent:
            raise YtError(400, error_body(400, "No filter selected. Expected one of: parentId, id",
                                          "missingRequiredParameter", "youtube.parameter"))
        limit = self._max_results(req, 20, 100)
        c = self._content_of(parent, 3)
        top = c.nodes.get(parent) if c else None
        if top is None or top.parent is None or top.parent.kind != "post":
            raise YtError(404, error_body(404, "The comment identified by the <code>parentId</code> parameter "
                                               "could not be found.", "commentNotFound", "youtube.comment",
                                          location="parentId"))
        if top.parent.members_only:
            raise YtError(403, THREADS_FORBIDDEN)
        replies = self.thread_replies(top)
        start = _offset(req.query.get("pageToken"), "CM")
        page = replies[start:start + limit]
        body: dict = {"kind": "youtube#commentListResponse", "etag": _etag("cm", parent, start)}
        if start + limit < len(replies):
            body["nextPageToken"] = _token(start + limit, "CM")
        body["pageInfo"] = {"totalResults": len(page), "resultsPerPage": limit}
        plain = req.query.get("textFormat") == "plainText"
        body["items"] = [self.comment(c, r, top.parent, top, plain) for r in page]
        return body

    def videos(self, req: Request) -> dict:
        """videos.list?part=statistics&id=A,B: counts as strings, as the real API gives them.

        ``commentCount`` counts top-level comments and replies together, and is absent
        when comments are disabled; unknown ids are simply left out.
        """
        ids = [v for v in (req.query.get("id") or "").split(",") if v]
        if not ids:
            raise YtError(400, error_body(400, "No filter selected. Expected one of: id, chart, myRating",
                                          "missingRequiredParameter", "youtube.parameter"))
        if len(ids) > 50:
            raise YtError(400, error_body(400, "The request specifies an invalid filter parameter.",
                                          "invalidFilters", "youtube.parameter", location="id"))
        items = []
        for vid in ids:
            c, video = self.video(vid)
            if video is None:
                continue
            item: dict = {"kind": "youtube#video", "etag": _etag("v", vid), "id": vid}
            if "statistics" in req.query["part"]:
                total = sum(1 + len(self.thread_replies(top)) for top in video.children)
                stats = {"viewCount": str(40 * total + 113), "likeCount": str(3 * total + 7), "favoriteCount": "0"}
                if not video.comments_disabled:
                    stats["commentCount"] = str(total)
                item["statistics"] = stats
            items.append(item)
        return {"kind": "youtube#videoListResponse", "etag": _etag("videos", *ids), "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}
