"""The review app in Chromium: sign in, work the queue by keyboard, export, languages, and what must be refused."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from pantau.review import fixtures
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def watch_dialogs(page) -> list[str]:
    fired: list[str] = []

    def on_dialog(d):
        fired.append(d.message)
        d.dismiss()
    page.on("dialog", on_dialog)
    return fired


def test_work_the_queue_with_the_keyboard(page, live):
    fired = watch_dialogs(page)
    sign_in(page, live, "admin")
    rows = page.locator("#queue tr.row")
    ids = [int(re.search(r"/matches/(\d+)", rows.nth(i).get_attribute("data-href")).group(1)) for i in range(4)]
    assert "current" in rows.nth(0).get_attribute("class")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "current" in rows.nth(2).get_attribute("class")
    page.keyboard.press("k")
    assert "current" in rows.nth(1).get_attribute("class")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/matches/{ids[0]}\?"))
    assert page.locator(".nip").inner_text() == fixtures.make_nip(1)
    # j / k walk the queue without deciding
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/matches/{ids[1]}\?"))
    page.keyboard.press("k")
    page.wait_for_url(re.compile(rf"/matches/{ids[0]}\?"))
    # n focuses the note; typing there does not trigger shortcuts
    page.keyboard.press("n")
    page.keyboard.type("foto profil sama; cek ke unit")
    assert live.status(ids[0]) == "pending"
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    page.wait_for_url(re.compile(rf"/matches/{ids[1]}\?"))
    assert "Tersimpan: Orang yang sama." in page.locator(".flash").inner_text()
    page.keyboard.press("r")
    page.wait_for_url(re.compile(rf"/matches/{ids[2]}\?"))
    page.keyboard.press("e")
    page.wait_for_url(re.compile(rf"/matches/{ids[3]}\?"))
    assert [live.status(i) for i in ids] == ["confirmed", "rejected", "escalated", "pending"]
    note = live.db.execute("SELECT note, reviewer FROM matches WHERE id=?", [ids[0]]).fetchone()
    assert tuple(note) == ("foto profil sama; cek ke unit", "ani")
    # the audit page shows the decisions
    page.goto(live.url + "/audit?action=match.decide")
    table = page.locator("#audit").inner_text()
    assert table.count("Keputusan atas kemungkinan kecocokan") == 3
    assert "Orang yang sama" in table and "Ragu (dieskalasi)" in table and "match.decide" not in table
    assert f"kemungkinan kecocokan {ids[0]}" in table
    # the queue counts moved
    page.goto(live.url + "/")
    assert page.locator("#tab-confirmed .count").inner_text() == "1"
    assert page.locator("#tab-escalated .count").inner_text() == "1"
    assert fired == []


def test_help_dialog(page, live):
    sign_in(page, live, "reviewer")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    assert "Pintasan papan ketik" in page.locator("#help").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    page.click("#help-open")
    assert page.locator("#help").is_visible()
    page.click("#help-close")
    assert not page.locator("#help").is_visible()


def test_export_confirmed_cases(page, live):
    sign_in(page, live, "reviewer")
    for mid in live.data.match_ids[:3]:
        page.goto(f"{live.url}/matches/{mid}")
        with page.expect_navigation():
            page.click("#decide-confirmed")
    page.goto(live.url + "/reports")
    with page.expect_download() as dl:
        page.click("#export-all-csv")
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Kecocokan" and len(rows) == 4
    with page.expect_download() as dl:
        page.click("#export-all-xlsx")
    assert dl.value.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert wb.sheetnames[0] == "Ringkasan" and wb.sheetnames[-1] == "Interaksi" and len(wb.sheetnames) == 5
    exports = live.audit("export")
    assert [e["user"] for e in exports] == ["rudi", "rudi"]
    # the printable case report, with its evidence picture loaded
    page.goto(f"{live.url}/matches/{live.data.match_ids[0]}/report")
    img = page.locator("img").first
    assert img.evaluate("el => el.complete && el.naturalWidth") > 0
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()


def test_switch_language(page, live):
    sign_in(page, live, "reviewer")
    assert page.locator("h1").inner_text() == "Kemungkinan kecocokan"
    with page.expect_navigation():
        page.click("button[name=lang][value=en]")
    assert page.locator("h1").inner_text() == "Possible matches"
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live.url}/matches/{live.data.match_ids[0]}")
    assert "Same person" in page.locator("#decide-confirmed").inner_text()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("button[name=lang][value=id]")
    assert "Orang yang sama" in page.locator("#decide-confirmed").inner_text()


def test_viewer_is_denied_a_decision(page, live):
    sign_in(page, live, "viewer")
    mid = live.data.match_ids[0]
    page.goto(f"{live.url}/matches/{mid}")
    assert page.locator("#decision-form").count() == 0
    assert page.locator("#viewer-note").is_visible()
    url = page.url
    page.keyboard.press("c")
    page.wait_for_timeout(300)
    assert page.url == url
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    r = page.request.post(f"{live.url}/matches/{mid}/decision",
                          form={"decision": "confirmed", "csrf_token": token}, max_redirects=0)
    assert r.status == 403
    assert live.status(mid) == "pending" and live.audit("match.decide") == []


def test_script_in_a_comment_and_a_display_name_stays_text(page, live):
    fired = watch_dialogs(page)
    sign_in(page, live, "admin")
    mid = live.data.hostile_match_id
    page.goto(f"{live.url}/matches/{mid}")
    assert fixtures.XSS_NAME in page.locator("#actor .display-name").inner_text()
    assert fixtures.XSS_TEXT in page.locator("#interactions .collected").first.inner_text()
    assert fixtures.XSS_TEXT in page.locator("#actor .bio").inner_text()
    assert page.locator("#actor img, #interactions svg, #actor script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.locator("details.raw summary").first.click()
    for url in ("/", f"/cases/{fixtures.make_nip(999)}", "/?platform=mastodon", "/?view=cases&q=budi"):
        page.goto(live.url + url)
    page.goto(f"{live.url}/matches/{mid}")
    page.wait_for_timeout(300)
    assert fired == []


def test_form_post_without_csrf_token_is_refused(page, live):
    sign_in(page, live, "reviewer")
    mid = live.data.match_ids[0]
    page.goto(f"{live.url}/matches/{mid}")
    # a form like the real one, minus its token, submitted by the browser itself
    with page.expect_navigation():
        page.evaluate("""() => {
            document.querySelector('#decision-form input[name=csrf_token]').remove();
            document.querySelector('#decide-confirmed').click();
        }""")
    assert "Permintaan ditolak" in page.locator("h1").inner_text()
    assert live.status(mid) == "pending"
    r = page.request.post(f"{live.url}/matches/{mid}/decision", form={"decision": "confirmed"}, max_redirects=0)
    assert r.status == 403
    assert live.status(mid) == "pending"
