"""The X API v2 spider: payload functions on docs.x.com shapes, and `pantau crawl` against the sandbox X API."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.spiders.x import (ReadBudget, actor_from_user, conversation_interactions, problem_text, snowflake_time,
                               tweet_counts)
from tests.crawler.conftest import account_runs, crawl, interactions, rows, setup_workspace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x"
TOKEN = {"PANTAU_X_BEARER_TOKEN": "sandbox-basic-token"}
ENTERPRISE = {"PANTAU_X_BEARER_TOKEN": "enterprise-sandbox-token"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# ---- payloads -----------------------------------------------------------------------------
def test_conversation_search_gives_comments_and_replies():
    items, skipped = conversation_interactions(
        fixture("search_recent.conversation.json"), uid="1102323333", target="TheOriginalAuthor",
        origin="https://x.com", conversation="1279944223114900000", own_root=True)
    got = {(i.interaction_id, i.kind, i.actor.actor_key, i.post_id, i.parent_id) for i in items}
    assert got == {
        # in reply to the author's own reply: a comment on that reply
        ("1280169177479744444", "comment", "63044444", "1280155225706433333", "1280155225706433333"),
        # in reply to the first post: a comment on it
        ("1279988127112144896", "comment", "2244994945", "1279944223114900000", "1279944223114900000"),
        # in reply to a commenter: a reply, on the conversation's first post
        ("1279999425132560384", "reply", "11185222", "1279944223114900000", "1279988127112144896"),
    }
    assert skipped == 0                      # the author's own reply is a post, not left out
    by_id = {i.interaction_id: i for i in items}
    assert by_id["1280169177479744444"].actor.handle == "ThirdPerson"
    assert by_id["1280169177479744444"].url == "https://x.com/ThirdPerson/status/1280169177479744444"
    assert by_id["1279999425132560384"].created_at == "2020-07-06T02:11:40.000Z"


def test_in_someone_elses_thread_only_comments_count():
    items, skipped = conversation_interactions(
        fixture("search_recent.conversation.json"), uid="2244994945", target="TwitterDev",
        origin="https://x.com", conversation="1279944223114900000", own_root=False)
    assert [(i.interaction_id, i.kind, i.post_id) for i in items] == [
        ("1279999425132560384", "comment", "1279988127112144896")]
    assert skipped == 2


def test_users_quotes_counts_and_problems_in_docs_shapes():
    likers = fixture("liking_users.json")["data"]
    a = actor_from_user(likers[0], "https://x.com")
    assert (a.actor_key, a.handle, a.display_name, a.profile_url) == (
        "17874544", "TwitterSupport", "Twitter Support", "https://x.com/TwitterSupport")
    q = fixture("quote_tweets.json")["data"][0]
    assert tweet_counts(q) == {"replies": 4, "likes": 87, "reposts": 12, "quotes": 2}
    assert snowflake_time("1460323737035677698").isoformat().startswith("2021-11-15T19:08:05")
    assert problem_text(fixture("followers.client_not_enrolled.403.json"), 403) == \
        "403 Client Forbidden: client-not-enrolled"
    assert problem_text(fixture("users_by_username.not_found.json"), 200).startswith(
        "200 Not Found Error: Could not find user with username: [calon_hilang]")
    assert problem_text(fixture("usage_capped.429.json"), 429).startswith("429 UsageCapExceeded")


def test_read_budget_reserves_and_settles():
    b = ReadBudget(cap=250, spent_before=100)
    assert b.reserve(100) and not b.reserve(100) and b.left == 50
    b.settle(100, 7)
    assert b.left == 143 and not b.reserve(10)       # closed: nothing older is read after a refusal
    assert ReadBudget(250, 0).reserve(100) and ReadBudget(250, 0).reserve(250)
    assert ReadBudget(None, 10**9).reserve(10**6)


# ---- the sandbox answers in the documented shapes ---------------------------------------
def _shape(obj):
    if isinstance(obj, dict):
        return {k: _shape(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shape(obj[0])] if obj else []
    return type(obj).__name__


def test_sandbox_answers_in_the_fixtures_shapes(sandbox):
    import httpx
    c = httpx.Client(base_url=sandbox.url, headers={"Authorization": "Bearer t"})
    user = c.get("/2/users/by/username/calonsatu", params={"user.fields": "created_at,description,public_metrics"})
    assert user.headers["x-rate-limit-remaining"].isdigit() and user.headers["x-rate-limit-reset"].isdigit()
    assert "retry-after" not in user.headers
    want = _shape(fixture("users_by_username.json"))
    want["data"]["public_metrics"]["like_count"] = "int"
    assert set(_shape(user.json())["data"]) >= set(want["data"]) - {"public_metrics"}
    uid = user.json()["data"]["id"]
    tl = c.get(f"/2/users/{uid}/tweets", params={"max_results": 100, "exclude": "retweets",
                                                 "tweet.fields": "created_at,public_metrics,conversation_id"}).json()
    busiest = max(tl["data"], key=lambda t: t["public_metrics"]["like_count"] + t["public_metrics"]["quote_count"])
    likers = c.get(f"/2/tweets/{busiest['id']}/liking_users", params={"max_results": 2, "user.fields": "created_at"})
    assert set(likers.json()) == {"data", "meta"} and set(likers.json()["meta"]) == {"result_count", "next_token"}
    assert set(likers.json()["data"][0]) == {"id", "name", "username", "created_at"}
    quotes = c.get(f"/2/tweets/{busiest['id']}/quote_tweets",
                   params={"max_results": 10, "expansions": "author_id", "tweet.fields": "author_id,created_at"}).json()
    assert set(quotes) >= {"data", "includes", "meta"} and "users" in quotes["includes"]
    gone = c.get("/2/users/by/username/calon_hilang").json()
    assert _shape(gone) == _shape(fixture("users_by_username.not_found.json"))
    followers = c.get(f"/2/users/{uid}/followers")
    assert followers.status_code == 403 and followers.json()["reason"] == "client-not-enrolled"
    assert httpx.get(sandbox.url + f"/2/users/{uid}/tweets").status_code == 401
    old = c.get("/2/tweets/search/recent", params={"query": f"conversation_id:{busiest['id']}",
                                                   "start_time": "2020-01-01T00:00:00Z"})
    assert old.status_code == 400 and old.json()["title"] == "Invalid Request"


# ---- the spider against the sandbox --------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox():
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        yield sb


def setup_x(ws, sb, wl: str | None = None, crawl_extra: str = "", x_extra: str = "") -> None:
    """A workspace whose X requests go to the sandbox: the token goes only to [platforms.x] base_url."""
    setup_workspace(ws, x_watchlist(sb) if wl is None else wl,
                    crawl_extra + f'[platforms.x]\nbase_url = "{sb.url}"\n' + x_extra)


def x_watchlist(sb) -> str:
    from pantau.sandbox.server import watchlist_yaml
    return watchlist_yaml(sb.world, sb.url, {"x"})


def by_kind(ws) -> Counter:
    return Counter(k for p, k, *_ in interactions(ws) if p == "x")


def test_crawl_collects_what_the_api_lists_then_recrawls_little(workspace, sandbox):
    setup_x(workspace, sandbox)
    sandbox.reset_stats()
    r = crawl(workspace, env=TOKEN)
    assert r.returncode == 0, r.stdout + r.stderr
    first = sandbox.stats()["requests"]
    want = dict(sandbox.totals()["x"])
    got = by_kind(workspace)
    assert got["follow"] == 0                        # a Basic token: followers are Enterprise only
    assert {k: got[k] for k in want if k != "follow"} == {k: n for k, n in want.items() if k != "follow"}
    runs = account_runs(workspace)
    assert {a["status"] for a in runs} == {"ok"}
    assert all("Enterprise access only" in a["message"] for a in runs)
    assert any("older than 7 days" in a["message"] for a in runs)
    reads = rows(workspace, "SELECT platform, reads FROM platform_reads")
    assert reads and reads[0][0] == "x" and reads[0][1] >= want["quote"] + want["comment"] + want["reply"]
    from tests.conftest import run_pantau
    st = run_pantau("status", cwd=workspace)
    assert "x posts read in " in st.stdout and f": {reads[0][1]:,} (no monthly_read_cap set)" in st.stdout
    # the text of strangers is kept as written
    assert rows(workspace, "SELECT count(*) FROM interactions WHERE platform='x' AND kind='comment' AND text LIKE '%<%'")

    before = interactions(workspace)
    (reads1,) = rows(workspace, "SELECT reads FROM platform_reads")[0]
    sandbox.reset_stats()
    r2 = crawl(workspace, env=TOKEN)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    second = sandbox.stats()
    assert interactions(workspace) == before
    by = second["by_endpoint"]
    assert "x.followers" not in by                    # the 403 is remembered until the full pass
    assert set(by) <= {"x.users_by_username", "x.user_tweets", "x.tweets", "x.search_recent"}
    # per account: the user, new posts since the newest seen, one lookup of the window's posts,
    # and at most [crawl] live_threads (5) live conversations searched for newer replies only
    assert by["x.users_by_username"] == by["x.user_tweets"] == by["x.tweets"] == 2
    assert by.get("x.search_recent", 0) <= 2 * 5
    assert second["requests"] < first * 0.25, (second, first)
    # the reads it cost: the looked-up posts of the look-back window, nothing from the searches
    (window,) = rows(workspace, "SELECT count(*) FROM posts WHERE platform='x' "
                                "AND created_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-30 days')")[0]
    assert rows(workspace, "SELECT reads FROM platform_reads")[0][0] - reads1 == window

    # new activity: a new post with a like and a comment, more on an old post
    added = sandbox.advance("x")
    r3 = crawl(workspace, env=TOKEN)
    assert r3.returncode == 0, r3.stdout + r3.stderr
    got3 = by_kind(workspace)
    new = Counter()
    for acc in added["accounts"].values():
        new.update(acc["added"])
    for kind in ("comment", "reply", "like", "repost", "quote"):
        assert got3[kind] == got[kind] + new[kind], kind
    # the new post came through since_id, the old one's counts through the lookup
    assert rows(workspace, "SELECT count(*) FROM posts WHERE platform='x' AND post_id IN (%s)" % ",".join(
        "?" * len(added["accounts"])), [a["new_post"] for a in added["accounts"].values()]) == [(2,)]


def test_enterprise_access_lists_followers(workspace, sandbox):
    setup_x(workspace, sandbox)
    r = crawl(workspace, env=ENTERPRISE)
    assert r.returncode == 0, r.stdout + r.stderr
    assert by_kind(workspace)["follow"] == sandbox.totals()["x"]["follow"]


@pytest.mark.parametrize("token", ["", "   "])
def test_without_a_token_x_is_skipped_in_one_line(workspace, sandbox, token):
    setup_x(workspace, sandbox)
    r = crawl(workspace, env={"PANTAU_X_BEARER_TOKEN": token})
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [ln for ln in r.stdout.splitlines() if "account(s) skipped" in ln]
    assert len(lines) == 1 and "PANTAU_X_BEARER_TOKEN" in lines[0] and "capture" in lines[0]
    assert {a["status"] for a in account_runs(workspace)} == {"skipped"}
    assert sandbox.stats()["requests"] >= 0 and by_kind(workspace) == Counter()


@pytest.mark.parametrize("kind", ["429-reset", "503", "500", "truncated"])
def test_faults_are_survived(workspace, kind):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=2) as sb:
        setup_x(workspace, sb, crawl_extra="max_retry_wait = 30.0\nserver_error_backoff = 0.1\n")
        sb.inject(kind, count=3, path_prefix="/2/tweets/")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want
        assert sum(a["retries"] for a in account_runs(workspace)) == 3
        assert sb.faults.served[kind] == 3


def test_a_rate_limit_longer_than_the_run_allows_defers_the_account(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=3) as sb:
        setup_x(workspace, sb, crawl_extra="max_retry_wait = 0.2\n")
        sb.inject("429-reset", count=1, path_prefix="/2/users/")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 1
        runs = account_runs(workspace)
        deferred = [a for a in runs if a["status"] == "budget"]
        assert len(deferred) == 1 and "deferred to the next run" in deferred[0]["message"]
        assert "x-rate-limit" not in r.stderr.lower() or "deferred" in r.stderr
        # the next run, with the limit gone, collects it
        r2 = crawl(workspace, env=TOKEN)
        assert r2.returncode == 0, r2.stdout + r2.stderr
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def test_monthly_read_cap_is_spent_newest_first_and_the_rest_waits(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        setup_x(workspace, sb, x_extra="monthly_read_cap = 120\npage_size = 20\n")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 1
        assert "monthly read cap reached" in r.stdout + r.stderr
        (spent,) = rows(workspace, "SELECT reads FROM platform_reads WHERE platform='x'")[0]
        assert 0 < spent <= 120
        runs = account_runs(workspace)
        assert any(a["status"] == "budget" and "left for a later run" in a["message"] for a in runs)
        # newest first: the newest stored post of some account was listed completely, older ones wait
        posts = rows(workspace, "SELECT account_id, post_id, cursors FROM posts WHERE platform='x'")
        complete = {p for _, p, c in posts if "seen" in json.loads(c or "{}")}
        newest = {}
        for aid, p, _ in posts:
            if aid not in newest or int(p) > int(newest[aid]):
                newest[aid] = p
        assert complete & set(newest.values())
        assert len(complete) < len(posts)
        # the next run of the month spends what is left, never more than the cap, and says what waits
        r2 = crawl(workspace, env=TOKEN)
        assert r2.returncode == 1 and "monthly read cap reached" in r2.stdout + r2.stderr
        assert spent < rows(workspace, "SELECT reads FROM platform_reads WHERE platform='x'")[0][0] <= 120
        # a larger cap: the rest comes in, nothing twice
        (workspace / "pantau.toml").write_text((workspace / "pantau.toml").read_text().replace(
            "monthly_read_cap = 120", "monthly_read_cap = 100000"))
        r3 = crawl(workspace, env=TOKEN)
        assert r3.returncode == 0, r3.stdout + r3.stderr
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def test_a_missing_user_fails_the_account_by_x_words(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        wl = x_watchlist(sb) + ("  - name: Calon Hilang\n    accounts:\n      - platform: x\n"
                                f"        handle: calon_hilang\n        url: {sb.url}/calon_hilang\n")
        setup_x(workspace, sb, wl)
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 1
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert runs["calon_hilang"]["status"] == "failed" and "Not Found Error" in runs["calon_hilang"]["message"]
        assert runs["calonsatu"]["status"] == runs["calondua"]["status"] == "ok"


def listed(ws, handle: str) -> bool:
    (cursors,) = rows(ws, "SELECT cursors FROM accounts WHERE platform='x' AND handle=?", (handle,))[0]
    return bool(json.loads(cursors or "{}").get("listed"))


def test_the_usage_cap_is_never_retried_and_defers_every_x_account(workspace):
    """X's monthly cap answers 429 usage-capped with its ordinary rate headers (requests left in
    the window, a reset minutes ahead): neither retried nor waited on; the run asks X nothing more."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        setup_x(workspace, sb)
        sb.inject("quota", count=1, path_prefix="/2/users/by/username/calonsatu")
        r = crawl(workspace, env=TOKEN, timeout=60)      # waiting for the reset would take minutes
        assert r.returncode == 1
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert {a["status"] for a in runs.values()} == {"budget"}, runs
        assert all("usage cap" in a["message"] and "deferred" in a["message"] for a in runs.values())
        assert sum(a["retries"] for a in runs.values()) == 0
        assert sb.faults.served == {"quota": 1}
        # calonsatu asked nothing more; calondua at most what was on its way (its lookup, then
        # its timeline and followers, sent in the same instant the 429 came back)
        assert sb.stats()["requests"] <= 1 + 3
        assert not listed(workspace, "calonsatu") and not listed(workspace, "calondua")
        # the next month: everything comes in
        assert crawl(workspace, env=TOKEN).returncode == 0
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def test_a_protected_account_says_so_and_its_first_run_comes_again(workspace):
    """A protected account's timeline is a 200 with an Authorization Error only: the account
    stops with that, is not marked listed, and the run after it is unprotected starts at since."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1, x_protected=("calondua",)) as sb:
        setup_x(workspace, sb)
        r = crawl(workspace, env=TOKEN)
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert runs["calondua"]["status"] == "skipped" and "protected" in runs["calondua"]["message"]
        assert runs["calonsatu"]["status"] == "ok" and r.returncode == 0, r.stdout + r.stderr
        assert not listed(workspace, "calondua") and listed(workspace, "calonsatu")
        assert sb.stats()["by_endpoint"]["x.user_tweets"] == 1          # calondua's was never asked

        # a user lookup that does not say so (protected since, or a field not asked): the
        # timeline's errors stop the account with X's words
        user = sb.x.user
        sb.x.user = lambda w, idx, fields: {k: v for k, v in user(w, idx, fields).items() if k != "protected"}
        r2 = crawl(workspace, env=TOKEN)
        assert r2.returncode == 1
        run2 = {a["handle"]: a for a in account_runs(workspace) if a["run_id"] == 2}
        assert run2["calondua"]["status"] == "failed"
        assert "Authorization Error" in run2["calondua"]["message"]
        assert not listed(workspace, "calondua")

        sb.x.user = user
        sb.x.protected.clear()
        assert crawl(workspace, env=TOKEN).returncode == 0
        w = sb.world.find("x", "calondua")
        own = [n.pid for n in sb.world.content(w).own if n.kind != "reblog"]
        stored = {p for (p,) in rows(workspace, "SELECT post_id FROM posts WHERE platform='x'")}
        assert set(own) <= stored                      # back to since, not to the last 30 days
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def test_a_403_on_the_user_or_its_posts_fails_the_account_and_moves_no_cursor(workspace):
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        setup_x(workspace, sb)
        uid = sb.x.watched_id(sb.world.find("x", "calondua"))
        sb.inject("forbidden", count=1, path_prefix="/2/users/by/username/calonsatu")
        sb.inject("forbidden", count=1, path_prefix=f"/2/users/{uid}/tweets")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 1
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert runs["calonsatu"]["status"] == runs["calondua"]["status"] == "failed", runs
        assert "user lookup" in runs["calonsatu"]["message"] and "client-not-enrolled" in runs["calonsatu"]["message"]
        assert "posts" in runs["calondua"]["message"] and "client-not-enrolled" in runs["calondua"]["message"]
        assert not listed(workspace, "calonsatu") and not listed(workspace, "calondua")
        assert crawl(workspace, env=TOKEN).returncode == 0
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def snowflake_days_ago(days: float) -> str:
    import time as _time

    from crawler.spiders.x import X_EPOCH_MS
    return str((int((_time.time() - days * 86400) * 1000) - X_EPOCH_MS) << 22)


def test_search_gets_no_since_id_older_than_its_7_days_and_a_400_is_a_note(workspace):
    from pantau.sandbox.server import Sandbox
    from pantau.sandbox.x import invalid
    with Sandbox(size="small", seed=1) as sb:
        setup_x(workspace, sb)
        assert crawl(workspace, env=TOKEN).returncode == 0
        # the newest replies seen are from before search's window now (as after a week's pause)
        old = snowflake_days_ago(10)
        con = __import__("sqlite3").connect(workspace / "data" / "pantau.db")
        with con:
            n = con.execute("UPDATE posts SET cursors = json_set(cursors, '$.newest_reply', ?) "
                            "WHERE json_extract(cursors, '$.newest_reply') IS NOT NULL", (old,)).rowcount
        con.close()
        assert n > 0
        sb.advance("x")
        sb.reset_stats()
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        assert sb.stats()["by_endpoint"].get("x.search_recent", 0) > 0
        assert sb.stats()["by_status"].get("400", 0) == 0
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want

        # a search X refuses (400) is a note; its post's replies are asked again next run
        search = sb.x.search_recent

        def refuse(req):
            raise invalid("The `query` query parameter value is not valid", "query", req.query.get("query", ""))
        sb.x.search_recent = refuse
        sb.advance("x")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        run3 = [a for a in account_runs(workspace) if a["run_id"] == 3]
        assert {a["status"] for a in run3} == {"ok"}
        assert any("replies (search): 400 Invalid Request" in a["message"] for a in run3)
        sb.x.search_recent = search
        assert crawl(workspace, env=TOKEN).returncode == 0
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def one_account(sb, handle: str, collect: str) -> str:
    return ("election: sandbox\ncandidates:\n  - name: Calon\n    accounts:\n      - platform: x\n"
            f"        handle: {handle}\n        url: {sb.url}/{handle}\n        collect: [{collect}]\n")


def test_one_endpoints_exhausted_limit_holds_up_only_that_endpoint(workspace):
    """X limits each endpoint on its own: liking_users at its limit must not stall retweeted_by."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1, rate_window=3.0, rate_limits={"x.liking_users": 3}) as sb:
        setup_x(workspace, sb, one_account(sb, "calonsatu", "likes, reposts"), crawl_extra="max_retry_wait = 30.0\n")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        served = list(sb.served)
        likes = [t for t, e, status in served if e == "x.liking_users" and status == 200]
        reposts = [t for t, e, _ in served if e == "x.retweeted_by"]
        assert len(likes) > 3 and reposts
        exhausted, next_window = likes[2], likes[3]
        # the reposts still to ask when likes ran out were asked at once, not after the reset
        assert max(reposts) < next_window - 0.5, (exhausted, next_window, reposts)
        c = sb.world.content(sb.world.find("x", "calonsatu"))
        got = by_kind(workspace)
        assert got["like"] == sum(len(n.likes) for n in c.own if n.kind != "reblog")
        assert got["repost"] == sum(len(n.reposts) for n in c.own if n.kind != "reblog")


def test_a_reset_is_waited_for_with_a_margin_for_the_servers_clock(workspace):
    """X's reset is epoch seconds by X's clock: a retry sent on that second may still count in
    the old window (here the server's clock lags half a second)."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1, rate_window=2.0, clock_skew=0.5,
                 rate_limits={"x.user_tweets": 1}) as sb:
        setup_x(workspace, sb, crawl_extra="max_retry_wait = 30.0\n")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        assert {a["status"] for a in account_runs(workspace)} == {"ok"}
        assert sb.stats()["by_endpoint"]["x.user_tweets"] >= 2
        want = {k: n for k, n in sb.totals()["x"].items() if k != "follow"}
        got = by_kind(workspace)
        assert {k: got[k] for k in want} == want


def test_x_503s_are_waited_out_more_patiently_than_other_failures(workspace):
    """X answers 503 when overloaded and asks to wait and retry: [crawl] server_error_retries (6)
    retries with a doubling backoff ([crawl] server_error_backoff, short here), not [crawl] retries (3)."""
    from pantau.sandbox.server import Sandbox
    with Sandbox(size="small", seed=1) as sb:
        setup_x(workspace, sb, crawl_extra="server_error_backoff = 0.05\n")
        sb.inject("503", count=5, path_prefix="/2/users/by/username/calonsatu")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        runs = {a["handle"]: a for a in account_runs(workspace)}
        assert runs["calonsatu"]["status"] == "ok" and runs["calonsatu"]["retries"] == 5
        assert sb.faults.served == {"503": 5}


def test_a_lookup_of_100_ids_is_not_dropped_for_its_length():
    from scrapy.settings import Settings

    from crawler.spiders.x import LOOKUP_IDS, TWEET_FIELDS, XSpider
    s = Settings({"URLLENGTH_LIMIT": 2083})
    XSpider.update_settings(s)
    from urllib.parse import urlencode
    url = "https://api.x.com/2/tweets?" + urlencode({"ids": ",".join(["2129365140968220288"] * LOOKUP_IDS),
                                                     "tweet.fields": TWEET_FIELDS})
    assert 2083 < len(url) <= s.getint("URLLENGTH_LIMIT")


def test_a_403_on_one_listing_is_a_note_on_it(workspace, sandbox):
    setup_x(workspace, sandbox)
    r = crawl(workspace, env={"PANTAU_X_BEARER_TOKEN": "app-only-sandbox-token"})
    assert r.returncode == 0, r.stdout + r.stderr
    got = by_kind(workspace)
    assert got["like"] == 0 and got["repost"] == sandbox.totals()["x"]["repost"] and got["comment"] > 0
    runs = account_runs(workspace)
    assert {a["status"] for a in runs} == {"ok"}
    # one note per account: the refusal is the token's, remembered for the rest of the run
    import re
    assert all(re.search(r"liking_users: 403 Unsupported Authentication[^;]*: 1(;|$)", a["message"])
               for a in runs), [a["message"] for a in runs]


def test_without_the_tweets_lookup_a_recrawl_reads_the_windows_timeline(workspace):
    from pantau.sandbox.server import Sandbox
    from pantau.sandbox.x import ApiError
    with Sandbox(size="small", seed=4) as sb:
        setup_x(workspace, sb)
        assert crawl(workspace, env=TOKEN).returncode == 0
        before = interactions(workspace)

        def gone(req):
            raise ApiError(404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]})
        sb.x.tweets_lookup = gone
        added = sb.advance("x")
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        assert all("tweets lookup unavailable" in a["message"] for a in account_runs(workspace) if a["run_id"] == 2)
        got = by_kind(workspace)
        new = Counter()
        for acc in added["accounts"].values():
            new.update(acc["added"])
        assert before < interactions(workspace)
        assert got["like"] == Counter(k for p, k, *_ in before if p == "x")["like"] + new["like"]


def test_the_token_goes_only_to_the_configured_api_never_where_a_watchlist_url_points(workspace, sandbox):
    from pantau.sandbox.server import Sandbox, watchlist_yaml
    with Sandbox(size="small", seed=1) as elsewhere:
        setup_x(workspace, sandbox, wl=watchlist_yaml(elsewhere.world, elsewhere.url, {"x"}))
        r = crawl(workspace, env=TOKEN)
        assert r.returncode == 0, r.stdout + r.stderr
        assert elsewhere.stats()["requests"] == 0
        assert by_kind(workspace)["like"] == sandbox.totals()["x"]["like"]
