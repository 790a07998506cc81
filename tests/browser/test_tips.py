"""Citizen reports in Chromium: the public form (with and without JavaScript, both languages) and the triage."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from pantau.review.app import create_app
from tests.browser.conftest import Live, LiveServer, seed_workspace, sign_in
from tests.pantau.tips import images as make

pytestmark = pytest.mark.browser

XSS = '"><script>alert("xss-tip")</script><img src=x onerror=alert("xss-tip-img")>'


@pytest.fixture
def tips_live(workspace):
    cfg = workspace / "pantau.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[tips]\nenabled = true\n", encoding="utf-8")
    settings, db, data = seed_workspace(workspace)
    server = LiveServer(create_app(settings)).start()
    yield Live(server.url, db, data, settings)
    server.stop()
    db.close()


def watch_dialogs(page) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    return fired


def fill_report(page, tmp_path, *, links: str, what: str, images=()):
    page.fill("#links", links)
    page.fill("#person_name", "Bambang Suryono")
    page.fill("#person_unit", "Dinas Pendidikan")
    page.fill("#what", what)
    page.fill("#contact", "0812-3456-7890")
    files = []
    for name, data in images:
        p = tmp_path / name
        p.write_bytes(data)
        files.append(str(p))
    if files:
        page.set_input_files("#image-input", files)


def test_report_without_javascript_in_indonesian_then_check_its_status(browser, tips_live, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(tips_live.url + "/lapor")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Laporkan ASN yang tidak netral"
    assert page.locator("script").count() == 0
    # every visible input has a label
    for field in ("links", "person_name", "person_nip", "person_unit", "what", "image-input", "contact"):
        assert page.locator(f"label[for='{field}']").count() == 1, field
    box = page.locator("#website").bounding_box()                       # the honeypot is off screen
    assert box is None or box["x"] + box["width"] <= 0
    assert page.locator(".hp").get_attribute("aria-hidden") == "true"
    fill_report(page, tmp_path, links="https://mastodon.example/@bambang.suryono\nhttps://mastodon.example/@calonsatu/1",
                what="Pak Bambang menyukai unggahan kampanye Calon Satu pada 3 Januari.",
                images=[("bukti.jpg", make.jpeg_with_gps()), ("layar.png", make.png())])
    page.click("#send-report")
    page.wait_for_url(tips_live.url + "/lapor/terkirim")
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    [tip] = list(tips_live.db.query("SELECT * FROM tips"))
    assert tip["code"] == code and tip["contact"] == "0812-3456-7890"
    stored = list(tips_live.db.query("SELECT * FROM tip_images ORDER BY position"))
    assert [s["format"] for s in stored] == ["jpeg", "png"]
    img = Image.open(io.BytesIO((tips_live.settings.tips_dir / stored[0]["path"]).read_bytes()))
    assert img.getexif().get_ifd(0x8825) == {}                           # GPS gone after storage
    page.click("text=Lihat status laporan")
    page.fill("#code", code.lower())
    page.click("#check-status")
    assert "Diterima" in page.locator("#report-status").inner_text()
    assert "Bambang" not in page.content()
    # a tip never reaches a spider on its own: no account, no watchlist entry was added
    assert tips_live.db.execute("SELECT count(*) FROM accounts WHERE handle LIKE '%bambang%'").fetchone()[0] == 0
    context.close()


def test_errors_are_announced_and_the_form_speaks_english(page, tips_live, tmp_path):
    page.goto(tips_live.url + "/lapor")
    page.click("button[lang=en]")
    page.wait_for_url(tips_live.url + "/lapor")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Report a civil servant who is not neutral"
    fill_report(page, tmp_path, links="ftp://files.example/bukti", what="short",
                images=[("gambar.png", make.SVG), ("bom.png", make.png_bomb())])
    page.click("#send-report")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    text = summary.inner_text()
    assert "Link 1 must start with http:// or https://." in text
    assert "Describe what happened in at least 10 characters." in text
    assert "File 1 is not a PNG, JPEG or WebP image" in text
    assert "Image 2 has too many pixels." in text
    assert page.locator("#links").get_attribute("aria-invalid") == "true"
    assert "links-error-1" in page.locator("#links").get_attribute("aria-describedby")
    assert page.locator("#links").input_value() == "ftp://files.example/bukti"      # typed text is kept
    summary.locator("a[href='#links']").click()
    assert page.evaluate("document.activeElement.id") == "links"
    assert list(tips_live.db.query("SELECT * FROM tips")) == []
    page.fill("#links", "https://bsky.app/profile/sriwahyuningsih78.bsky.social")
    page.fill("#what", "She reposted a campaign video of Calon Dua.")
    page.click("#send-report")
    page.wait_for_url(tips_live.url + "/lapor/terkirim")
    assert "Thank you. Your report has been received." in page.locator("h1").inner_text()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_triage_a_report(page, tips_live, tmp_path, lang):
    fired = watch_dialogs(page)
    page.goto(tips_live.url + "/lapor")
    if lang == "en":
        page.click("button[lang=en]")
        page.wait_for_url(tips_live.url + "/lapor")
    fill_report(page, tmp_path, links="https://mastodon.example/@bambang.suryono\n" + "https://x.com/calonlima",
                what="Komentar dukungan di akun Calon Satu. " + XSS, images=[("a.png", make.png())])
    page.fill("#person_name", XSS)
    page.click("#send-report")
    page.wait_for_url(tips_live.url + "/lapor/terkirim")
    tip_id = tips_live.db.execute("SELECT id FROM tips").fetchone()[0]
    # signed out, nothing of the report is reachable
    page.goto(f"{tips_live.url}/tips/{tip_id}")
    assert "/login" in page.url
    sign_in(page, tips_live, "reviewer")
    words = {"id": {"nav": "Laporan warga", "person": "Ini orangnya", "valid": "Valid", "linked": "Ditautkan ke",
                    "status": "Sedang diperiksa", "added": "Ditambahkan ke daftar pantauan"},
             "en": {"nav": "Citizen reports", "person": "This is the person", "valid": "Valid",
                    "linked": "Linked to", "status": "Being checked", "added": "Added to the watchlist"}}[lang]
    page.click("#nav-tips")
    page.wait_for_url(re.compile(r"/tips"))
    page.click(f"#tip-row-{tip_id} a.tip-link")
    page.wait_for_url(f"{tips_live.url}/tips/{tip_id}")
    assert page.locator("#tip-contact").inner_text() == "0812-3456-7890"
    assert XSS in page.locator("#tip-what").inner_text()                 # shown as text, never run
    img = page.locator(".tip-images img").first
    img.wait_for()
    assert page.evaluate("(el) => el.complete && el.naturalWidth", img.element_handle()) == 40
    assert "Drs. Bambang Suryono, M.Si." in page.locator("table.people").inner_text()
    page.locator("table.people tr", has_text="Drs. Bambang Suryono").locator("button.link-employee").click()
    page.wait_for_url(f"{tips_live.url}/tips/{tip_id}")
    assert words["linked"] in page.locator("#tip-employee").inner_text()
    page.click("#tip-case")                                             # the report is a source of the case
    page.wait_for_url(re.compile(r"/cases/\d{18}$"))
    assert page.locator(f"#tip-source-{tip_id}").is_visible()
    assert XSS in page.locator(f"#tip-source-{tip_id} .text").inner_text()
    page.go_back()
    page.wait_for_url(f"{tips_live.url}/tips/{tip_id}")
    # the account named by the second link goes on a watchlist for the next crawl
    block = page.locator(".tip-known", has_text="x.com/calonlima")
    block.locator("summary").click()
    block.locator("input[name=candidate]").fill("Calon Lima")
    block.locator("button.primary").click()
    page.wait_for_url(f"{tips_live.url}/tips/{tip_id}")
    assert words["added"] in page.locator(".flash-ok").inner_text()
    page.click("#verdict-valid")
    page.wait_for_url(f"{tips_live.url}/tips/{tip_id}")
    assert page.locator("#tip-status").inner_text() == words["status"]
    assert page.locator("#tip-verdict").inner_text() == words["valid"]
    actions = [r[0] for r in tips_live.db.execute(
        "SELECT action FROM audit_log WHERE object_type='tip' ORDER BY id")]
    assert actions[0] == "tip.receive" and {"tip.view", "tip.link_employee", "tip.watchlist_add",
                                            "tip.verdict"} <= set(actions)
    assert fired == []
