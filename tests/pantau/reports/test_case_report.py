"""``pantau report case``: a real PDF printed by Chromium, read back with poppler's pdftotext."""

from __future__ import annotations

import os
import re
import stat
import subprocess

import pytest

from pantau.review import fixtures
from storage.queries import matches as matches_q
from storage.queries import transaction

REPORT_TOML = """
[report]
letterhead = ["Pemerintah Kota Contoh", "Inspektorat Daerah", "Jl. Merdeka No. 1"]
number = "800/{nip4}/INSP/{year}"
place = "Kota Contoh"
signatory_name = "Dra. Siti Aminah, M.Si."
signatory_title = "Inspektur Daerah"
signatory_nip = "196805121990032004"
"""


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture
def seeded(workspace, db):
    with (workspace / "pantau.toml").open("a", encoding="utf-8") as fh:
        fh.write(REPORT_TOML)
    from pantau.workspace import open_settings
    data = fixtures.seed(db, evidence_dir=open_settings(workspace).evidence_dir, hostile=True)
    with transaction(db):
        db.execute("UPDATE employees SET rank='Penata Muda', grade='III/a', agency='Pemerintah Kota Contoh' "
                   "WHERE nip=?", [fixtures.make_nip(1)])
        db.execute("INSERT INTO users (name, password_hash, role, created_at, full_name) "
                   "VALUES ('rudi', 'x', 'reviewer', '2029-01-01T00:00:00Z', 'Rudi Hartono, S.H.')")
    return data


def test_case_report_pdf_carries_what_bkn_and_bawaslu_ask_for(pantau, workspace, db, seeded):
    nip = fixtures.make_nip(1)
    matches_q.record_decision(db, seeded.match_ids[0], "confirmed", reviewer="rudi", note="Foto profil sama")
    out = workspace / "kasus.pdf"
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    r = pantau("report", "case", spaced, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert nip not in r.stdout + r.stderr and nip[-4:] in r.stderr           # never a full NIP on the terminal
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    text = pdf_text(out)
    flat = re.sub(r"\s+", " ", text)
    # the reported civil servant
    for want in ("LAPORAN DUGAAN PELANGGARAN NETRALITAS ASN", nip, "Bambang Suryono", "Penata Muda / III/a",
                 "Pemerintah Kota Contoh", fixtures.UNITS[0], fixtures.POSITIONS[0]):
        assert want in flat, want
    # letterhead, number, signatory
    assert "INSPEKTORAT DAERAH" in flat and f"800/{nip[-4:]}/INSP/" in flat
    assert "Dra. Siti Aminah, M.Si." in flat and "Inspektur Daerah" in flat and "Kota Contoh," in flat
    # the account, the reviewer's full name, the note, every event with its zone and offset
    assert "@bambang.suryono@mastodon.example" in flat
    assert "Rudi Hartono, S.H." in flat and "Foto profil sama" in flat
    assert "Komentar" in flat and "Calon Satu" in flat and "WIB (+07:00)" in flat
    squashed = "".join(text.split())
    assert "".join(fixtures.COMMENTS[0].split()) in squashed
    # evidence with its SHA-256
    shas = [row[0] for row in db.execute(
        "SELECT e.sha256 FROM evidence e JOIN interactions i ON i.id = e.interaction_id "
        "JOIN matches m ON m.actor_id = i.actor_id WHERE m.id = ?", [seeded.match_ids[0]])]
    assert shas and all(s in squashed for s in shas)
    # audited, with a masked NIP
    row = db.execute("SELECT user, object_type, object_id FROM audit_log WHERE action='export' "
                     "ORDER BY id DESC LIMIT 1").fetchone()
    assert row[1] == "case" and row[2].endswith(nip[-4:]) and nip not in row[2]


def test_the_footer_and_report_dates_have_the_reports_time_style(workspace, db, seeded):
    from datetime import datetime, timezone

    from pantau.case_report import load_case, printer_name, render_html, report_wording
    from pantau.workspace import open_settings
    from storage.queries import tips as tips_q
    nip = fixtures.make_nip(1)
    matches_q.record_decision(db, seeded.match_ids[0], "confirmed", reviewer="rudi")
    tip_id = tips_q.add(db, code="AAAA-BBBB-CCCC", links=["https://x.com/a"], what="Sepuluh karakter lebih.")
    db.execute("UPDATE tips SET received_at='2026-12-06T19:58:35Z' WHERE id=?", [tip_id])
    tips_q.link_employee(db, tip_id, nip, reviewer="rudi")
    settings = open_settings(workspace)
    w = report_wording(settings)
    html = render_html(load_case(db, nip), settings, printed_by=printer_name(db, "rudi", w), for_print=False,
                       now=datetime(2026, 12, 6, 19, 59, 47, 853818, tzinfo=timezone.utc))
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Dicetak oleh Rudi Hartono, S.H., 7 Des 2026 02:59 WIB (+07:00)" in flat
    assert "#%d 7 Des 2026 02:58 WIB (+07:00)" % tip_id in flat               # section 5, like every other time
    assert printer_name(db, "cli:root", w) == "baris perintah (root)"
    assert printer_name(db, "vina", w) == "vina"                              # no full name: the user name
    assert "Skor 94,0" in flat                                                # numbers in the report's language


def test_case_report_in_english_and_hostile_text_stays_text(pantau, workspace, db, seeded):
    with (workspace / "pantau.toml").open("a", encoding="utf-8") as fh:
        fh.write('language = "en"\n')
    matches_q.record_decision(db, seeded.hostile_match_id, "confirmed", reviewer="rudi",
                              note='<img src=x onerror=alert(1)>')
    out = workspace / "hostile.pdf"
    r = pantau("report", "case", fixtures.make_nip(999), "--out", str(out))
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    flat, squashed = re.sub(r"\s+", " ", text), "".join(text.split())
    assert "REPORT OF A POSSIBLE BREACH OF CIVIL-SERVICE NEUTRALITY" in flat
    assert '<script>alert("xss-name")</script>' in squashed or '<script>alert("xss-name")</script>' in flat
    assert "<imgsrc=xonerror=alert(1)>" in squashed                      # shown as text, not run
    assert "Comment" in flat and "Rank / grade" in flat


def test_case_report_refusals(pantau, workspace, db, seeded):
    r = pantau("report", "case", fixtures.make_nip(1), "--out", str(workspace / "x.pdf"))
    assert r.returncode == 1 and "no account of this employee is confirmed" in r.stderr
    assert fixtures.make_nip(1) not in r.stderr and not (workspace / "x.pdf").exists()
    r = pantau("report", "case", "12345", "--out", str(workspace / "x.pdf"))
    assert r.returncode == 2 and "NIP" in r.stderr and r.stderr.count("\n") == 1
    r = pantau("report", "case", "198001012000011999", "--out", str(workspace / "x.pdf"))
    assert r.returncode == 1 and "no employee" in r.stderr
    r = pantau("report", "case", fixtures.make_nip(1), "--out", str(workspace / "x.txt"))
    assert r.returncode == 2 and ".pdf" in r.stderr
    # a missing folder is an error, not a wrong command; nothing printed or audited first
    exports = db.execute("SELECT count(*) FROM audit_log WHERE action='export'").fetchone()[0]
    r = pantau("report", "case", fixtures.make_nip(1), "--out", str(workspace / "nonexistent" / "x.pdf"))
    assert r.returncode == 1 and "no such folder" in r.stderr
    assert db.execute("SELECT count(*) FROM audit_log WHERE action='export'").fetchone()[0] == exports
    r = pantau("report", "case", "999999999999999999", "--out", str(workspace / "x.pdf"))
    assert r.returncode == 2 and "NIP: NIP" not in r.stderr and "**************9999" in r.stderr


def test_reviewers_full_name_from_the_command_line(pantau, workspace, db):
    r = pantau("user", "add", "sari", "--role", "reviewer", "--full-name", "Sari  Dewi, S.Sos.",
               "--password-stdin", input="a-long-password\n")
    assert r.returncode == 0, r.stderr
    assert db.execute("SELECT full_name FROM users WHERE name='sari'").fetchone()[0] == "Sari Dewi, S.Sos."
    r = pantau("user", "fullname", "sari", "Dra. Sari Dewi, M.Si.")
    assert r.returncode == 0 and "Dra. Sari Dewi, M.Si." in r.stdout
    assert db.execute("SELECT full_name FROM users WHERE name='sari'").fetchone()[0] == "Dra. Sari Dewi, M.Si."
    assert pantau("user", "fullname", "nobody", "X").returncode == 1
    assert pantau("user", "fullname", "sari", "").returncode == 0
    assert db.execute("SELECT full_name FROM users WHERE name='sari'").fetchone()[0] is None
    assert [r[0] for r in db.execute("SELECT action FROM audit_log WHERE object_id='sari' ORDER BY id")] == [
        "user.add", "user.full_name", "user.full_name"]
