"""Take the screenshots of docs/tips.md: the public form, its receipt, and a report in triage.

    .venv/bin/python -m tests.browser.make_tips_screenshots [OUT_DIR]   (default docs/img)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pantau.review.app import create_app
from pantau.workspace import create_workspace
from tests.browser.conftest import PASSWORD, USERS, LiveServer, seed_workspace
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_CONFIG, REPO
from tests.pantau.tips import images as make

SHOTS = ("tips-form.png", "tips-receipt.png", "tips-triage.png")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        (ws / "pantau.toml").write_text(LOOPBACK_CONFIG + "\n[tips]\nenabled = true\n", encoding="utf-8")
        settings, db, data = seed_workspace(ws, hostile=False)
        photo = Path(tmp) / "tangkapan-layar.png"
        photo.write_bytes(make.png((360, 240), (235, 238, 244)))
        server = LiveServer(create_app(settings)).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 900, "height": 1000}, device_scale_factor=1)
                page.goto(server.url + "/lapor")
                page.fill("#links", "https://mastodon.example/@bambang.suryono\nhttps://mastodon.example/@calonsatu/1001")
                page.fill("#person_name", "Bambang Suryono")
                page.fill("#person_unit", "Dinas Pendidikan")
                page.fill("#what", "Pak Bambang memberi komentar dukungan dan menyukai unggahan kampanye "
                                   "Calon Satu pada 3 Januari 2029.")
                page.set_input_files("#image-input", [str(photo)])
                page.screenshot(path=str(out / SHOTS[0]), full_page=True)
                page.click("#send-report")
                page.wait_for_url(server.url + "/lapor/terkirim")
                page.set_viewport_size({"width": 900, "height": 420})
                page.screenshot(path=str(out / SHOTS[1]))
                page.set_viewport_size({"width": 1280, "height": 900})
                page.context.clear_cookies()
                page.goto(server.url + "/login")
                page.fill("#name", USERS["reviewer"])
                page.fill("#password", PASSWORD)
                page.click("#sign-in")
                page.wait_for_url(server.url + "/")
                tip_id = db.execute("SELECT id FROM tips").fetchone()[0]
                page.goto(f"{server.url}/tips/{tip_id}")
                page.screenshot(path=str(out / SHOTS[2]), full_page=True)
                browser.close()
        finally:
            server.stop()
            db.close()
    for name in SHOTS:
        from PIL import Image
        img = Image.open(out / name)
        img.convert("P", palette=Image.ADAPTIVE, colors=128).save(out / name, optimize=True)   # small PNGs
    print("wrote " + ", ".join(str(out / s) for s in SHOTS))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img")
