"""The sandbox's YouTube Data API against the recorded shapes, over real HTTP."""

from __future__ import annotations

from pantau.sandbox import Sandbox
from tests.pantau.sandbox.conftest import Client, fixture

KEY = {"key": "any-test-key"}


def uploads(client: Client, handle: str = "@calonsatu") -> str:
    body = client.json("/youtube/v3/channels", part="contentDetails", forHandle=handle, **KEY)
    return body["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]


def videos(client: Client) -> list[str]:
    out, token = [], None
    while True:
        body = client.json("/youtube/v3/playlistItems", part="snippet,contentDetails,status",
                           playlistId=uploads(client), maxResults="50", **KEY, **({"pageToken": token} if token else {}))
        out += [i["contentDetails"]["videoId"] for i in body["items"]]
        token = body.get("nextPageToken")
        if not token:
            return out


def test_channels_by_handle_and_id(client):
    rec = fixture("youtube", "channels.contentDetails.json")["body"]
    body = client.json("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", **KEY)
    assert list(body) == list(rec) and list(body["items"][0]) == list(rec["items"][0])
    cid = body["items"][0]["id"]
    assert cid.startswith("UC") and len(cid) == 24
    assert uploads(client) == "UU" + cid[2:]
    by_id = client.json("/youtube/v3/channels", part="contentDetails", id=cid, **KEY)
    assert by_id["items"][0]["id"] == cid
    none = client.json("/youtube/v3/channels", part="contentDetails", forHandle="@tidakada", **KEY)
    assert "items" not in none and none["pageInfo"]["totalResults"] == 0


def test_key_is_required(client):
    r = client.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu")
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == 403 and err["errors"][0]["reason"] == "forbidden" and set(err) >= {"message", "errors"}


def test_a_required_key_rejects_others_like_google():
    with Sandbox(port=0, youtube_key="the-right-key") as sb:
        c = Client(sb)
        try:
            r = c.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="INVALID-TEST-KEY")
            assert r.status_code == 400 and r.json() == fixture("youtube", "error.keyInvalid.400.json")["body"]
            assert c.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu",
                         key="the-right-key").status_code == 200
        finally:
            c.close()


def test_playlist_items_paging(client):
    rec = fixture("youtube", "playlistItems.page1.json")["body"]
    first = client.json("/youtube/v3/playlistItems", part="snippet,contentDetails,status", playlistId=uploads(client),
                        maxResults="3", **KEY)
    assert list(first) == list(rec) and list(first["items"][0]) == list(rec["items"][0])
    assert set(first["items"][0]["snippet"]) == set(rec["items"][0]["snippet"])
    assert first["nextPageToken"] and "prevPageToken" not in first
    seen, token, n = [], None, 0
    while True:
        body = client.json("/youtube/v3/playlistItems", part="contentDetails", playlistId=uploads(client),
                           maxResults="3", **KEY, **({"pageToken": token} if token else {}))
        seen += [i["contentDetails"]["videoId"] for i in body["items"]]
        token = body.get("nextPageToken")
        n += 1
        if not token:
            break
        assert "prevPageToken" in client.json("/youtube/v3/playlistItems", part="contentDetails",
                                              playlistId=uploads(client), maxResults="3", pageToken=token, **KEY)
    assert len(seen) == len(set(seen)) == first["pageInfo"]["totalResults"] and n > 1
    r = client.get("/youtube/v3/playlistItems", part="contentDetails", playlistId=uploads(client), maxResults="51",
                   **KEY)
    assert r.status_code == 400
    r = client.get("/youtube/v3/playlistItems", part="contentDetails", playlistId=uploads(client), pageToken="junk",
                   **KEY)
    assert r.status_code == 400 and r.json()["error"]["errors"][0]["reason"] == "invalidPageToken"


def test_comment_threads_partial_replies_and_comments_list(client):
    rec = fixture("youtube", "commentThreads.page1.json")["body"]
    disabled, members, partial = 0, 0, []
    for vid in videos(client):
        r = client.get("/youtube/v3/commentThreads", part="snippet,replies", videoId=vid, maxResults="100", **KEY)
        if r.status_code == 403 and r.json()["error"]["errors"][0]["reason"] == "forbidden":
            members += 1
            continue
        if r.status_code == 403:
            assert r.json() == fixture("youtube", "error.commentsDisabled.403.json")["body"]
            disabled += 1
            continue
        body = r.json()
        assert list(body)[:2] == list(rec)[:2] and "items" in body and "pageInfo" in body
        for t in body["items"]:
            assert set(t) <= {"kind", "etag", "id", "snippet", "replies"}
            assert set(t["snippet"]) == set(rec["items"][0]["snippet"])
            assert set(t["snippet"]["topLevelComment"]["snippet"]) == set(rec["items"][0]["snippet"]["topLevelComment"]["snippet"])
            shown = len(t.get("replies", {}).get("comments", []))
            assert shown <= t["snippet"]["totalReplyCount"]
            if t["snippet"]["totalReplyCount"] == 0:
                assert "replies" not in t
            if shown < t["snippet"]["totalReplyCount"]:
                partial.append(t)
    assert disabled == 1, "one video has comments turned off"
    assert members == 1, "one video is for members only"
    assert partial, "some threads hold only some of their replies"
    t = max(partial, key=lambda t: t["snippet"]["totalReplyCount"])
    got, token = [], None
    while True:
        body = client.json("/youtube/v3/comments", part="snippet", parentId=t["id"], maxResults="7", **KEY,
                           **({"pageToken": token} if token else {}))
        got += body["items"]
        token = body.get("nextPageToken")
        if not token:
            break
    assert len(got) == len({c["id"] for c in got}) == t["snippet"]["totalReplyCount"]
    assert all(c["snippet"]["parentId"] == t["id"] and c["id"].startswith(t["id"] + ".") for c in got)
    assert set(got[0]["snippet"]) == set(fixture("youtube", "comments.byParent.json")["body"]["items"][0]["snippet"])
    owner = [c for c in got if c["snippet"]["authorChannelId"]["value"] == c["snippet"]["channelId"]]
    assert owner, "the channel answers in its own threads"


def test_watch_page_highlights_a_comment(client):
    vid = videos(client)[0]
    body = client.json("/youtube/v3/commentThreads", part="snippet", videoId=vid, maxResults="5", **KEY)
    cid = body["items"][0]["id"]
    r = client.get("/watch", v=vid, lc=cid)
    assert r.status_code == 200 and f"id='{cid}'" in r.text and "highlight" in r.text


def test_text_display_is_html_unless_plain_text_is_asked(client):
    vid = videos(client)[0]     # the newest video: a comment with markup in it
    html_body = client.json("/youtube/v3/commentThreads", part="snippet", videoId=vid, maxResults="100", **KEY)
    plain_body = client.json("/youtube/v3/commentThreads", part="snippet", videoId=vid, maxResults="100",
                             textFormat="plainText", **KEY)
    html_texts = [t["snippet"]["topLevelComment"]["snippet"]["textDisplay"] for t in html_body["items"]]
    plain_texts = [t["snippet"]["topLevelComment"]["snippet"]["textDisplay"] for t in plain_body["items"]]
    originals = [t["snippet"]["topLevelComment"]["snippet"]["textOriginal"] for t in html_body["items"]]
    assert any("<script>" in t for t in originals)
    assert any("&lt;script&gt;" in t for t in html_texts) and not any("<script>" in t for t in html_texts)
    assert plain_texts == originals


def test_video_statistics_count_comments_and_replies(client):
    vids = videos(client)
    body = client.json("/youtube/v3/videos", part="statistics", id=",".join(vids[:50]), **KEY)
    assert body["kind"] == "youtube#videoListResponse"
    stats = {v["id"]: v["statistics"] for v in body["items"]}
    assert set(stats) == set(vids[:50])
    for vid in vids[:50]:
        r = client.get("/youtube/v3/commentThreads", part="snippet", videoId=vid, maxResults="100", **KEY)
        if r.status_code == 403 and r.json()["error"]["errors"][0]["reason"] == "forbidden":
            assert int(stats[vid]["commentCount"]) > 0    # members only: counted, not listable with a key
            continue
        if r.status_code == 403:
            assert "commentCount" not in stats[vid]   # comments disabled
            continue
        threads = r.json()["items"]
        total = len(threads) + sum(t["snippet"]["totalReplyCount"] for t in threads)
        assert stats[vid]["commentCount"] == str(total)


def members_only_videos(sb: Sandbox) -> list[str]:
    return [p.pid for w in sb.world.watched if w.platform == "youtube" for p in sb.world.content(w).posts
            if p.members_only]


def test_members_only_video_refuses_its_threads_with_forbidden(client):
    """A key is not a channel member: commentThreads.list (and comments.list) of a members-only
    video answer 403 ``forbidden``, while the video is listed and counted like any other."""
    vid = next(v for v in members_only_videos(client.sb) if v in videos(client))
    r = client.get("/youtube/v3/commentThreads", part="snippet,replies", videoId=vid, maxResults="100", **KEY)
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == 403 and err["errors"][0]["reason"] == "forbidden"
    assert err["errors"][0]["domain"] == "youtube.commentThread"
    stats = client.json("/youtube/v3/videos", part="statistics", id=vid, **KEY)["items"][0]["statistics"]
    assert int(stats["commentCount"]) > 0
    # its comments are not among what a crawl can collect
    world = client.sb.world
    video = next(p for w in world.watched if w.platform == "youtube" for p in world.content(w).posts if p.pid == vid)
    counted = world.totals()["youtube"]["comment"]
    try:
        video.members_only = False
        assert world.totals()["youtube"]["comment"] - counted == sum(k.author != -1 for k in video.children) > 0
    finally:
        video.members_only = True


def test_a_channel_without_uploads_names_a_playlist_that_is_not_found(client):
    body = client.json("/youtube/v3/channels", part="contentDetails", forHandle="@kanalkosong", **KEY)
    playlist = body["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
    assert playlist == "UU" + body["items"][0]["id"][2:]
    r = client.get("/youtube/v3/playlistItems", part="snippet,contentDetails", playlistId=playlist,
                   maxResults="50", **KEY)
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["errors"][0]["reason"] == "playlistNotFound" and err["errors"][0]["location"] == "playlistId"


def test_an_api_not_enabled_for_the_keys_project_answers_access_not_configured():
    with Sandbox(port=0, youtube_api_enabled=False) as sb:
        c = Client(sb)
        try:
            r = c.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="some-key")
            err = r.json()["error"]
            assert r.status_code == 403 and err["errors"][0]["reason"] == "accessNotConfigured"
            assert err["details"][0]["reason"] == "SERVICE_DISABLED"
        finally:
            c.close()
