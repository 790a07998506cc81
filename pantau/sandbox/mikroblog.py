"""A JavaScript-rendered microblog: the initial HTML is an empty shell, the browser builds the posts.

The DOM it builds is a contract with crawler/profiles/sandbox-mikroblog.yaml (see
docs/sandbox.md): ``main#timeline > article.post[data-post-id]`` with
``a.post-link``, ``time.post-time``, ``div.post-text`` and ``section.comments``
of ``div.comment[data-comment-id]`` (``a.author[data-handle] > span.author-name``,
``time.comment-time``, ``p.comment-text``, nested ``div.replies > div.comment.reply
[data-parent-id]``); ``button#load-more`` appends the next page and gets ``hidden``
after the last one. Text is inserted with ``textContent``: never as markup.
"""

from __future__ import annotations

import html
import re

from pantau.sandbox.data import Content, Node, Watched, World, iso_s
from pantau.sandbox.http import Request, Response, html_response, json_response

PAGE_SIZE = 5

ROBOTS = "User-agent: *\nAllow: /mikroblog/\nDisallow: /mikroblog/private/\n"

_SCRIPT = r"""
(function () {
  var main = document.getElementById('timeline');
  var button = document.getElementById('load-more');
  var handle = main.getAttribute('data-handle');
  var single = main.getAttribute('data-post');
  var next = 1;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function human(iso) {
    var d = new Date(iso);
    return d.toLocaleString('id-ID', {timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short'});
  }
  function comment(c, parentId) {
    var div = el('div', parentId ? 'comment reply' : 'comment');
    div.setAttribute('data-comment-id', c.id);
    if (parentId) div.setAttribute('data-parent-id', parentId);
    var a = el('a', 'author');
    a.href = '/mikroblog/u/' + encodeURIComponent(c.author.handle);
    a.setAttribute('data-handle', c.author.handle);
    a.appendChild(el('span', 'author-name', c.author.name));
    div.appendChild(a);
    var t = el('time', 'comment-time', human(c.created_at));
    t.setAttribute('datetime', c.created_at);
    div.appendChild(t);
    div.appendChild(el('p', 'comment-text', c.text));
    if (c.replies && c.replies.length) {
      var r = el('div', 'replies');
      c.replies.forEach(function (x) { r.appendChild(comment(x, c.id)); });
      div.appendChild(r);
    }
    return div;
  }
  function article(p) {
    var art = el('article', 'post');
    art.setAttribute('data-post-id', p.id);
    var link = el('a', 'post-link', 'permalink');
    link.href = p.url;
    art.appendChild(link);
    var t = el('time', 'post-time', human(p.created_at));
    t.setAttribute('datetime', p.created_at);
    art.appendChild(t);
    art.appendChild(el('div', 'post-text', p.text));
    var sec = el('section', 'comments');
    p.comments.forEach(function (c) { sec.appendChild(comment(c, null)); });
    art.appendChild(sec);
    return art;
  }
  function done() { main.setAttribute('data-state', 'ready'); }
  function fail(status) {
    main.setAttribute('data-state', 'error');
    var e = el('p', 'error', 'Gagal memuat (' + status + '). Coba lagi.');
    main.appendChild(e);
    button.disabled = false;
  }
  function load() {
    button.disabled = true;
    main.setAttribute('data-state', 'loading');
    var url = single ? '/mikroblog/api/' + encodeURIComponent(handle) + '/post/' + encodeURIComponent(single)
                     : '/mikroblog/api/' + encodeURIComponent(handle) + '/posts?page=' + next;
    fetch(url).then(function (r) {
      if (!r.ok) { fail(r.status); return null; }
      return r.json();
    }).then(function (data) {
      if (!data) return;
      var posts = single ? [data.post] : data.posts;
      posts.forEach(function (p) { main.appendChild(article(p)); });
      if (single || !data.next_page) {
        button.setAttribute('hidden', '');
      } else {
        next = data.next_page;
        button.disabled = false;
      }
      done();
    }).catch(function (e) { fail(String(e)); });
  }
  button.addEventListener('click', load);
  load();
})();
"""


def shell(title: str, handle: str, post_id: str | None = None) -> str:
    post_attr = f' data-post="{html.escape(post_id)}"' if post_id else ""
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)} · Mikroblog</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: sans-serif; max-width: 42rem; margin: 1rem auto; color: #222; }}
article.post {{ border: 1px solid #ccc; border-radius: 6px; padding: .75rem; margin: .75rem 0; }}
.post-time, .comment-time {{ color: #777; font-size: .85em; margin-left: .5em; }}
.comment {{ border-left: 3px solid #dde; padding-left: .5rem; margin: .5rem 0; }}
.author-name {{ font-weight: bold; }}
</style></head>
<body><header><h1>{html.escape(title)}</h1><p>@{html.escape(handle)} · Mikroblog (sandbox Pantau, fiktif)</p></header>
<main id="timeline" data-handle="{html.escape(handle)}"{post_attr} data-state="loading"></main>
<button id="load-more" type="button">Muat lebih banyak</button>
<script>{_SCRIPT}</script>
</body></html>
"""


class Mikroblog:
    def __init__(self, world: World):
        self.world = world

    def watched(self, handle: str) -> Watched | None:
        return self.world.find("web", handle)

    def author(self, c: Content, node: Node) -> dict:
        if node.author == -1:
            return {"handle": c.watched.stem, "name": c.watched.name}
        a = self.world.actors[node.author]
        return {"handle": a.web_handle, "name": a.name}

    def comment_json(self, c: Content, node: Node) -> dict:
        d = {"id": node.pid, "author": self.author(c, node), "created_at": iso_s(node.t), "text": node.text,
             "replies": [self.comment_json(c, k) for k in sorted(node.children, key=lambda n: n.t)]}
        if node.parent is not None and node.parent.kind != "post":
            d["parent_id"] = node.parent.pid
        return d

    def post_json(self, c: Content, node: Node) -> dict:
        return {"id": node.pid, "url": f"/mikroblog/{c.watched.stem}/post/{node.pid}", "created_at": iso_s(node.t),
                "text": node.text,
                "comments": [self.comment_json(c, k) for k in sorted(node.children, key=lambda n: n.t)]}

    def handle(self, req: Request) -> Response:
        path = req.path
        m = re.match(r"^/mikroblog/api/([^/]+)/posts$", path)
        if m:
            w = self.watched(m.group(1))
            if w is None:
                return json_response({"error": "not found"}, 404, endpoint="web.api", family="web")
            try:
                page = max(1, int(req.query.get("page") or 1))
            except ValueError:
                return json_response({"error": "bad page"}, 400, endpoint="web.api", family="web")
            c = self.world.content(w)
            posts = sorted(c.posts, key=lambda n: n.t, reverse=True)
            chunk = posts[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
            more = page * PAGE_SIZE < len(posts)
            return json_response({"handle": w.stem, "name": w.name, "page": page,
                                  "posts": [self.post_json(c, n) for n in chunk],
                                  "next_page": page + 1 if more else None}, endpoint="web.api", family="web")
        m = re.match(r"^/mikroblog/api/([^/]+)/post/([^/]+)$", path)
        if m:
            w = self.watched(m.group(1))
            c = self.world.content(w) if w else None
            node = c.nodes.get(m.group(2)) if c else None
            if node is None or node.kind != "post":
                return json_response({"error": "not found"}, 404, endpoint="web.api", family="web")
            return json_response({"post": self.post_json(c, node)}, endpoint="web.api", family="web")
        m = re.match(r"^/mikroblog/private/", path)
        if m:
            return html_response("<!doctype html><title>Pribadi</title><p>Halaman pribadi.</p>", endpoint="web.private")
        m = re.match(r"^/mikroblog/u/([^/]+)$", path)
        if m:
            return self.user_page(m.group(1))
        m = re.match(r"^/mikroblog/([^/]+)/post/([^/]+)$", path)
        if m:
            w = self.watched(m.group(1))
            c = self.world.content(w) if w else None
            if c is None or m.group(2) not in c.nodes:
                return html_response("<!doctype html><title>Tidak ditemukan</title><p>Tidak ditemukan.</p>", 404,
                                     endpoint="web.page")
            return html_response(shell(w.name, w.stem, m.group(2)), endpoint="web.page")
        m = re.match(r"^/mikroblog/([^/]+)/?$", path)
        if m:
            w = self.watched(m.group(1))
            if w is None:
                return html_response("<!doctype html><title>Tidak ditemukan</title><p>Tidak ditemukan.</p>", 404,
                                     endpoint="web.page")
            return html_response(shell(w.name, w.stem), endpoint="web.page")
        return html_response("<!doctype html><title>Tidak ditemukan</title><p>Tidak ditemukan.</p>", 404,
                             endpoint="web.page")

    def user_page(self, handle: str) -> Response:
        for w in self.world.watched:
            if w.platform == "web" and w.stem == handle:
                return html_response(f"<!doctype html><title>{html.escape(w.name)}</title>"
                                     f"<h1 class='user-name'>{html.escape(w.name)}</h1><p>@{html.escape(handle)}</p>",
                                     endpoint="web.user")
        for a in self.world.actors:
            if a.web_handle == handle:
                return html_response(
                    f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>{html.escape(a.name)}</title>"
                    f"</head><body><h1 class='user-name'>{html.escape(a.name)}</h1>"
                    f"<p class='user-handle'>@{html.escape(a.web_handle)}</p>"
                    f"<p class='user-bio'>{html.escape(a.bio)}</p></body></html>", endpoint="web.user")
        return html_response("<!doctype html><title>Tidak ditemukan</title><p>Tidak ditemukan.</p>", 404,
                             endpoint="web.user")


def robots() -> Response:
    return Response(200, ROBOTS.encode(), "text/plain; charset=utf-8", [], "robots", "page")
