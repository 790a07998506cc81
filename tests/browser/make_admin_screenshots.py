"""Take the administration screenshots of docs/review.md from a seeded demo workspace.

    .venv/bin/python -m tests.browser.make_admin_screenshots [OUT_DIR]   (default docs/img)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import sync_playwright

from pantau.review.app import create_app
from pantau.workspace import create_workspace
from storage.queries import runs as runs_q
from storage.queries import transaction
from tests.browser.conftest import PASSWORD, USERS, LiveServer, seed_workspace
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_CONFIG, REPO

WATCHLIST = """\
# Pilkada Kota Contoh 2029: diperiksa inspektorat sebelum digabung
election: Pilkada 2029
candidates:
  - name: Calon Satu
    role: kepala-daerah
    accounts:
      - platform: instagram
        handle: calon.satu
      - platform: x
        handle: calonsatu
      - platform: tiktok
        handle: calon.satu
        enabled: false
  - name: Calon Dua
    role: kepala-daerah
    accounts:
      - platform: bluesky
        handle: calondua.bsky.social
"""

ROSTER = """\
NIP;NAMA PEGAWAI;UNIT KERJA;JABATAN;AKUN MEDIA SOSIAL;KETERANGAN
198503122010011001;Budi Santoso, S.Pd.;Dinas Pendidikan;Guru;ig:budi.santoso85;
198503122010011000;Ani Rahmawati;Dinas Kesehatan;Bidan;;
199013012015012007;Siti Aminah;Dinas Kesehatan;Perawat;;cuti
199104232019031002;Dedi Kurniawan;Badan Keuangan Daerah;Analis;;
"""


def _history(db) -> None:
    """A fortnight of nightly runs and collected interactions, for the runs screen."""
    now = datetime.now(timezone.utc)
    accounts = [r[0] for r in db.execute("SELECT id FROM accounts ORDER BY id").fetchall()]
    for back in range(14, 0, -1):
        rid = runs_q.start(db, "nightly", trigger="schedule")
        for i, acc in enumerate(accounts):
            items = 0 if (back < 3 and i == 1) else 20 + (back * 7 + i * 13) % 40
            runs_q.record_account(db, rid, acc, "demo", requests=5, items=items, new_items=items // 2,
                                  status="failed" if (back == 1 and i == 2) else "ok",
                                  message="no API key (PANTAU_YOUTUBE_API_KEY)" if (back == 1 and i == 2) else None)
        runs_q.finish(db, rid, "partial" if back == 1 else "ok",
                      summary={"new_interactions": 60 + (back * 37) % 90, "errors": []})
        night = (now - timedelta(days=back)).replace(hour=19, minute=5).strftime("%Y-%m-%dT%H:%M:%SZ")
        with transaction(db):
            db.execute("UPDATE runs SET started_at=?, ended_at=? WHERE id=?", [night, night, rid])
    ids = [r[0] for r in db.execute("SELECT id FROM interactions ORDER BY id").fetchall()]
    with transaction(db):
        for n, iid in enumerate(ids):
            back = n % 14
            t = (now - timedelta(days=back)).replace(hour=19, minute=10).strftime("%Y-%m-%dT%H:%M:%SZ")
            db.execute("UPDATE interactions SET observed_at=? WHERE id=?", [t, iid])


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        (ws / "watchlists" / "pilkada.yaml").write_text(WATCHLIST, encoding="utf-8")
        (ws / "pantau.toml").write_text(LOOPBACK_CONFIG, encoding="utf-8")
        roster = Path(tmp) / "pegawai-simpeg.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        settings, db, data = seed_workspace(ws, hostile=False)
        _history(db)
        server = LiveServer(create_app(settings)).start()
        shots = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
                page.goto(server.url + "/login")
                page.fill("#name", USERS["admin"])
                page.fill("#password", PASSWORD)
                page.click("#sign-in")
                page.wait_for_url(server.url + "/")

                def shot(name: str, full: bool = True) -> None:
                    page.screenshot(path=str(out / name), full_page=full)
                    shots.append(name)

                page.goto(server.url + "/admin/runs")
                shot("admin-runs.png")
                page.goto(server.url + "/admin/users")
                shot("admin-users.png")
                page.goto(server.url + "/admin/watchlists")
                page.fill("#new-account", "https://www.instagram.com/calondua.official/")
                page.fill("#new-candidate", "Calon Dua")
                with page.expect_navigation():
                    page.click("#add-account-submit")
                shot("admin-watchlists.png")
                page.goto(server.url + "/admin/roster")
                page.set_input_files("#roster-file", str(roster))
                page.fill("#roster-source", "simpeg")
                with page.expect_navigation():
                    page.click("#roster-submit")
                shot("admin-roster.png")
                page.goto(server.url + "/admin/settings")
                page.set_viewport_size({"width": 1280, "height": 900})
                shot("admin-settings.png", full=False)
                page.goto(server.url + "/audit")
                shot("admin-audit.png", full=False)
                browser.close()
        finally:
            server.stop()
            db.close()
    print("wrote " + ", ".join(str(out / s) for s in shots))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img")
