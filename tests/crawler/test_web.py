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


def serve_web(replay):
    page = (WEB / "mikroblog.html").read_text(encoding="utf-8")
    replay.add("/mikroblog/calon", page.replace("{handle}", "calon"), content_type="text/html; charset=utf-8")
    replay.add("/mikroblog/private/calon", page.replace("{handle}", "calon"), content_type="text/html")
    for n in (1, 2):
        replay.add("/mikroblog/api/calon/posts", (WEB / f"posts.page{n}.json").read_bytes(), query={"page": str(n)})
    replay.add("/robots.txt", (WEB / "robots.txt").read_text(), content_type="text/plain")


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
