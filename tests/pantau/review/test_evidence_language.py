"""Evidence speaks the reader's language: no English evidence sentence in an Indonesian page, report or export.

Every template of the matcher's evidence catalogue (``pantau.matching.evidence``) is
rendered in English with the parameters of a stored feature; an Indonesian page,
case report (HTML and PDF), XLSX or CSV must contain none of those sentences, and
must contain the Indonesian rendering instead. Had the app printed the stored English
``detail``, or a catalogue entry lacked its Indonesian translation, this fails.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess

from openpyxl import load_workbook

from pantau.matching import evidence as ev
from pantau.review import fixtures
from pantau.review.i18n import translations
from pantau.wording import features_of
from storage.queries import matches as matches_q
from storage.queries import transaction
from storage.records import MatchCandidate

ID = translations("id").gettext


def _features_for_every_code(handle: str) -> list:
    """One stored feature per evidence code, with plausible parameters, all worth 0 points but the first."""
    params = {"platform": "mastodon", "listed": "budi", "listed_platform": "instagram", "call": "Budi",
              "given": "Budiman", "handle": handle, "bits": 7.5, "count": 3, "digits": "85",
              "words": ["guru"], "titles": ["S.Pd."], "score": 70.0, "total": 70.0, "parts": [], "share": 0.5,
              "origin": "prior", "model": "test"}
    out = []
    for code, template in ev.TEMPLATES.items():
        if code.startswith("origin."):
            continue
        names = set(re.findall(r"{(\w+)}", template))
        out.append(ev.make(code.split(".")[0], code, 0.0, **{k: params[k] for k in names if k in params}))
    out[0].weight = 70.0
    return out


def english_sentences(features) -> list[str]:
    """The English sentences of ``features`` that differ from their Indonesian rendering (most do)."""
    return [s for f in features if (s := ev.render(f, lambda m: m)) != ev.render(f, ID)]


def _seed_case(env):
    feats = _features_for_every_code("bambang.suryono")
    m = env.data.match_ids[0]
    actor_id = env.db.execute("SELECT actor_id FROM matches WHERE id=?", [m]).fetchone()[0]
    with transaction(env.db):
        env.db.execute("UPDATE matches SET status='pending' WHERE id=?", [m])
    matches_q.upsert_candidates(env.db, [MatchCandidate(actor_id, fixtures.make_nip(1), 70.0, "strong", feats)])
    matches_q.record_decision(env.db, m, "confirmed", reviewer="rudi")
    stored = features_of(env.db.execute("SELECT features FROM matches WHERE id=?", [m]).fetchone()[0])
    english = english_sentences(stored)
    assert len(english) >= len(ev.TEMPLATES) - 10          # the test has teeth: most sentences differ
    return m, stored, english


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _no_english(where: str, text: str, english: list[str]) -> None:
    text = _flat(text)
    found = [s for s in english if _flat(s) in text]
    assert not found, f"{where} carries English evidence: {found[:3]}"


def test_indonesian_pages_reports_and_exports_carry_no_english_evidence(env, tmp_path):
    m, stored, english = _seed_case(env)
    indonesian = [ev.render(f, ID) for f in stored]
    c = env.client("reviewer")
    import html as htmllib
    for url in (f"/matches/{m}", f"/cases/{fixtures.make_nip(1)}", f"/cases/{fixtures.make_nip(1)}/report"):
        page = htmllib.unescape(re.sub(r"<[^>]+>", "", c.get(url).text))
        _no_english(url, page, english)
        assert _flat(indonesian[0]) in _flat(page), url
    # XLSX and CSV downloads of the app
    wb = load_workbook(io.BytesIO(c.get("/reports/confirmed.xlsx").content))
    cells = " ".join(str(cell.value) for ws in wb for row in ws.iter_rows() for cell in row if cell.value)
    _no_english("confirmed.xlsx", cells, english)
    assert _flat(indonesian[0]) in _flat(cells)
    text = c.get("/reports/confirmed.csv").content.decode("utf-8-sig")
    _no_english("confirmed.csv", text, english)
    # the CLI exports, in the workspace's language (id)
    from pantau.export import export_matches
    from pantau.wording import for_settings
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"m.{fmt}"
        export_matches(env.db, fmt, out, status="confirmed", wording=for_settings(env.settings))
        if fmt == "xlsx":
            body = " ".join(str(cell.value) for ws in load_workbook(out) for row in ws.iter_rows()
                            for cell in row if cell.value)
        else:
            body = " ".join(" ".join(r) for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        _no_english(f"pantau export ({fmt})", body, english)
        assert _flat(indonesian[0]) in _flat(body)
    # the printed PDF
    from pantau.case_report import case_pdf
    pdf = tmp_path / "kasus.pdf"
    pdf.write_bytes(case_pdf(env.db, env.settings, fixtures.make_nip(1), printed_by="rudi"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    _no_english("case report PDF", text.replace("\n", " "), english)


def test_the_check_catches_english(env):
    """The same check on an English page finds the sentences (so the test above can fail)."""
    m, stored, english = _seed_case(env)
    c = env.client("reviewer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)
    c.post("/language", data={"lang": "en", "csrf_token": token, "next": "/"})
    import html as htmllib
    page = htmllib.unescape(re.sub(r"<[^>]+>", "", c.get(f"/cases/{fixtures.make_nip(1)}").text))
    try:
        _no_english("English case page", page, english)
    except AssertionError:
        return
    raise AssertionError("an English page passed the English-evidence check")
