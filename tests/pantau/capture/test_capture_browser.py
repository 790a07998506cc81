"""`pantau capture`'s recorder in real Chromium: sandbox pages on 127.0.0.1 load platform-shaped
JSON by fetch(), as the web apps do; a script inside this test plays the person."""

from __future__ import annotations

import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import LOOPBACK_CONFIG
from tests.pantau.capture import scenario as sc

FIX = sc.FIXTURES

IG_PAGE = """<!doctype html><html><head><title>calon.satu</title></head><body>
<h1>Postingan calon.satu</h1><ul id="comments"></ul><p id="likes"></p>
<script>
document.cookie = "sessionid=%(secret)s; path=/";
async function load() {
  const c = await (await fetch("/api/v1/media/%(mid)s/comments/?can_support_threading=true",
                               {headers: {"X-CSRFToken": "%(secret)s-csrf", "X-IG-App-ID": "936619743392459"}})).json();
  for (const x of c.comments) {
    const li = document.createElement("li"); li.textContent = x.user.username + ": " + x.text;
    document.getElementById("comments").appendChild(li);
  }
  const l = await (await fetch("/api/v1/media/%(mid)s/likers/")).json();
  document.getElementById("likes").textContent = l.users.length + " suka";
  const done = document.createElement("div"); done.id = "done"; document.body.appendChild(done);
}
load();
</script></body></html>"""

TT_PAGE = """<!doctype html><html><head><title>@calonsatu</title></head><body><ol id="c"></ol>
<script>
fetch("/api/comment/list/?aid=1988&aweme_id=7400000000000000001&cursor=0&msToken=%(secret)s-ms")
  .then(r => r.json()).then(d => {
    for (const x of d.comments) { const li = document.createElement("li"); li.textContent = x.text;
                                  document.getElementById("c").appendChild(li); }
    const done = document.createElement("div"); done.id = "done"; document.body.appendChild(done);
  });
</script></body></html>"""


def _server(routes: dict[str, tuple[str, bytes]]):
    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path not in routes:
                self.send_response(404)
                self.end_headers()
                return
            mime, body = routes[path]
            self.send_response(200)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Set-Cookie", f"csrftoken={sc.SECRET}-set; Path=/")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture
def sandbox():
    vals = {"secret": sc.SECRET, "mid": sc.MID}
    ig = _server({
        "/calon.satu/p/C9xAbCdEfGh/": ("text/html; charset=utf-8", (IG_PAGE % vals).encode()),
        f"/api/v1/media/{sc.MID}/comments/": ("application/json", (FIX / "instagram/v1_comments.json").read_bytes()),
        f"/api/v1/media/{sc.MID}/likers/": ("application/json", (FIX / "instagram/v1_likers.json").read_bytes()),
    })
    tt = _server({
        "/@calonsatu/video/7400000000000000001": ("text/html; charset=utf-8", (TT_PAGE % vals).encode()),
        "/api/comment/list/": ("application/json", (FIX / "tiktok/comment_list.json").read_bytes()),
    })
    yield f"http://127.0.0.1:{ig.server_address[1]}", f"http://127.0.0.1:{tt.server_address[1]}"
    for s in (ig, tt):
        s.shutdown()
        s.server_close()


def test_recorded_browsing_is_imported_with_screenshots_and_no_secrets(workspace, sandbox, monkeypatch):
    from pantau.capture import recorder
    from pantau.cli import capture as capture_cli
    from pantau.cli import state
    from pantau.workspace import open_database, open_settings

    ig, tt = sandbox
    (workspace / "pantau.toml").write_text(
        LOOPBACK_CONFIG + f'\n[platforms.instagram]\nbase_url = "{ig}"\n\n[platforms.tiktok]\nbase_url = "{tt}"\n',
        encoding="utf-8")
    (workspace / "watchlists" / "calon.yaml").write_text(sc.WATCHLIST, encoding="utf-8")
    settings = open_settings(workspace)

    def person(context, page, snap):          # the person, played by the test
        page.goto(f"{ig}/calon.satu/p/C9xAbCdEfGh/")
        page.wait_for_selector("#done", state="attached")
        snap(page)
        page.goto(f"{tt}/@calonsatu/video/7400000000000000001")
        page.wait_for_selector("#done", state="attached")
        snap(page)

    from pantau.capture.hosts import from_settings
    seen_cookie = []
    rec = recorder.record(profile_dir=settings.data_dir / "browser-profile", out_dir=settings.data_dir / "captures",
                          hosts=from_settings(settings), headless=True,
                          browse=lambda c, p, s: (c.on("request", lambda r: seen_cookie.append(
                              sc.SECRET in (r.all_headers().get("cookie") or ""))), person(c, p, s)))
    assert rec.har.exists() and stat.S_IMODE(rec.har.stat().st_mode) == 0o600
    assert stat.S_IMODE((settings.data_dir / "browser-profile").stat().st_mode) == 0o700
    assert len(rec.shots) == 2 and all(s.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for s in rec.shots)
    har = json.loads(rec.har.read_text(encoding="utf-8"))
    assert any(seen_cookie), "the browser did send the cookie (so this test can show it is not kept)"
    assert sc.SECRET not in rec.har.read_text(encoding="utf-8"), "the recording itself holds no secret"
    urls = [e["request"]["url"] for e in har["log"]["entries"]]
    assert any("/api/comment/list/" in u for u in urls) and any("/likers/" in u for u in urls)
    assert rec.entries == len(urls) >= 5          # two pages, three JSON responses (favicons may add more)

    monkeypatch.setattr(state, "workspace", str(workspace))
    monkeypatch.setattr(state, "_settings", None)
    report = capture_cli.import_recording(rec)
    assert not rec.har.exists(), "the raw HAR (with the person's cookies) is deleted once imported"
    assert report.kept == 8 and report.own_posts == 2 and report.screenshots == 2

    db = open_database(settings)
    try:
        rows = list(db.query("SELECT i.id, i.platform, i.kind, i.interaction_id, a.handle FROM interactions i "
                             "JOIN actors a ON a.id = i.actor_id"))
        got = {(r["platform"], r["kind"], r["interaction_id"] or r["handle"]) for r in rows}
        assert got == {
            ("instagram", "comment", "17900000000000001"), ("instagram", "comment", "17900000000000003"),
            ("instagram", "reply", "17900000000000011"), ("instagram", "like", "yanti.kusuma"),
            ("instagram", "like", "budi_santoso88"),
            ("tiktok", "comment", "7400000000000010001"), ("tiktok", "comment", "7400000000000010002"),
            ("tiktok", "comment", "7400000000000010004")}
        ev = list(db.query("SELECT interaction_id, kind, path FROM evidence"))
        ids = {r["id"] for r in rows}
        assert {e["interaction_id"] for e in ev if e["kind"] == "capture"} == ids
        assert {e["interaction_id"] for e in ev if e["kind"] == "screenshot"} == ids
    finally:
        db.close()
    # the browser profile is the person's signed-in browser (0700, like their own): everything else is clean
    for p in (workspace / "data").rglob("*"):
        if p.is_file() and "browser-profile" not in p.parts:
            assert sc.SECRET.encode() not in p.read_bytes(), p
            if "evidence" in p.parts:
                assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_capture_without_a_display_says_how_to_save_a_har(workspace, pantau):
    import os
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    r = pantau("capture", "https://www.instagram.com/calon.satu/", env=env)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "HAR" in lines[0] and "pantau import" in lines[0]
    r = pantau("capture", "--platform", "myspace", env=env)
    assert r.returncode == 2


def test_a_display_without_a_graphical_session_is_one_line_and_leaves_nothing(workspace, pantau):
    """DISPLAY set (an SSH session's leftover) but no X server answering: Chromium's launch fails
    with its whole call log; the person gets one line, and no empty HAR is left under data/."""
    import os
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env["DISPLAY"] = ":97"
    r = pantau("capture", "https://www.instagram.com/calon.satu/", env=env)
    assert r.returncode == 1
    errors = [ln for ln in r.stderr.strip().splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "':97'" in errors[0] and "pantau import" in errors[0], r.stderr
    assert "Call log" not in r.stderr and "Traceback" not in r.stderr
    captures = workspace / "data" / "captures"
    assert not captures.exists() or list(captures.iterdir()) == []
