"""Take the screenshots of docs/review.md from a seeded demo workspace.

    .venv/bin/python -m tests.browser.make_screenshots [OUT_DIR]   (default docs/img)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pantau.workspace import create_workspace
from pantau.review.app import create_app
from storage.queries import matches as matches_q
from tests.browser.conftest import PASSWORD, USERS, LiveServer, seed_workspace
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_CONFIG, REPO


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        (ws / "pantau.toml").write_text(LOOPBACK_CONFIG, encoding="utf-8")
        settings, db, data = seed_workspace(ws, hostile=False)
        # a morning's work in progress: some decided, most pending
        matches_q.record_decision(db, data.match_ids[3], "confirmed", reviewer="rudi", note="Foto profil sama.")
        matches_q.record_decision(db, data.match_ids[5], "rejected", reviewer="rudi", note="Penulis terkenal.")
        server = LiveServer(create_app(settings)).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
                page.goto(server.url + "/login")
                page.fill("#name", USERS["reviewer"])
                page.fill("#password", PASSWORD)
                page.click("#sign-in")
                page.wait_for_url(server.url + "/")
                page.keyboard.press("j")
                page.screenshot(path=str(out / "review-queue.png"))
                page.goto(f"{server.url}/matches/{data.match_ids[1]}?status=pending")
                page.locator("#interactions details.raw summary").first.click()
                page.screenshot(path=str(out / "review-match.png"), full_page=True)
                browser.close()
        finally:
            server.stop()
            db.close()
    print(f"wrote {out / 'review-queue.png'} and {out / 'review-match.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img")
