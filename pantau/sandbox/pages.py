"""Plain HTML pages at the ``url`` of everything the APIs return, so evidence screenshots work.

Mastodon statuses (``/@acct/ID``), Bluesky posts (``/profile/HANDLE/post/RKEY``),
YouTube videos and comments (``/watch?v=ID&lc=CID``), profiles, and an index.
Every piece of generated text is escaped.
"""

from __future__ import annotations

import base64
import html
import re

from pantau.sandbox.data import Content, Node, World, iso_s
from pantau.sandbox.http import Request, Response, html_response

_GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")

_CSS = ("body{font-family:sans-serif;max-width:42rem;margin:1rem auto;color:#222}"
        ".status,.comment{border:1px solid #ccc;border-radius:6px;padding:.75rem;margin:.75rem 0}"
        ".highlight{border-color:#c00;border-width:3px}.meta{color:#777;font-size:.85em}")


def page(title: str, body: str, status: int = 200) -> Response:
    return html_response(f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                         f"<style>{_CSS}</style></head><body>{body}"
                         f"<footer class='meta'>Pantau sandbox: semua isi fiktif.</footer></body></html>", status)


def not_found() -> Response:
    return page("Tidak ditemukan", "<h1>Tidak ditemukan</h1>", 404)


class Pages:
    def __init__(self, world: World, mastodon, bluesky, youtube):
        self.world = world
        self.mastodon = mastodon
        self.bluesky = bluesky
        self.youtube = youtube

    def name_of(self, c: Content, node: Node) -> tuple[str, str]:
        if node.author == -1:
            return c.watched.name, c.watched.handle
        a = self.world.actors[node.author]
        platform = c.watched.platform
        handle = {"mastodon": "@" + a.masto_acct, "bluesky": "@" + a.bsky_handle, "youtube": a.yt_handle}.get(
            platform, a.web_handle)
        return a.name, handle

    def node_html(self, c: Content, node: Node, *, css: str = "status", highlight: bool = False,
                  anchor: str = "") -> str:
        name, handle = self.name_of(c, node)
        cls = css + (" highlight" if highlight else "")
        idattr = f" id='{html.escape(anchor)}'" if anchor else ""
        reply = ""
        if node.parent is not None and node.parent.kind != "post" or (node.parent is not None and css == "status"):
            pname, phandle = self.name_of(c, node.parent)
            reply = f"<div class='meta'>membalas {html.escape(pname)} ({html.escape(phandle)})</div>"
        return (f"<div class='{cls}'{idattr} data-id='{html.escape(node.pid)}'>{reply}"
                f"<div class='author'><b>{html.escape(name)}</b> <span class='meta'>{html.escape(handle)}</span></div>"
                f"<p class='text'>{html.escape(node.text)}</p>"
                f"<time class='meta' datetime='{iso_s(node.t)}'>{iso_s(node.t)}</time></div>")

    def handle(self, req: Request) -> Response:
        path = req.path
        if path in ("/", "/index.html"):
            return self.index()
        if path.startswith(("/avatars/", "/headers/", "/img/")):
            return Response(200, _GIF, "image/gif", [("Cache-Control", "max-age=86400")], "asset", "page")
        m = re.match(r"^/@([^/]+)/(\d+)$", path)
        if m:
            c, node = self.mastodon._node_of_id(m.group(2))
            if node is None:
                return not_found()
            shown = node.reblog_of if node.kind == "reblog" else node
            parts = [self.node_html(c, shown)]
            return page(f"Status {node.pid}", "".join(parts))
        m = re.match(r"^/profile/([^/]+)/post/([a-z2-7]{13})$", path)
        if m:
            c, node = self.bluesky.node_of_uri(f"at://{m.group(1)}/app.bsky.feed.post/{m.group(2)}", allow_handle=True)
            if node is None:
                return not_found()
            return page(f"Post {node.pid}", self.node_html(c, node))
        m = re.match(r"^/profile/([^/]+)$", path)
        if m:
            w, idx = self.bluesky.resolve_actor(m.group(1))
            if w is not None:
                return page(w.name, f"<h1>{html.escape(w.name)}</h1><p>@{html.escape(w.handle)}</p>"
                                    f"<p>{html.escape(w.bio)}</p>")
            if idx is not None:
                a = self.world.actors[idx]
                return page(a.name, f"<h1>{html.escape(a.name)}</h1><p>@{html.escape(a.bsky_handle)}</p>"
                                    f"<p>{html.escape(a.bio)}</p>")
            return not_found()
        if path == "/watch":
            return self.watch(req)
        m = re.match(r"^/channel/(UC[A-Za-z0-9_-]{22})$", path)
        if m:
            for w in self.world.watched:
                if w.platform == "youtube" and self.world.yt_channel_watched(w) == m.group(1):
                    return page(w.name, f"<h1>{html.escape(w.name)}</h1><p>@{html.escape(w.stem)}</p>")
            for a in self.world.actors:
                if self.world.yt_channel_actor(a.idx) == m.group(1):
                    return page(a.name, f"<h1>{html.escape(a.name)}</h1><p>{html.escape(a.yt_handle)}</p>"
                                        f"<p>{html.escape(a.bio)}</p>")
            return not_found()
        m = re.match(r"^/@([^/]+)$", path)
        if m:
            return self.profile(m.group(1))
        return not_found()

    def profile(self, acct: str) -> Response:
        acct_l = acct.lower()
        found = [w for w in self.world.watched if w.stem == acct_l and w.platform in ("mastodon", "youtube")]
        if found:
            w = found[0]
            return page(w.name, f"<h1>{html.escape(w.name)}</h1><p>@{html.escape(w.stem)}</p><p>{html.escape(w.bio)}</p>"
                                + "".join(f"<p class='meta'>{html.escape(x.platform)}: {html.escape(x.handle)}</p>"
                                          for x in found))
        for a in self.world.actors:
            if a.masto_acct.lower() == acct_l or a.yt_handle[1:].lower() == acct_l:
                return page(a.name, f"<h1>{html.escape(a.name)}</h1><p>@{html.escape(acct)}</p>"
                                    f"<p>{html.escape(a.bio)}</p>")
        return not_found()

    def watch(self, req: Request) -> Response:
        vid = req.query.get("v") or ""
        c, video = self.youtube.video(vid)
        if video is None:
            return not_found()
        lc = req.query.get("lc") or ""
        parts = [f"<h1>{html.escape(video.text)}</h1><p class='meta'>{html.escape(c.watched.name)} · "
                 f"{iso_s(video.t)}</p>"]
        if video.comments_disabled:
            parts.append("<p>Komentar dinonaktifkan.</p>")
        tops = sorted(video.children, key=lambda n: n.t, reverse=True)
        if lc:   # the linked comment first, highlighted, as YouTube does
            tops.sort(key=lambda n: 0 if n.pid == lc.split(".")[0] else 1)
        for top in tops[:50]:
            parts.append(self.node_html(c, top, css="comment", highlight=top.pid == lc, anchor=top.pid))
            for r in self.youtube.thread_replies(top):
                if r.pid == lc or top.pid == lc.split(".")[0]:
                    parts.append(self.node_html(c, r, css="comment", highlight=r.pid == lc, anchor=r.pid))
        return page(video.text[:60], "".join(parts))

    def index(self) -> Response:
        rows = []
        for w in self.world.watched:
            path = w.url_path()
            link = f"<a href='{path}'>{html.escape(w.handle)}</a>" if path else html.escape(w.handle)
            rows.append(f"<li>{html.escape(w.candidate)} · {html.escape(w.platform)} · {link}</li>")
        body = ("<h1>Pantau sandbox</h1><p>Platform lokal fiktif untuk demo dan uji.</p>"
                "<p><a href='/_sandbox/watchlist.yaml'>watchlist.yaml</a> · <a href='/_sandbox/stats'>stats</a></p>"
                f"<ul>{''.join(rows)}</ul>")
        return page("Pantau sandbox", body)

