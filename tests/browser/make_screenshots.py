"""Take the screenshots of docs/review.md and docs/reports.md from a seeded demo workspace.

    .venv/bin/python -m tests.browser.make_screenshots [OUT_DIR]   (default docs/img)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pantau.workspace import create_workspace
from pantau.review.app import create_app
from pantau.review.fixtures import add_more_accounts, make_nip
from storage.queries import matches as matches_q
from storage.queries import transaction
from tests.browser.conftest import PASSWORD, USERS, LiveServer, seed_workspace
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_CONFIG, REPO


#: the files this script writes (other scripts write the rest of docs/img)
SHOTS = ("review-queue.png", "review-match.png", "review-cases.png", "review-filters.png", "review-case.png",
         "report-case-html.png", "report-case-pdf-*.png")

REPORT_CONFIG = """
[report]
letterhead = ["Pemerintah Kota Contoh", "Inspektorat Daerah", "Jl. Merdeka No. 1, Kota Contoh 12345"]
number = "800/{nip4}/INSP/{year}"
place = "Kota Contoh"
signatory_name = "Dra. Siti Aminah, M.Si."
signatory_title = "Inspektur Daerah"
signatory_nip = "196805121990032004"
"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        (ws / "pantau.toml").write_text(LOOPBACK_CONFIG + REPORT_CONFIG, encoding="utf-8")
        settings, db, data = seed_workspace(ws, hostile=False)
        more = add_more_accounts(db)
        with transaction(db):
            db.execute("UPDATE employees SET rank='Pembina', grade='IV/a', agency='Pemerintah Kota Contoh' "
                       "WHERE nip=?", [make_nip(1)])
            db.execute("UPDATE users SET full_name='Rudi Hartono, S.H.' WHERE name='rudi'")
        # a morning's work in progress: some decided, most pending
        matches_q.record_decision(db, data.match_ids[0], "confirmed", reviewer="rudi",
                                  note="Foto profil sama dengan foto di SIMPEG.")
        matches_q.record_decision(db, more.match_ids[1], "confirmed", reviewer="rudi",
                                  note="Kanal YouTube menyebut sekolah tempatnya mengajar.")
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
                page.goto(f"{server.url}/?view=cases&status=")
                page.screenshot(path=str(out / "review-cases.png"))
                page.goto(f"{server.url}/?status=&candidate=Calon+Tiga&kind=comment")
                page.locator("details.filters summary").click()
                page.screenshot(path=str(out / "review-filters.png"))
                page.goto(f"{server.url}/cases/{make_nip(1)}")
                page.screenshot(path=str(out / "review-case.png"), full_page=True)
                page.goto(f"{server.url}/cases/{make_nip(1)}/report")
                page.screenshot(path=str(out / "report-case-html.png"))
                with page.expect_download() as dl:
                    page.click("#report-pdf")
                pdf = Path(tmp) / "kasus.pdf"
                dl.value.save_as(pdf)
                subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                                str(out / "report-case-pdf")], check=True)
                browser.close()
        finally:
            server.stop()
            db.close()
    for name in SHOTS:
        for png in out.glob(name):
            shrink(png)
    print(f"wrote the screenshots to {out}")


def shrink(path: Path) -> None:
    """Screenshots are committed: a 256-colour palette keeps them small and still sharp."""
    from PIL import Image
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img")
