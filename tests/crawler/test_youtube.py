"""YouTube: documented shapes parsed by the pure functions, and the real spider on a replay server."""

from __future__ import annotations

from crawler.spiders.youtube import comment_text, error_reason, reply_interactions, thread_interactions
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


# ---- against the sandbox: what the real API answers on less common paths -----------------------
SANDBOX_KEY = {"PANTAU_YOUTUBE_API_KEY": "sandbox-key"}


def _youtube_sandbox(workspace, sb, toml_extra: str = "", extra: str = "") -> None:
    from pantau.sandbox.server import watchlist_yaml
    setup_workspace(workspace, watchlist_yaml(sb.world, sb.url, {"youtube"}) + extra, toml_extra)


def test_a_channel_without_uploads_completes_with_a_note(workspace):
    """The uploads playlist of a channel that never uploaded is 404 playlistNotFound: no videos."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        empty = f"""  - name: Kanal Kosong
    role: dpd
    accounts:
      - platform: youtube
        handle: "@kanalkosong"
        url: {sb.url}/@kanalkosong
"""
        _youtube_sandbox(workspace, sb, extra=empty)
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 0, r.stdout + r.stderr
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert runs["kanalkosong"]["status"] == "ok", runs
        assert "channels without uploads" in (runs["kanalkosong"]["message"] or "")
        assert {a["status"] for a in runs.values()} == {"ok"}


def test_members_only_videos_are_skipped_not_the_account(workspace):
    """commentThreads.list of a members-only video is 403 forbidden: a note, the video's cursor
    advances, the account completes; every other comment is collected."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        members = [p.pid for w in sb.world.watched if w.platform == "youtube" for p in sb.world.content(w).posts
                   if p.members_only]
        _youtube_sandbox(workspace, sb)
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 0, r.stdout + r.stderr
        assert {a["status"] for a in account_runs(workspace)} == {"ok"}
        assert all("members-only videos skipped" in (a["message"] or "") for a in account_runs(workspace))
        got = interactions(workspace)
        assert len(got) == sum(sb.totals()["youtube"].values())
        cursors = rows(workspace, "SELECT cursors FROM posts WHERE post_id IN (%s)" % ",".join("?" * len(members)),
                       members)
        assert cursors and all('"seen"' in c[0] for c in cursors), cursors
        # the next night asks again only if the count moves
        before = sb.stats()["by_endpoint"].get("youtube.comment_threads", 0)
        assert crawl(workspace, env=SANDBOX_KEY).returncode == 0
        assert sb.stats()["by_endpoint"].get("youtube.comment_threads", 0) == before


def test_rate_limit_403_is_retried_with_backoff(workspace):
    """Google's 403 rateLimitExceeded means "slow down": retried (no Retry-After is sent), not a failure."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        _youtube_sandbox(workspace, sb, "max_retry_wait = 30.0\n")
        sb.inject("rate-limit", count=2, path_prefix="/youtube/v3/commentThreads")
        sb.inject("429", count=1, path_prefix="/youtube/v3/playlistItems")
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 0, r.stdout + r.stderr
        assert sb.stats()["faults"] == {"rate-limit": 2, "429": 1}
        assert {a["status"] for a in account_runs(workspace)} == {"ok"}
        assert sum(a["retries"] for a in account_runs(workspace)) == 3
        assert len(interactions(workspace)) == sum(sb.totals()["youtube"].values())


def test_rate_limit_403_that_persists_fails_the_account_after_the_retries(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        _youtube_sandbox(workspace, sb, "retries = 2\n")
        sb.inject("rate-limit", count=100, path_prefix="/youtube/v3/channels")
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 1
        assert "rateLimitExceeded" in r.stderr
        assert sb.stats()["faults"]["rate-limit"] == 2 * 3     # two channels, each asked 1 + 2 times


def test_api_not_enabled_for_the_keys_project_stops_every_youtube_account(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1, youtube_api_enabled=False) as sb:
        _youtube_sandbox(workspace, sb)
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 1
        assert "not enabled" in r.stderr and "PANTAU_YOUTUBE_API_KEY" in r.stderr
        runs = account_runs(workspace)
        assert len(runs) == 2 and all(a["status"] == "failed" and "not enabled" in a["message"] for a in runs)
        assert sb.stats()["requests"] <= 2


def test_daily_limit_exceeded_stops_the_spider_like_quota_exceeded(workspace, replay):
    from pantau.sandbox.youtube import error_body
    serve_youtube(replay)
    replay.add("/youtube/v3/commentThreads", error_body(403, "Daily Limit Exceeded", "dailyLimitExceeded",
                                                        "usageLimits"), status=403, query={"videoId": "kC7dBt2Qx9A"})
    replay.routes.insert(0, replay.routes.pop())    # before the recorded answer for that video
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace, env=KEY)
    assert r.returncode == 1
    assert "quota exceeded" in r.stderr


def test_videos_list_is_asked_by_id_without_max_results(workspace, replay):
    """videos.list documents maxResults as not supported together with id."""
    serve_youtube(replay)
    setup_workspace(workspace, watchlist(replay.url))
    assert crawl(workspace, env=KEY).returncode == 0
    asked = [q for q in replay.requests if q.startswith("/youtube/v3/videos?")]
    assert asked and not any("maxResults" in q for q in asked)


def test_plain_text_comments_are_kept_as_typed():
    """With textFormat=plainText, textDisplay is what was typed: '<b>' and '&amp;' stay as they are
    (textOriginal is guaranteed only to the comment's author, so it may be missing)."""
    from pantau.sandbox.server import Sandbox
    from tests.pantau.sandbox.conftest import Client
    with Sandbox(size="small", seed=1) as sb:
        c = Client(sb)
        try:
            w = sb.world.find("youtube", "calonsatu")
            vid = max(sb.world.content(w).posts, key=lambda p: p.t).pid     # has the markup comment
            body = c.json("/youtube/v3/commentThreads", part="snippet,replies", videoId=vid, maxResults="100",
                          textFormat="plainText", key="k")
        finally:
            c.close()
    typed = "Lihat <b>ini</b> &amp; itu"
    body["items"][0]["snippet"]["topLevelComment"]["snippet"]["textDisplay"] = typed
    for t in body["items"]:
        t["snippet"]["topLevelComment"]["snippet"].pop("textOriginal", None)
    items, _ = thread_interactions(body, channel_id="UCnobody", video_id=vid, target="@calonsatu",
                                   origin="https://www.youtube.com", plain=True)
    texts = [i.text for i in items if i.kind == "comment"]
    assert typed in texts
    assert any("<script>" in (t or "") for t in texts), "the sandbox's markup comment stays text"
    # an HTML answer is still converted
    html_sn = {"textDisplay": "a &amp; b<br>c"}
    assert comment_text(html_sn) == "a & b\nc"


def test_a_handle_written_without_at_is_crawled(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        setup_workspace(workspace, f"""candidates:
  - name: Calon Tiga
    accounts:
      - platform: youtube
        handle: calontiga
        url: {sb.url}/@calontiga
""")
        r = crawl(workspace, env=SANDBOX_KEY)
        assert r.returncode == 0, r.stdout + r.stderr
        assert [a["status"] for a in account_runs(workspace)] == ["ok"]
        assert len(interactions(workspace)) > 0
