"""The JavaScript-rendered microblog: its JSON, robots.txt, and the DOM it builds in real Chromium."""

from __future__ import annotations


def test_robots_txt(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "Allow: /mikroblog/" in r.text and "Disallow: /mikroblog/private/" in r.text


def test_initial_html_has_no_content(client):
    r = client.get("/mikroblog/calonsatu")
    assert r.status_code == 200 and '<main id="timeline"' in r.text and 'id="load-more"' in r.text
    body = r.text.split("<body>")[1].split("<script>")[0]
    assert "<article" not in body and "data-post-id" not in body
    assert client.get("/mikroblog/nobody").status_code == 404


def test_api_pages_end(client):
    page, seen = 1, []
    while page:
        body = client.json("/mikroblog/api/calonsatu/posts", page=str(page))
        seen += [p["id"] for p in body["posts"]]
        page = body["next_page"]
    assert len(seen) == len(set(seen)) > 5
    assert client.get("/mikroblog/api/nobody/posts").status_code == 404


def test_page_renders_and_loads_more_in_chromium(page, sandbox):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{sandbox.url}/mikroblog/calonsatu")
    page.wait_for_selector("main#timeline article.post")
    first = page.locator("main#timeline article.post").count()
    assert first == 5
    art = page.locator("article.post").first
    assert art.get_attribute("data-post-id")
    href = art.locator("a.post-link").get_attribute("href")
    assert href == f"/mikroblog/calonsatu/post/{art.get_attribute('data-post-id')}"
    assert "T" in art.locator("time.post-time").get_attribute("datetime")
    assert art.locator("div.post-text").inner_text()
    button = page.locator("#load-more")
    clicks = 0
    while button.get_attribute("hidden") is None:
        before = page.locator("article.post").count()
        button.click()
        page.wait_for_function(f"document.querySelectorAll('article.post').length > {before} || "
                               "document.getElementById('load-more').hasAttribute('hidden')")
        clicks += 1
        assert clicks < 20
    total = page.locator("article.post").count()
    assert clicks >= 1 and total > first
    assert page.locator("#load-more[hidden]").count() == 1
    ids = page.eval_on_selector_all("article.post", "els => els.map(e => e.dataset.postId)")
    assert len(ids) == len(set(ids))
    comment = page.locator("section.comments > div.comment").first
    assert comment.get_attribute("data-comment-id")
    assert comment.locator("a.author").get_attribute("data-handle")
    assert comment.locator("a.author span.author-name").first.inner_text()
    assert comment.locator("time.comment-time").first.get_attribute("datetime")
    assert comment.locator("p.comment-text").first.inner_text()
    replies = page.locator("div.replies > div.comment.reply")
    assert replies.count() > 0
    reply = replies.first
    parent = reply.get_attribute("data-parent-id")
    assert page.locator(f"div.comment[data-comment-id='{parent}'] > div.replies > div.comment.reply").count() >= 1
    assert errors == []


def test_strangers_text_stays_text(page, sandbox):
    """Comments with markup (a <script> among them) are shown literally, never run."""
    page.goto(f"{sandbox.url}/mikroblog/calonsatu")
    page.wait_for_selector("article.post")
    while page.locator("#load-more[hidden]").count() == 0:
        n = page.locator("article.post").count()
        page.click("#load-more")
        page.wait_for_function(f"document.querySelectorAll('article.post').length > {n} || "
                               "document.getElementById('load-more').hasAttribute('hidden')")
    texts = page.eval_on_selector_all("p.comment-text", "els => els.map(e => e.textContent)")
    assert any("<" in t for t in texts), "a comment with markup in it"
    assert page.locator("main#timeline script, main#timeline b").count() == 0


def test_single_post_page(page, sandbox, client):
    post = client.json("/mikroblog/api/calontiga/posts", page="1")["posts"][0]
    page.goto(f"{sandbox.url}{post['url']}")
    page.wait_for_selector("article.post")
    assert page.locator("article.post").count() == 1
    assert page.locator("article.post").get_attribute("data-post-id") == post["id"]
    assert page.locator("#load-more[hidden]").count() == 1
