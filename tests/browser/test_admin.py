"""Every administration screen in Chromium, in Bahasa Indonesia and in English."""

from __future__ import annotations

import re

import pytest

from pantau import watchlist as wl
from storage.queries import runs as runs_q
from tests.browser.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def english(page) -> None:
    with page.expect_navigation():
        page.click("button[name=lang][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"


def flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def test_admin_reaches_every_screen_from_the_navigation(page, live):
    sign_in(page, live, "admin")
    page.click("#nav-admin")
    page.wait_for_url(live.url + "/admin/runs")
    tabs = {"users": "Pengguna", "watchlists": "Daftar pantauan", "roster": "Daftar pegawai",
            "settings": "Pengaturan", "audit": "Log audit", "runs": "Proses dan kesehatan"}
    for tab, word in tabs.items():
        page.click(f"#admin-tab-{tab}")
        assert "current" in page.locator(f"#admin-tab-{tab}").get_attribute("class")
        assert page.locator(f"#admin-tab-{tab}").inner_text() == word
    english(page)
    assert page.locator("#admin-tab-runs").inner_text() == "Runs and health"
    assert page.locator("#nav-admin").inner_text() == "Administration"


def test_reviewer_has_no_administration(page, live):
    sign_in(page, live, "reviewer")
    assert page.locator("#nav-admin").count() == 0
    page.goto(live.url + "/admin/users")
    assert page.locator("h1").inner_text() == "Tidak diizinkan"


def test_users_screen(page, live, browser):
    sign_in(page, live, "admin")
    page.goto(live.url + "/admin/users")
    page.fill("#new-name", "dewi")
    page.select_option("#new-role", "viewer")
    page.fill("#new-password", "dewi-long-password")
    page.fill("#new-password2", "dewi-long-password")
    with page.expect_navigation():
        page.click("#add-user-submit")
    assert flash(page) == "dewi ditambahkan sebagai Pembaca."
    row = page.locator("#user-dewi")
    assert "Aktif" in row.inner_text()
    # change the role
    row.locator("select.role-select").select_option("reviewer")
    with page.expect_navigation():
        page.locator("#user-dewi button.change-role").click()
    assert flash(page) == "dewi sekarang Peninjau."
    # dewi signs in elsewhere; a new password ends her session
    other = browser.new_context().new_page()
    other.goto(live.url + "/login")
    other.fill("#name", "dewi")
    other.fill("#password", "dewi-long-password")
    other.click("#sign-in")
    other.wait_for_url(live.url + "/")
    page.locator("#user-dewi input[name=password]").fill("fresh-long-password")
    page.locator("#user-dewi input[name=password2]").fill("fresh-long-password")
    with page.expect_navigation():
        page.locator("#user-dewi button.reset-password").click()
    assert "Kata sandi baru ditetapkan untuk dewi" in flash(page)
    other.goto(live.url + "/")
    assert "/login" in other.url
    # deactivate, in English this time
    english(page)
    with page.expect_navigation():
        page.locator("#user-dewi button.deactivate").click()
    assert flash(page).startswith("dewi is deactivated")
    assert "Deactivated" in page.locator("#user-dewi").inner_text()
    other.fill("#name", "dewi")
    other.fill("#password", "fresh-long-password")
    other.click("#sign-in")
    assert "/login" in other.url
    # the last admin stays one
    page.locator("#user-ani select.role-select").select_option("viewer")
    with page.expect_navigation():
        page.locator("#user-ani button.change-role").click()
    assert "last active administrator" in flash(page)
    assert [(r["action"], r["user"]) for r in live.db.query(
        "SELECT action, user FROM audit_log WHERE object_id='dewi' AND action LIKE 'user.%' ORDER BY id")] == [
        ("user.add", "ani"), ("user.role", "ani"), ("user.passwd", "ani"), ("user.disable", "ani")]


def test_watchlists_screen(page, live):
    folder = live.settings.watchlists_dir
    f = folder / "pilkada.yaml"
    f.write_text("# diperiksa inspektorat\nelection: Pilkada 2029\ncandidates:\n  - name: Calon Satu\n"
                 "    role: kepala-daerah\n    accounts:\n      - platform: x\n        handle: calonsatu\n",
                 encoding="utf-8")
    sign_in(page, live, "admin")
    page.goto(live.url + "/admin/watchlists")
    assert page.locator("#watchlist tr.account").count() == 1
    page.fill("#new-account", "https://www.tiktok.com/@calon.satu")
    page.fill("#new-candidate", "Calon Satu")
    with page.expect_navigation():
        page.click("#add-account-submit")
    assert flash(page) == "TikTok calon.satu untuk Calon Satu ditambahkan ke pilkada.yaml."
    assert page.locator("#watchlist tr.account").count() == 2
    assert "# diperiksa inspektorat" in f.read_text()
    assert ("tiktok", "calon.satu", "Calon Satu") in [(a.platform, a.handle, a.candidate)
                                                     for a in wl.load(folder).accounts]
    # a new candidate, by handle and platform, in English
    english(page)
    page.fill("#new-account", "calondua.bsky.social")
    page.select_option("#new-platform", "bluesky")
    page.fill("#new-candidate", "Calon Dua")
    page.select_option("#new-role", "dprd")
    with page.expect_navigation():
        page.click("#add-account-submit")
    assert flash(page) == "Added Bluesky calondua.bsky.social for Calon Dua to watchlist.yaml."
    row = page.locator("#watchlist tr.account[data-handle='calondua.bsky.social']")
    assert "DPRD candidate" in row.inner_text()
    # switch an account off and on
    row = page.locator("#watchlist tr.account[data-handle='calonsatu']")
    with page.expect_navigation():
        row.locator("button.disable").click()
    assert "will no longer be crawled" in flash(page)
    assert "enabled: false" in f.read_text()
    assert live.db.execute("SELECT enabled FROM accounts WHERE platform='x' AND handle='calonsatu'").fetchone()[0] == 0
    with page.expect_navigation():
        page.locator("#watchlist tr.account[data-handle='calonsatu'] button.enable").click()
    assert live.db.execute("SELECT enabled FROM accounts WHERE platform='x' AND handle='calonsatu'").fetchone()[0] == 1
    # a URL that names no profile is refused in words
    page.fill("#new-account", "https://www.instagram.com/p/C0de/")
    page.fill("#new-candidate", "Calon Tiga")
    with page.expect_navigation():
        page.click("#add-account-submit")
    assert "is not a profile address Pantau knows" in flash(page)


def test_roster_screen(page, live, tmp_path):
    roster = tmp_path / "pegawai.csv"
    roster.write_text("NIP;NAMA PEGAWAI;UNIT KERJA;JABATAN;AKUN MEDIA SOSIAL;KETERANGAN\n"
                      "198503122010011001;Budi Santoso;Dinas Pendidikan;Guru;ig:budi.s;\n"
                      "198503122010011000;Ani Rahma;Dinas Kesehatan;Bidan;;\n", encoding="utf-8")
    before = live.db.execute("SELECT count(*) FROM employees").fetchone()[0]
    sign_in(page, live, "admin")
    page.goto(live.url + "/admin/roster")
    page.set_input_files("#roster-file", str(roster))
    page.fill("#roster-source", "bkpsdm")
    page.check("#roster-strict")
    with page.expect_navigation():
        page.click("#roster-submit")
    report = page.locator("#roster-report").inner_text()
    assert "2 baris, 1 diterima, 1 ditolak." in report
    assert page.locator("#nothing-stored").is_visible()
    assert page.locator("#rejected-rows tbody tr").count() == 1
    assert page.locator("#rejected-rows tbody tr td").nth(0).inner_text() == "3"
    assert "Excel menyimpan NIP sebagai angka" in page.locator("#rejected-rows").inner_text()
    assert "KETERANGAN" in page.locator("#unknown-columns").inner_text()
    assert live.db.execute("SELECT count(*) FROM employees").fetchone()[0] == before
    # without "store nothing", in English: the good row is stored
    english(page)
    page.set_input_files("#roster-file", str(roster))
    page.fill("#roster-source", "bkpsdm")
    with page.expect_navigation():
        page.click("#roster-submit")
    assert "Stored in source bkpsdm: 1 new" in page.locator("#roster-report").inner_text()
    assert "Excel stored the NIP as a number" in page.locator("#rejected-rows").inner_text()
    assert live.db.execute("SELECT name, handles FROM employees WHERE source='bkpsdm'").fetchall() == [
        ("Budi Santoso", '["ig:budi.s"]')]
    sources = page.locator("#roster-sources").inner_text()
    assert "bkpsdm" in sources
    assert page.locator("#roster-imports tbody tr").count() == 2


def test_runs_and_health_screen(page, live):
    db = live.db
    acc = db.execute("SELECT id FROM accounts WHERE platform='bluesky'").fetchone()[0]
    for items in (25, 0):
        rid = runs_q.start(db, "nightly", trigger="schedule")
        runs_q.record_account(db, rid, acc, "bluesky", requests=2, items=items)
        runs_q.finish(db, rid, "ok", summary={"new_interactions": items, "errors": []})
    sign_in(page, live, "admin")
    page.goto(live.url + "/admin/runs")
    bars = page.locator("#nightly-chart svg rect.bar")
    assert bars.count() == 30
    total = 25                                      # what tonight's runs reported
    assert bars.nth(29).get_attribute("data-count") == str(total)
    assert bars.nth(28).get_attribute("data-count") == "0"
    box = bars.nth(29).bounding_box()
    assert box and box["height"] > 50              # the busiest night is drawn tall
    assert page.locator("#runs tbody tr.run").count() == 2
    assert "Proses malam" in page.locator("#runs").inner_text()
    assert "calondua.bsky.social" in page.locator("#silent").inner_text()
    assert page.locator("#accounts tbody tr.account").count() == 4
    assert page.locator("script:not([src])").count() == 0          # the chart needs no script
    english(page)
    assert "Interactions per night" in page.locator("main").inner_text()
    assert "Nightly run" in page.locator("#runs").inner_text()
    assert page.locator("#nightly-chart figcaption").inner_text().startswith(f"{total:,}")


def test_settings_screen(page, live, monkeypatch):
    monkeypatch.setenv("PANTAU_SMTP_PASSWORD", "rahasia-sekali-123")
    sign_in(page, live, "admin")
    page.goto(live.url + "/admin/settings")
    text = page.locator("main").inner_text()
    assert "Pengaturan yang berlaku" in text and "[schedule]" in text and "Asia/Jakarta" in text
    assert "rahasia-sekali-123" not in page.content()
    assert "diisi" in page.locator("tr[data-key='notify.smtp_password_env']").inner_text()
    assert page.locator("form").filter(has=page.locator("input:not([type=hidden])")).count() == 0  # read only
    english(page)
    assert "Settings in force" in page.locator("main").inner_text()
    assert "set" in page.locator("tr[data-key='notify.smtp_password_env']").inner_text()


def test_audit_screen_in_words(page, live):
    sign_in(page, live, "reviewer")
    mid = live.data.match_ids[0]
    page.goto(f"{live.url}/matches/{mid}")
    with page.expect_navigation():
        page.click("#decide-confirmed")
    page.click("#sign-out")
    sign_in(page, live, "admin")
    page.goto(live.url + "/audit")
    table = page.locator("#audit").inner_text()
    assert "Keputusan atas kemungkinan kecocokan" in table and "Menunggu" in table and "Orang yang sama" in table
    assert "Masuk" in table
    for code in ("match.decide", "signin", "None", "user.add"):
        assert code not in table
    page.select_option("select[name=action]", "match.decide")
    with page.expect_navigation():
        page.click(".filter-form button[type=submit]")
    assert page.locator("#audit tbody tr").count() == 1
    english(page)
    table = page.locator("#audit").inner_text()
    assert "Decision on a possible match" in table and "Same person" in table and "match.decide" not in table
    assert re.search(r"before\s*:\s*Pending", table)
