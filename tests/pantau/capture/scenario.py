"""A capture session built from the fixtures: which request returned which fixture, on which page.

``build_har`` writes it as Chromium or Firefox save a HAR ("Save all as HAR with content"),
with the person's cookies and tokens in it the way a real HAR holds them, so tests can
check that none of them is stored. ``build_zeeschuimer`` writes the items Zeeschuimer's
modules would have cut out of the same responses.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import urlencode

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "capture"
SECRET = "SECRETCOOKIEVALUE"

IG = "https://www.instagram.com"
MID = "3301234567890123456"
TT = "https://www.tiktok.com"
X = "https://x.com"
FB = "https://www.facebook.com"

WATCHLIST = """\
election: Pilkada 2029
candidates:
  - name: Calon Satu
    role: kepala-daerah
    accounts:
      - platform: instagram
        handle: calon.satu
      - platform: tiktok
        handle: "@calonsatu"
      - platform: x
        handle: "@calonsatu"
      - platform: facebook
        handle: calon.satu
"""

# (fixture, request url, page the person was on, method, variables)
ENTRIES = [
    ("instagram/post_page.html", f"{IG}/p/C9xAbCdEfGh/", f"{IG}/calon.satu/", "GET", None),
    ("instagram/v1_comments.json", f"{IG}/api/v1/media/{MID}/comments/?can_support_threading=true&permalink_enabled=false",
     f"{IG}/p/C9xAbCdEfGh/", "GET", None),
    ("instagram/v1_child_comments.json", f"{IG}/api/v1/media/{MID}/comments/17900000000000001/child_comments/?max_id=",
     f"{IG}/p/C9xAbCdEfGh/", "GET", None),
    ("instagram/graphql_comments.json", f"{IG}/graphql/query", f"{IG}/p/C9xAbCdEfGh/", "POST",
     {"media_id": MID, "__relay_internal__pv__PolarisIsLoggedInrelayprovider": True}),
    ("instagram/graphql_shortcode_media.json", f"{IG}/graphql/query/?query_hash=abc&variables=" +
     json.dumps({"shortcode": "C9oLdPoStXy", "first": 12}), f"{IG}/p/C9oLdPoStXy/", "GET", None),
    ("instagram/v1_likers.json", f"{IG}/api/v1/media/{MID}/likers/", f"{IG}/p/C9xAbCdEfGh/liked_by/", "GET", None),
    ("instagram/web_profile_info.json", f"{IG}/api/v1/users/web_profile_info/?username=calon.satu",
     f"{IG}/calon.satu/", "GET", None),
    ("instagram/v1_followers.json", f"{IG}/api/v1/friendships/5500000001/followers/?count=12&search_surface=follow_list_page",
     f"{IG}/calon.satu/followers/", "GET", None),
    ("instagram/v1_comments_other_account.json", f"{IG}/api/v1/media/3309999999999999999/comments/",
     f"{IG}/p/DaLainXyZ12/", "GET", None),
    ("tiktok/item_detail.json", f"{TT}/api/item/detail/?itemId=7400000000000000001",
     f"{TT}/@calonsatu/video/7400000000000000001", "GET", None),
    ("tiktok/comment_list.json", f"{TT}/api/comment/list/?aid=1988&aweme_id=7400000000000000001&count=20&cursor=0"
     f"&msToken={SECRET}-ms&X-Bogus=DFSzswVLabc", f"{TT}/@calonsatu/video/7400000000000000001", "GET", None),
    ("tiktok/comment_list_reply.json", f"{TT}/api/comment/list/reply/?aid=1988&comment_id=7400000000000010001"
     f"&item_id=7400000000000000001&count=3&cursor=0", f"{TT}/@calonsatu/video/7400000000000000001", "GET", None),
    ("tiktok/comment_list_empty.json", f"{TT}/api/comment/list/?aweme_id=7400000000000000002&cursor=0",
     f"{TT}/@calonsatu/video/7400000000000000002", "GET", None),
    ("tiktok/comment_list_other_account.json", f"{TT}/api/comment/list/?aweme_id=7400000000000000099&cursor=0",
     f"{TT}/@akun.lain/video/7400000000000000099", "GET", None),
    ("tiktok/user_list_followers.json", f"{TT}/api/user/list/?aid=1988&count=30&maxCursor=0&minCursor=0&scene=67"
     f"&secUid=MS4wLjABAAAAcalon", f"{TT}/@calonsatu", "GET", None),
    ("x/tweet_detail.json", f"{X}/i/api/graphql/nBS-WpgA6ZG0CyNHD517JQ/TweetDetail?variables=" +
     json.dumps({"focalTweetId": "1870000000000000001", "with_rux_injections": False}),
     f"{X}/calonsatu/status/1870000000000000001", "GET", None),
    ("x/retweeters.json", f"{X}/i/api/graphql/0BoJlKAxoNPQUHRftlwZ2w/Retweeters?variables=" +
     json.dumps({"tweetId": "1870000000000000001", "count": 20}),
     f"{X}/calonsatu/status/1870000000000000001/retweets", "GET", None),
    ("x/search_quotes.json", f"{X}/i/api/graphql/UN1i3zUiCWa-6r-Uaho4fw/SearchTimeline?variables=" +
     json.dumps({"rawQuery": "quoted_tweet_id:1870000000000000001", "count": 20}),
     f"{X}/calonsatu/status/1870000000000000001/quotes", "GET", None),
    ("facebook/comments.json", f"{FB}/api/graphql/", f"{FB}/calon.satu/posts/pfbid02AbCdEf", "POST",
     {"commentsIntentToken": "RANKED_UNFILTERED_CHRONOLOGICAL_REPLIES_INTENT_V1", "feedbackSource": 2}),
]

#: what the scenario must give on the watched accounts (natural facts tests check)
EXPECTED = {
    ("instagram", "comment"): {"17900000000000001", "17900000000000003", "17900000000000004", "17900000000000021",
                               "17900000000000031"},
    ("instagram", "reply"): {"17900000000000011", "17900000000000012", "17900000000000022", "17900000000000032"},
    ("instagram", "like"): {"yanti.kusuma", "budi_santoso88", "bambang.w"},
    ("instagram", "follow"): {"eko.saputra", "rina.marlina"},
    ("tiktok", "comment"): {"7400000000000010001", "7400000000000010002", "7400000000000010004"},
    ("tiktok", "reply"): {"7400000000000020001", "7400000000000020002"},
    ("tiktok", "follow"): {"fajar.nugroho", "lina.marpaung"},
    ("x", "comment"): {"1870000000000000011", "1870000000000000012"},
    ("x", "reply"): {"1870000000000000013"},
    ("x", "repost"): {"tri.handayani", "yusuf_ali"},
    ("x", "quote"): {"1870000000000000021"},
    ("facebook", "comment"): {"998877665544001", "998877665544003"},
    ("facebook", "reply"): {"998877665544002"},
}
#: the candidate's own comments (posts, not interactions) and interactions on an unwatched account
OWN = {"17900000000000002", "7400000000000010003", "1870000000000000014"}
UNWATCHED = {"17900000000000041", "7400000000000030001"}

_NOISE = [  # what else a real HAR is full of: scripts and images of the same sites
    (f"{IG}/static/bundles/es6/Consumer.js/abc.js", "application/javascript", b"(function(){var a=1;})();" * 40),
    (f"{IG}/rsrc.php/v3/y4/r/logo.png", "image/png", bytes(range(256)) * 8),
    ("https://p16-sign.tiktokcdn-us.com/obj/avatar.jpeg", "image/jpeg", bytes(range(200)) * 10),
    (f"{X}/i/api/1.1/jot/client_event.json", "application/json", b'{"ok":true}'),
    ("https://fonts.gstatic.com/s/roboto.woff2", "font/woff2", b"wOF2" * 100),
]


def _headers(pairs: dict) -> list[dict]:
    return [{"name": k, "value": v} for k, v in pairs.items()]


def _request_headers(page: str | None, lower: bool) -> list[dict]:
    h = {"Accept": "*/*", "Accept-Language": "id-ID,id;q=0.9", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
         "Cookie": f"sessionid={SECRET}; csrftoken={SECRET}-csrf; ds_user_id=5500000099",
         "X-CSRFToken": f"{SECRET}-csrf", "X-IG-App-ID": "936619743392459", "X-IG-WWW-Claim": f"hmac.{SECRET}",
         "Authorization": f"Bearer {SECRET}-bearer", "x-twitter-auth-type": "OAuth2Session",
         "x-guest-token": f"{SECRET}-guest", "x-tt-params": f"{SECRET}-ttp"}
    if page:
        h["Referer"] = page
    if lower:                       # HTTP/2 as Chromium writes it
        h = {k.lower(): v for k, v in h.items()}
    return _headers(h)


def har_entry(url: str, body: bytes, mime: str, *, page: str | None = None, method: str = "GET",
              variables: dict | None = None, style: str = "chromium", b64: bool = False, with_text: bool = True,
              status: int = 200, started: str = "2026-01-02T03:04:05.678Z") -> dict:
    """One HAR entry, as the named browser writes it."""
    from urllib.parse import parse_qsl, urlsplit
    chromium = style == "chromium"
    request = {"method": method, "url": url, "httpVersion": "http/2.0" if chromium else "HTTP/2",
               "headers": _request_headers(page, chromium),
               "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query)],
               "cookies": [{"name": "sessionid", "value": SECRET}], "headersSize": -1, "bodySize": 0}
    if method == "POST":
        form = {"av": "17841400000000000", "__user": "0", "fb_dtsg": f"{SECRET}-dtsg", "lsd": f"{SECRET}-lsd",
                "variables": json.dumps(variables or {}), "doc_id": "8845758582119845"}
        text = urlencode(form)
        request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": text}
        if not chromium:
            request["postData"]["params"] = [{"name": k, "value": v} for k, v in form.items()]
        request["bodySize"] = len(text)
    content = {"size": len(body), "mimeType": mime}
    if with_text:
        if b64:
            content["text"] = base64.b64encode(body).decode("ascii")
            content["encoding"] = "base64"
        else:
            content["text"] = body.decode("utf-8")
    response = {"status": status, "statusText": "OK" if status == 200 else "", "httpVersion": request["httpVersion"],
                "headers": _headers({"content-type": mime, "set-cookie": f"sessionid={SECRET}; Path=/; HttpOnly",
                                     "x-ig-set-www-claim": f"hmac.{SECRET}"}),
                "cookies": [{"name": "sessionid", "value": SECRET}], "content": content, "redirectURL": "",
                "headersSize": -1, "bodySize": len(body)}
    e = {"startedDateTime": started, "time": 12.5, "request": request, "response": response, "cache": {},
         "timings": {"blocked": 0.1, "dns": -1, "connect": -1, "send": 0.1, "wait": 10, "receive": 2.3, "ssl": -1}}
    if chromium:
        e.update({"_initiator": {"type": "script"}, "_priority": "High", "_resourceType": "fetch",
                  "serverIPAddress": "157.240.1.1", "connection": "443"})
    else:
        e["pageref"] = "page_1"
    return e


def entries(style: str = "chromium", b64: bool = False, noise: bool = True) -> list[dict]:
    out = []
    for fixture, url, page, method, variables in ENTRIES:
        body = (FIXTURES / fixture).read_bytes()
        mime = "text/html; charset=utf-8" if fixture.endswith(".html") else "application/json; charset=utf-8"
        out.append(har_entry(url, body, mime, page=page, method=method, variables=variables, style=style, b64=b64))
    if noise:
        for url, mime, body in _NOISE:
            out.append(har_entry(url, body, mime, style=style, b64=True,
                                 with_text=style == "chromium" or not mime.startswith(("image/", "font/"))))
    return out


def har_document(items: list[dict], style: str = "chromium") -> dict:
    creator = {"name": "WebInspector", "version": "537.36"} if style == "chromium" else \
        {"name": "Firefox", "version": "128.0"}
    log = {"version": "1.2", "creator": creator,
           "pages": [{"startedDateTime": "2026-01-02T03:04:00.000Z", "id": "page_1",
                      "title": "https://www.instagram.com/calon.satu/" if style == "chromium" else "Instagram",
                      "pageTimings": {"onContentLoad": 500, "onLoad": 900}}],
           "entries": items}
    if style != "chromium":
        log["browser"] = {"name": "Firefox", "version": "128.0"}
    return {"log": log}


def build_har(path: Path, style: str = "chromium", b64: bool = False, noise: bool = True) -> Path:
    path.write_text(json.dumps(har_document(entries(style, b64, noise), style), ensure_ascii=False,
                               indent=2 if style == "firefox" else None), encoding="utf-8")
    return path


# --- Zeeschuimer -------------------------------------------------------------------------

def _envelope(n: int, source: str, page: str, src: str, data: dict) -> dict:
    return {"id": n, "nav_index": f"1:{n}", "item_id": str(data.get("id") or data.get("cid") or data.get("pk") or n),
            "timestamp_collected": 1767325445000 + n, "last_updated": 1767325445000 + n, "source_platform": source,
            "source_platform_url": page, "source_url": src,
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "data": data}


def zeeschuimer_items() -> list[dict]:
    """Items as Zeeschuimer's modules emit them: upstream tiktok-comments.js, twitter.js, tiktok.js,
    instagram.js; a fork's instagram-comments items; facebook-comments items (Feedback objects)
    that no upstream module emits (tests/fixtures/capture/zeeschuimer/README.md)."""
    def load(f: str) -> dict:
        text = (FIXTURES / f).read_text(encoding="utf-8")
        return json.loads(text.removeprefix("for (;;);").splitlines()[0] if text.startswith("for") else text)
    out = []
    n = 0
    page = f"{TT}/@calonsatu/video/7400000000000000001"
    for c in load("tiktok/comment_list.json")["comments"] + load("tiktok/comment_list_reply.json")["comments"]:
        n += 1
        out.append(_envelope(n, "tiktok-comments", page, f"{TT}/api/comment/list/?aweme_id=7400000000000000001",
                             {**c, "id": c["cid"]}))
    n += 1
    out.append(_envelope(n, "tiktok.com", page, f"{TT}/api/item/detail/", {
        "id": "7400000000000000001", "desc": "Debat kandidat", "createTime": 1767222000,
        "author": {"id": "6800000000000000001", "uniqueId": "calonsatu", "nickname": "Calon Satu"}, "video": {}}))
    # the fork's instagram-comments.js normalises the user and adds post_id, post_url, parent_comment_id
    ig_page = f"{IG}/p/C9xAbCdEfGh/"
    comments = load("instagram/v1_comments.json")["comments"]
    flat = []
    for c in comments:
        flat.append((c, None))
        for k in c.get("preview_child_comments") or ():
            flat.append((k, c["pk"]))
    for c, parent in flat:
        n += 1
        u = c["user"]
        out.append(_envelope(n, "instagram-comments", ig_page, f"{IG}/api/v1/media/{MID}/comments/", {
            **{k: v for k, v in c.items() if k != "preview_child_comments"}, "id": c["pk"], "comment_id": c["pk"],
            "user": {"id": u["pk"], "unique_id": u["username"], "nickname": u["full_name"]},
            "post_id": MID, "post_shortcode": "C9xAbCdEfGh", "post_url": ig_page,
            "parent_comment_id": parent, "thread_id": MID}))
    n += 1
    out.append(_envelope(n, "instagram.com", f"{IG}/calon.satu/", f"{IG}/graphql/query", {
        "id": f"{MID}_5500000001", "pk": MID, "code": "C9xAbCdEfGh", "media_type": 1,
        "user": {"pk": "5500000001", "username": "calon.satu", "full_name": "Calon Satu"}}))
    detail = json.loads((FIXTURES / "x/tweet_detail.json").read_text(encoding="utf-8"))
    xpage = f"{X}/calonsatu/status/1870000000000000001"
    for ins in detail["data"]["threaded_conversation_with_injections_v2"]["instructions"]:
        for e in ins.get("entries", ()):
            c = e["content"]
            results = [c["itemContent"]["tweet_results"]["result"]] if "itemContent" in c else \
                [i["item"]["itemContent"]["tweet_results"]["result"] for i in c.get("items", ())]
            for t in results:
                t = t.get("tweet", t)
                n += 1
                out.append(_envelope(n, "twitter.com", xpage, f"{X}/i/api/graphql/x/TweetDetail", {**t, "id": t["rest_id"]}))
    fb = load("facebook/comments.json")["data"]["node"]
    n += 1
    out.append(_envelope(n, "facebook-comments", f"{FB}/calon.satu/posts/pfbid02AbCdEf", f"{FB}/api/graphql/",
                         {**fb, "id": "feedback:1122334455667788"}))
    n += 1
    out.append(_envelope(n, "linkedin.com", "https://www.linkedin.com/feed/", "https://www.linkedin.com/voyager/api/x",
                         {"id": "urn:li:activity:1", "text": "not read by Pantau"}))
    return out


def build_zeeschuimer(path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for item in zeeschuimer_items():
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def stored_rows(ws: Path) -> list[dict]:
    """The workspace's interactions with their actor and watched account, in the order stored."""
    from pantau.workspace import open_database, open_settings
    db = open_database(open_settings(ws))
    try:
        return list(db.query(
            "SELECT i.id, i.platform, i.kind, i.interaction_id, i.parent_id, i.post_id, i.text, i.source, "
            "a.handle, a.actor_key, acc.handle AS account FROM interactions i JOIN actors a ON a.id = i.actor_id "
            "JOIN accounts acc ON acc.id = i.account_id ORDER BY i.id"))
    finally:
        db.close()
