"""YouTube: documented shapes parsed by the pure functions, and the real spider on a replay server."""

from __future__ import annotations

from crawler.spiders.youtube import error_reason, reply_interactions, thread_interactions
from tests.crawler.conftest import account_runs, crawl, interactions, load_fixture, rows, setup_workspace

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
