"""The web spider: a JavaScript-rendered page in real Chromium, "load more", robots.txt, the profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.spiders.web import ProfileError, check_profile, load_profile, parse_page, read_field
from tests.crawler.conftest import account_runs, crawl, interactions, rows, setup_workspace

WEB = Path(__file__).resolve().parent.parent / "fixtures" / "web"

RENDERED = """<main id="timeline"><article class="post" data-post-id="7">
<a class="post-link" href="/mikroblog/calon/post/7">permalink</a>
<time class="post-time" datetime="2026-11-20T08:00:00Z">20 Nov</time><div class="post-text">Halo</div>
<section class="comments">
 <div class="comment" data-comment-id="c1"><a class="author" href="/mikroblog/u/budi" data-handle="Budi">
  <span class="author-name">Budi S.</span></a><time class="comment-time" datetime="2026-11-20T09:00:00Z">x</time>
  <p class="comment-text">Setuju</p>
  <div class="replies"><div class="comment reply" data-comment-id="r1" data-parent-id="c1">
   <a class="author" href="/mikroblog/u/siti" data-handle="siti"><span class="author-name">Siti</span></a>
   <time class="comment-time" datetime="2026-11-20T09:30:00Z">x</time><p class="comment-text">Ya</p>
   <div class="replies"><div class="comment reply" data-comment-id="r2" data-parent-id="r1">
    <a class="author" href="/mikroblog/u/budi" data-handle="budi"><span class="author-name">Budi S.</span></a>
    <time class="comment-time" datetime="2026-11-20T10:00:00Z">x</time><p class="comment-text">Oke</p>
   </div></div></div></div>
 </div></section></article></main>"""


def serve_web(replay, robots: str | None = None, robots_status: int = 200):
    page = (WEB / "mikroblog.html").read_text(encoding="utf-8")
    replay.add("/mikroblog/calon", page.replace("{handle}", "calon"), content_type="text/html; charset=utf-8")
    replay.add("/mikroblog/private/calon", page.replace("{handle}", "calon"), content_type="text/html")
    for n in (1, 2):
        replay.add("/mikroblog/api/calon/posts", (WEB / f"posts.page{n}.json").read_bytes(), query={"page": str(n)})
    replay.add("/robots.txt", (WEB / "robots.txt").read_text() if robots is None else robots,
               status=robots_status, content_type="text/plain")


def watchlist(url: str, path: str = "/mikroblog/calon") -> str:
    return f"""election: test
candidates:
  - name: Calon
    role: dpd
    accounts:
      - platform: web
        handle: calon
        url: {url}{path}
        profile: sandbox-mikroblog
"""


def test_profile_reads_the_dom_contract():
    profile = load_profile("sandbox-mikroblog")
    posts, items = parse_page(RENDERED, profile, page_url="http://127.0.0.1:1/mikroblog/calon", target="calon",
                              namespace="sandbox-mikroblog")
    assert [p.post_id for p in posts] == ["sandbox-mikroblog:7"]
    assert posts[0].url == "http://127.0.0.1:1/mikroblog/calon/post/7"
    got = {(i.interaction_id, i.kind, i.actor.actor_key, i.parent_id) for i in items}
    assert got == {("sandbox-mikroblog:c1", "comment", "budi", None),
                   ("sandbox-mikroblog:r1", "reply", "siti", "sandbox-mikroblog:c1"),
                   ("sandbox-mikroblog:r2", "reply", "budi", "sandbox-mikroblog:r1")}
    first = next(i for i in items if i.interaction_id.endswith("c1"))
    assert first.text == "Setuju" and first.actor.display_name == "Budi S."
    assert first.created_at == "2026-11-20T09:00:00Z"


def test_profile_problems_are_named(tmp_path):
    assert check_profile({"post": {"selector": "x"}})[0].startswith("post.id")
    (tmp_path / "broken.yaml").write_text("post: [", encoding="utf-8")
    with pytest.raises(ProfileError, match="broken.yaml"):
        load_profile("broken", [tmp_path])
    with pytest.raises(ProfileError, match="not found"):
        load_profile("no-such-profile", [tmp_path])
    from parsel import Selector
    assert read_field(Selector(text="<a x='1'>t</a>").css("a")[0], "@x") == "1"


def test_rendered_page_in_chromium_with_load_more(workspace, replay):
    serve_web(replay)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    got = interactions(workspace)
    assert sorted(g[4] for g in got if g[1] == "comment") == [f"sandbox-mikroblog:c{i}" for i in (1, 2, 3, 4)]
    assert sorted(g[4] for g in got if g[1] == "reply") == [f"sandbox-mikroblog:r{i}" for i in (1, 2, 3)]
    # page 2 only appears after clicking "load more"
    assert replay.count("/mikroblog/api/calon/posts?page=2") == 1
    assert ("sandbox-mikroblog:r2", "sandbox-mikroblog:r1") in {(g[4], g[5]) for g in got}
    # strangers' markup stays text
    assert rows(workspace, "SELECT text FROM interactions WHERE interaction_id='sandbox-mikroblog:r2'") == \
        [("<b>terima kasih</b>",)]
    assert rows(workspace, "SELECT count(*) FROM posts WHERE platform='web'") == [(3,)]
    # second run: same data, nothing new
    assert crawl(workspace).returncode == 0
    assert interactions(workspace) == got and account_runs(workspace)[-1]["new_items"] == 0


def test_robots_txt_is_obeyed(workspace, replay):
    serve_web(replay)
    setup_workspace(workspace, watchlist(replay.url, "/mikroblog/private/calon"))
    r = crawl(workspace)
    assert r.returncode == 1
    assert "robots.txt" in r.stderr
    assert replay.count("/mikroblog/private/") == 0
    assert replay.count("/robots.txt") == 1
    assert interactions(workspace) == set()


def test_source_gone_quiet_is_flagged_for_status(workspace, replay):
    """A broken page (or selector) yields nothing where it used to: storage's health check names it."""
    serve_web(replay)
    setup_workspace(workspace, watchlist(replay.url))
    assert crawl(workspace).returncode == 0
    replay.routes.clear()
    replay.add("/mikroblog/calon", "<html><body><main id='timeline'>diubah</main></body></html>",
               content_type="text/html")
    replay.add("/robots.txt", "", content_type="text/plain")
    r = crawl(workspace)
    assert r.returncode == 0, r.stderr          # nothing failed as such ...
    import storage
    from storage.queries.runs import silent_accounts
    db = storage.open_db(workspace / "data" / "pantau.db")
    try:
        silent = silent_accounts(db)          # ... but the account is flagged
    finally:
        db.close()
    assert [(s["platform"], s["handle"]) for s in silent] == [("web", "calon")]
    assert "selector profile" in (account_runs(workspace)[-1]["message"] or "")


def test_robots_groups_are_matched_by_the_product_token(workspace, replay):
    """RFC 9309 §2.2.1: the group named "Pantau" applies, not groups whose names happen to be words
    of the User-Agent line ("collects", "monitor") or prefixes of the token ("pan")."""
    serve_web(replay, robots="User-agent: Pantau\nAllow: /\n\nUser-agent: collects\nDisallow: /\n\n"
                             "User-agent: neutrality\nDisallow: /\n")
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert replay.count("/mikroblog/calon") == 1
    # a group for another crawler whose name is a prefix of the token: "*" applies, not "pan"
    replay.routes.clear()
    serve_web(replay, robots="User-agent: pan\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    assert crawl(workspace).returncode == 0
    # and Pantau's own group is obeyed
    replay.routes.clear()
    serve_web(replay, robots="User-agent: *\nAllow: /\n\nUser-agent: pantau\nDisallow: /mikroblog/\n")
    r = crawl(workspace)
    assert r.returncode == 1 and "forbidden by robots.txt" in r.stderr
    assert replay.count("/mikroblog/calon") == 2


@pytest.mark.parametrize("fault", ["503", "drop"])
def test_robots_txt_unreachable_means_not_crawled(workspace, replay, fault):
    """RFC 9309 §2.3.1.4: a robots.txt answering 5xx, or not at all, is a complete disallow."""
    if fault == "503":
        serve_web(replay, robots="<h1>Service Unavailable</h1>", robots_status=503)
    else:
        serve_web(replay)
        replay.inject("drop", count=100, path_prefix="/robots.txt")
    setup_workspace(workspace, watchlist(replay.url), "retries = 1\n")
    r = crawl(workspace)
    assert r.returncode == 1, r.stdout + r.stderr
    want = "robots.txt unreachable (HTTP 503): not crawled" if fault == "503" else "robots.txt unreachable ("
    assert want in (account_runs(workspace)[-1]["message"] or ""), account_runs(workspace)
    assert replay.count("/mikroblog/") == 0
    assert interactions(workspace) == set()


def test_robots_txt_missing_4xx_allows_crawling(workspace, replay):
    """RFC 9309 §2.3.1.3: a 4xx robots.txt means no rules, whatever its page says."""
    serve_web(replay, robots="User-agent: *\nDisallow: /\n", robots_status=404)
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert replay.count("/mikroblog/api/calon/posts") == 2


def test_a_page_that_never_goes_idle_is_read(workspace, replay):
    """A page polling for news every 200 ms never reaches "networkidle": navigation waits for
    "load" and the profile's wait_for, so its posts are read instead of timing out."""
    serve_web(replay)
    page = (WEB / "mikroblog.html").read_text(encoding="utf-8").replace("{handle}", "calon")
    # the first ping goes out while the page loads, so the page is seen polling however fast it is read
    poll = ("<script>function ping() { fetch('/mikroblog/ping?' + Date.now()); } ping(); "
            "setInterval(ping, 200);</script></body>")
    replay.routes.insert(0, ("/mikroblog/calon", {}, (200, {"Content-Type": "text/html"},
                                                      page.replace("</body>", poll).encode())))
    replay.add("/mikroblog/ping", {})
    setup_workspace(workspace, watchlist(replay.url), "timeout = 15.0\n")
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert replay.count("/mikroblog/ping") > 0
    assert len([g for g in interactions(workspace) if g[1] == "comment"]) == 4


def test_crawl_delay_applies_between_load_more_clicks(workspace, replay):
    """A click's XHR is the browser's own request: Scrapy's delay never sees it, so load_more
    waits the site's Crawl-delay for Pantau before each click."""
    serve_web(replay, robots="User-agent: Pantau\nCrawl-delay: 2\nAllow: /\n\nUser-agent: *\nDisallow: /\n")
    setup_workspace(workspace, watchlist(replay.url))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    first, second = replay.arrivals("/mikroblog/api/calon/posts")
    assert second - first >= 2.0, second - first


def test_load_more_stopped_at_max_clicks_is_noted_and_not_listed(workspace, replay):
    """An endless "load more" stopped at max_clicks with posts still in the window: the account
    says so, and its window is not stamped as read (``listed``), so the next run goes back again."""
    import json
    serve_web(replay)
    endless = json.loads((WEB / "posts.page1.json").read_text(encoding="utf-8"))
    replay.routes[:] = [r for r in replay.routes if r[0] != "/mikroblog/api/calon/posts"]
    replay.add("/mikroblog/api/calon/posts", endless)      # every page says there is more
    profile = (Path(__file__).resolve().parents[2] / "crawler" / "profiles" / "sandbox-mikroblog.yaml")
    (workspace / "profiles").mkdir(exist_ok=True)
    (workspace / "profiles" / "endless.yaml").write_text(
        profile.read_text(encoding="utf-8").replace("name: sandbox-mikroblog", "name: endless")
        .replace("max_clicks: 50", "max_clicks: 3"), encoding="utf-8")
    setup_workspace(workspace, watchlist(replay.url).replace("profile: sandbox-mikroblog", "profile: endless"))
    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert replay.count("/mikroblog/api/calon/posts") == 4          # the first page and three clicks
    run = account_runs(workspace)[-1]
    assert "max_clicks (3)" in (run["message"] or ""), run
    cursors = rows(workspace, "SELECT cursors FROM accounts WHERE platform='web'")[0][0]
    assert "listed" not in json.loads(cursors or "{}"), cursors


def test_a_page_redirected_off_the_allowed_hosts_fails_the_account(workspace, replay):
    """Chromium follows a page's redirect itself: a page that ends on a host off [crawl]
    allowed_hosts fails the account instead of being read. (Both hosts are this machine.)"""
    serve_web(replay)
    port = replay.httpd.server_address[1]
    replay.add("/mikroblog/away", "", status=302, headers={"Location": f"http://localhost:{port}/mikroblog/calon"},
               content_type="text/plain")
    setup_workspace(workspace, watchlist(replay.url, "/mikroblog/away"))
    toml = (workspace / "pantau.toml").read_text(encoding="utf-8")
    (workspace / "pantau.toml").write_text(toml.replace('["127.0.0.1", "localhost"]', '["127.0.0.1"]'),
                                           encoding="utf-8")
    r = crawl(workspace)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "not in [crawl] allowed_hosts" in (account_runs(workspace)[-1]["message"] or "")
    assert interactions(workspace) == set()
