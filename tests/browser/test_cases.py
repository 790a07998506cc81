"""Cases in Chromium: the queue by cases or pairs, search and filters, the case page, the PDF, both languages."""

from __future__ import annotations

import re
import subprocess

import pytest

from pantau.review import fixtures
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
NIP1 = fixtures.make_nip(1)


@pytest.fixture
def more(live):
    return fixtures.add_more_accounts(live.db)


def test_queue_by_cases_search_and_filters(page, live, more):
    sign_in(page, live, "reviewer")
    page.click("#view-cases")
    page.wait_for_url(re.compile(r"view=cases"))
    assert page.locator("h1").inner_text() == "Kasus"
    rows = page.locator("#queue tr.row")
    assert rows.count() == len(fixtures.PEOPLE) + 1
    first = rows.nth(0).inner_text()                         # the best score first: the three-account case
    for text in ("Bambang Suryono", "Calon Satu", "Calon Dua", "Calon Tiga", "Kutipan", "bambangs.bsky.social"):
        assert text in first, text
    assert "None" not in page.locator("#queue").inner_text()
    # search by the last digits of a NIP, from the search box
    page.fill("#q", NIP1[-6:])
    page.click("#search")
    page.wait_for_url(re.compile(r"q=" + NIP1[-6:]))
    assert page.locator("#queue tr.row").count() == 1 and "view=cases" in page.url
    page.click("#search-clear")
    page.wait_for_url(re.compile(r"view=cases"))
    # filters: kind and candidate, through the form
    page.locator("details.filters summary").click()
    page.select_option("#f-kind", "quote")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"kind=quote"))
    assert page.locator("#queue tr.row").count() == 1
    page.select_option("#f-kind", "")
    page.select_option("#f-candidate", "Calon Tiga")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"candidate=Calon"))
    names = page.locator("#queue").inner_text()
    assert "Bambang Suryono" in names and "Siti Nurhaliza" in names and "Nur Aini" in names
    assert "Sri Wahyuningsih" not in names
    # pairs again, same filter: the YouTube channel without a handle shows its name
    page.click("#view-pairs")
    page.wait_for_url(re.compile(r"view=pairs"))
    assert page.locator("#queue tr.row").count() == 3
    assert "None" not in page.locator("#queue").inner_text()
    # j / Enter open the case page from the cases view
    page.goto(live.url + "/?view=cases")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/cases/{NIP1}$"))
    # an invalid filter value is a 400 page naming it, never a 500
    r = page.goto(live.url + "/?interaction_from=kemarin")
    assert r.status == 400 and "interaction_from" in page.locator("#error-message").inner_text()


def test_case_page_report_and_pdf_in_both_languages(page, live, more, tmp_path):
    sign_in(page, live, "reviewer")
    page.goto(f"{live.url}/matches/{live.data.match_ids[0]}")
    page.fill("#note", "Foto profil sama")
    with page.expect_navigation():
        page.click("#decide-confirmed")
    page.goto(f"{live.url}/matches/{more.match_ids[1]}")
    with page.expect_navigation():
        page.click("#decide-confirmed")
    page.goto(f"{live.url}/matches/{live.data.match_ids[0]}")
    page.click("#nav-case")
    page.wait_for_url(re.compile(rf"/cases/{NIP1}$"))
    accounts = page.locator("#case-accounts").inner_text()
    assert "@bambang.suryono@mastodon.example" in accounts and "bambangs.bsky.social" in accounts
    assert "Bambang Suryono" in accounts and "None" not in accounts
    interactions = page.locator("#case-interactions").inner_text()
    for text in ("Calon Satu", "Calon Dua", "Calon Tiga", "Hidup Calon Tiga! Maju terus.", "Kutipan"):
        assert text in interactions, text
    decisions = page.locator("#case-decisions").inner_text()
    assert "Foto profil sama" in decisions and decisions.count("Orang yang sama") == 2
    # the printable report in the app
    page.click("#nav-report")
    page.wait_for_url(re.compile(rf"/cases/{NIP1}/report$"))
    assert "LAPORAN DUGAAN PELANGGARAN NETRALITAS ASN" in page.locator("#case-report h1").inner_text().upper()
    assert "WIB (+07:00)" in page.locator("#report-events").inner_text()
    # the PDF, downloaded and read back
    with page.expect_download() as dl:
        page.click("#report-pdf")
    path = tmp_path / "kasus.pdf"
    dl.value.save_as(path)
    assert dl.value.suggested_filename == f"pantau-kasus-{NIP1[-4:]}.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = "".join(text.split())
    for want in ("Laporandugaanpelanggarannetralitas", NIP1, "Hidup Calon Tiga!",
                 "Foto profil sama", "Komentar"):
        assert "".join(want.split()).lower() in squashed.lower(), want
    assert "Kutipan" not in text and "bambangs.bsky.social" not in text      # the unconfirmed account is left out
    # English: the same case, every word switched
    with page.expect_navigation():
        page.click("button[name=lang][value=en]")
    page.goto(f"{live.url}/cases/{NIP1}")
    assert page.locator("h1").inner_text().startswith("Case:")
    assert "Same person" in page.locator("#case-decisions").inner_text()
    with page.expect_download() as dl:
        page.click("#nav-report-pdf")
    dl.value.save_as(tmp_path / "case-en.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "case-en.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "REPORT OF A POSSIBLE BREACH" in text.upper() and "Comment" in text and "Komentar" not in text
    exports = [e for e in live.audit("export") if e["object_type"] == "case"]
    formats = sorted(re.search(r'"format":"(\w+)"', e["detail"]).group(1) for e in exports)
    assert formats.count("pdf") == 2 and "html" in formats, [e["detail"] for e in exports]
    assert {e["user"] for e in exports} == {"rudi"} and all(NIP1 not in e["object_id"] for e in exports)
