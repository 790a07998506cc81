"""YouTube: documented shapes parsed by the pure functions, and the real spider on a replay server."""

from __future__ import annotations

from crawler.spiders.youtube import error_reason, reply_interactions, thread_interactions
from tests.crawler.conftest import account_runs, crawl, full_pass_due, interactions, load_fixture, rows, setup_workspace

CHANNEL = "UCq7KandidatContohX3mR9w"
KEY = {"PANTAU_YOUTUBE_API_KEY": "TEST-API-KEY"}


def serve_youtube(replay, *, quota_on: str | None = None):
    replay.add_fixture("youtube/channels.contentDetails.json", query={"forHandle": "@kandidatcontoh"})
    replay.add_fixture("youtube/playlistItems.page1.json")
    replay.add_fixture("youtube/playlistItems.last.json", query={"pageToken": "EAAaBlBUOkNBTQ"})
    thread = load_fixture("youtube/commentThreads.page1.json")["body"]
    thread = {k: v for k, v in thread.items() if k != "nextPageToken"}
    replay.add_fixture("youtube/commentThreads.page1.json", query={"videoId": "kC7dBt2Qx9A"}, body=thread)
    replay.add_fixture("youtube/error.commentsDisabled.403.json", query={"videoId": "Zt5nHs0Yq3K"})
    if quota_on:
        replay.add_fixture("youtube/error.quotaExceeded.403.json", query={"videoId": quota_on})
    replay.add("/youtube/v3/commentThreads", {"items": []})
    replay.add_fixture("youtube/comments.byParent.json", query={"parentId": "UgzQ4eHn6TbX1yKw8Mf4AaABAg"})


def watchlist(url: str, extra: str = "") -> str:
    return f"""election: test
candidates:
  - name: Kandidat Contoh
    role: dpd
    accounts:
      - platform: youtube
        handle: "@kandidatcontoh"
        url: {url}/@kandidatcontoh
{extra}"""


def test_threads_comments_and_partial_replies():
    body = load_fixture("youtube/commentThreads.page1.json")["body"]
    items, partial = thread_interactions(body, channel_id=CHANNEL, video_id="kC7dBt2Qx9A", target="@k",
                                         origin="https://www.youtube.com")
    assert partial == ["UgzQ4eHn6TbX1yKw8Mf4AaABAg"]
    assert sum(i.kind == "comment" for i in items) == 3
    # the channel owner's own reply is a post, not an interaction
    assert all(i.actor.actor_key != CHANNEL for i in items)
    assert all("&lc=" in i.url for i in items)
    replies = reply_interactions(load_fixture("youtube/comments.byParent.json")["body"]["items"],
                                 channel_id=CHANNEL, video_id="kC7dBt2Qx9A", target="@k",
                                 origin="https://www.youtube.com", parent="UgzQ4eHn6TbX1yKw8Mf4AaABAg")
    assert len(replies) == 5 and all(r.parent_id == "UgzQ4eHn6TbX1yKw8Mf4AaABAg" for r in replies)
    assert all("<br>" not in (r.text or "") for r in replies)


def test_error_reasons():
    assert error_reason(load_fixture("youtube/error.quotaExceeded.403.json")["body"]) == "quotaExceeded"
    assert error_reason(load_fixture("youtube/error.commentsDisabled.403.json")["body"]) == "commentsDisabled"
    assert error_reason(load_fixture("youtube/error.keyInvalid.400.json")["body"]) == "keyInvalid"
    assert error_reason(b"not json") is None


def test_crawl_with_key_merges_replies_and_counts_disabled(workspace, replay):
    serve_youtube(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace, env=KEY)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    ids = {g[4] for g in got}
    # 3 top-level comments + 6 replies from comments.list, one of them by the channel owner
    assert sum(1 for g in got if g[1] == "comment") == 3
    assert sum(1 for g in got if g[1] == "reply") == 5
    assert len(ids) == len(got)
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "ok" and "comments disabled" in (ar["message"] or "")
    assert replay.count("/youtube/v3/comments?") == 1
    assert all("key=TEST-API-KEY" in q for q in replay.requests)


def test_no_key_fails_that_account_only(workspace, replay):
    serve_youtube(replay)
    from tests.crawler.test_mastodon import serve_mastodon
    serve_mastodon(replay)
    extra = f"""      - platform: mastodon
        handle: "@kandidatcontoh@warga.example"
        url: {replay.url}/@kandidatcontoh
"""
    setup_workspace(workspace, watchlist(replay.url, extra))
    r = crawl(workspace, env={"PANTAU_YOUTUBE_API_KEY": ""})
    assert r.returncode == 1
    assert "PANTAU_YOUTUBE_API_KEY" in r.stderr and "@kandidatcontoh" in r.stderr
    assert replay.count("/youtube/") == 0
    assert rows(workspace, "SELECT count(*) FROM interactions WHERE platform='mastodon'") == [(12,)]


def test_quota_exceeded_stops_the_spider_for_the_day(workspace, replay):
    serve_youtube(replay, quota_on="pL4mVw8Rz1E")
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace, env=KEY)
    assert r.returncode == 1
    assert "quota exceeded" in r.stderr
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "failed" and "quota" in ar["message"]


def _serve_statistics(replay, comment_counts: dict[str, str | None]) -> None:
    """videos.list statistics; a video whose count is None has comments disabled (no commentCount)."""
    items = [{"id": vid, "statistics": ({"likeCount": "1"} if n is None else {"commentCount": n, "likeCount": "1"})}
             for vid, n in comment_counts.items()]
    replay.routes = [r for r in replay.routes if r[0] != "/youtube/v3/videos"]
    replay.add("/youtube/v3/videos", {"kind": "youtube#videoListResponse", "items": items})


def test_videos_with_comments_disabled_are_asked_again_only_when_their_count_comes_back(workspace, replay):
    serve_youtube(replay)
    counts = {"kC7dBt2Qx9A": "9", "pL4mVw8Rz1E": "0", "Zt5nHs0Yq3K": None, "aB2cD3eF4gH": "0", "xY9wV8uT7sR": "0"}
    _serve_statistics(replay, counts)
    setup_workspace(workspace, watchlist(replay.url), "lookback_days = 400\n")   # the videos stay in the window
    disabled = "/youtube/v3/commentThreads?part=snippet%2Creplies&videoId=Zt5nHs0Yq3K"
    assert crawl(workspace, env=KEY).returncode == 0
    assert replay.count(disabled) == 1
    first = interactions(workspace)

    # nothing changed: neither the open video nor the one with comments disabled is read again
    mark = len(replay.requests)
    r = crawl(workspace, env=KEY)
    assert r.returncode == 0, r.stdout + r.stderr
    assert [q for q in replay.requests[mark:] if "commentThreads" in q] == []
    ar = account_runs(workspace)[-1]
    assert ar["status"] == "ok" and "comments disabled" in (ar["message"] or "")
    assert interactions(workspace) == first

    # comments are opened again: the count is back, so the video is read, and the mark is gone
    replay.routes = [r for r in replay.routes if r[1].get("videoId") != "Zt5nHs0Yq3K"]
    _serve_statistics(replay, {**counts, "Zt5nHs0Yq3K": "0"})
    mark = len(replay.requests)
    assert crawl(workspace, env=KEY).returncode == 0
    assert [q for q in replay.requests[mark:] if "commentThreads" in q] == [], "a count of 0 needs no read"
    _serve_statistics(replay, {**counts, "Zt5nHs0Yq3K": "2"})
    mark = len(replay.requests)
    assert crawl(workspace, env=KEY).returncode == 0
    assert sum(q.startswith(disabled) for q in replay.requests[mark:]) == 1
    cursors = rows(workspace, "SELECT cursors FROM posts WHERE post_id='Zt5nHs0Yq3K'")[0][0]
    assert "comments_disabled" not in cursors


def test_the_full_pass_asks_again_about_videos_with_comments_disabled(workspace, replay):
    serve_youtube(replay)
    _serve_statistics(replay, {"kC7dBt2Qx9A": "9", "pL4mVw8Rz1E": "0", "Zt5nHs0Yq3K": None,
                               "aB2cD3eF4gH": "0", "xY9wV8uT7sR": "0"})
    setup_workspace(workspace, watchlist(replay.url), "lookback_days = 400\n")
    disabled = "/youtube/v3/commentThreads?part=snippet%2Creplies&videoId=Zt5nHs0Yq3K"
    assert crawl(workspace, env=KEY).returncode == 0
    full_pass_due(workspace)
    assert crawl(workspace, env=KEY).returncode == 0
    assert replay.count(disabled) == 2
