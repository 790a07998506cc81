"""Exports: columns, formula guard, string-only XLSX text, private files, import round trip."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from datetime import datetime
from zoneinfo import ZoneInfo

import re

import pytest

import storage
from pantau.errors import UsageError
from pantau.export import csv_safe, export, export_interactions, export_matches
from pantau.importer import import_interactions
from pantau.tabular import csv_unguard
from storage.queries import interactions as iq
from storage.queries import transaction
from storage.queries import matches as mq
from storage.records import Employee, Feature, MatchCandidate
from tests.conftest import FIXTURES

GOOD = FIXTURES / "imports" / "good.jsonl"


def open_db(path):
    return storage.open_db(path)


@pytest.fixture
def db(tmp_path):
    d = open_db(tmp_path / "data" / "p.db")
    yield d
    d.close()


def with_match(db):
    import_interactions(db, GOOD)
    from storage.queries import employees as eq
    eq.replace_source(db, [Employee(nip="198503122010011001", name="=Budi Santoso", name_norm="budi santoso",
                                    norm_version="1", unit="Dinas A", position="Staf")], "t")
    actor_id = db.execute("SELECT id FROM actors WHERE actor_key='budi.santoso85'").fetchone()[0]
    mq.upsert_candidates(db, [MatchCandidate(actor_id, "198503122010011001", 91.5, "strong",
                                             [Feature("name", "same name", 60.0)])])
    return actor_id


@pytest.mark.parametrize("value, guarded", [
    ("=1+1", "'=1+1"), ("+62", "'+62"), ("-5", "'-5"), ("@budi", "'@budi"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("'tis", "''tis"), ("plain", "plain"), ("", ""), (None, ""), (5, "5"),
])
def test_csv_safe_and_its_inverse(value, guarded):
    assert csv_safe(value) == guarded
    if isinstance(value, str):
        assert csv_unguard(csv_safe(value)) == value


def test_csv_unguard_leaves_ordinary_apostrophes():
    assert csv_unguard("'tis") == "'tis" and csv_unguard("'") == "'"


def test_matches_csv_has_the_fixed_columns_and_guards_formulas(db, tmp_path):
    with_match(db)
    out = tmp_path / "m.csv"
    assert export_matches(db, "csv", out) == 1
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                      # BOM for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == mq.EXPORT_COLUMNS
    rec = dict(zip(rows[0], rows[1]))
    assert rec["employee_name"] == "'=Budi Santoso"
    assert rec["nip"] == "198503122010011001" and rec["score"] == "91.5" and rec["band"] == "strong"
    assert rec["interactions"] == "1" and rec["actor_handle"] == "budi.santoso85"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert export_matches(db, "csv", tmp_path / "none.csv", status="confirmed") == 0


def test_matches_xlsx_text_is_never_a_formula(db, tmp_path):
    from openpyxl import load_workbook
    with_match(db)
    out = tmp_path / "m.xlsx"
    export_matches(db, "xlsx", out, status="pending")
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert tuple(header) == mq.EXPORT_COLUMNS
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["employee_name"].value == "=Budi Santoso" and row["employee_name"].data_type == "s"
    assert row["nip"].value == "198503122010011001" and row["nip"].data_type == "s"
    assert row["score"].value == 91.5
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_jsonl_export_and_stdout(db, capsys):
    import_interactions(db, GOOD)
    assert export_interactions(db, "jsonl", None) == 6
    lines = capsys.readouterr().out.splitlines()
    recs = [json.loads(l) for l in lines]
    assert list(recs[0]) == list(iq.EXPORT_COLUMNS)
    assert {r["actor_name"] for r in recs} >= {"<script>alert(1)</script>"}


def test_usage_errors(db, tmp_path):
    with pytest.raises(UsageError, match="xlsx needs --out"):
        export_matches(db, "xlsx", None)
    with pytest.raises(UsageError, match="unknown format"):
        export_interactions(db, "pdf", None)
    with pytest.raises(UsageError, match="unknown status"):
        export_matches(db, "csv", None, status="maybe")
    with pytest.raises(UsageError, match="unknown export"):
        export(db, "people", "csv", None)


def _original_fields(path):
    from pantau.importer import FIELDS
    out = []
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        out.append({f: rec.get(f) for f in FIELDS})
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_imports_again_unchanged(tmp_path, fmt):
    from pantau.importer import FIELDS
    first = open_db(tmp_path / "a" / "p.db")
    import_interactions(first, GOOD)
    out1 = tmp_path / f"e1.{fmt}"
    export_interactions(first, fmt, out1)
    second = open_db(tmp_path / "b" / "p.db")
    r = import_interactions(second, out1)
    assert r.rejected == [] and r.new_interactions == 6
    out2 = tmp_path / f"e2.{fmt}"
    export_interactions(second, fmt, out2)

    def read(p):
        if fmt == "jsonl":
            return [{f: rec[f] for f in FIELDS} for rec in map(json.loads, p.read_text().splitlines())]
        rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
        return [{f: (csv_unguard(r[f]) or None) for f in FIELDS} for r in rows]

    assert read(out1) == read(out2)
    # and the export says what the original file said, formula-looking text and markup included;
    # times in one form, the configured zone with its offset (the file's date-only time is local)
    jakarta = ZoneInfo("Asia/Jakarta")

    def instant(rec):
        t = datetime.fromisoformat(rec["created_at"]) if rec["created_at"] else None
        return {**rec, "created_at": t and (t if t.tzinfo else t.replace(tzinfo=jakarta)).timestamp()}
    exported = read(out1)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", r["created_at"])
               for r in exported if r["created_at"])
    assert sorted(map(instant, exported), key=json.dumps) == sorted(map(instant, _original_fields(GOOD)),
                                                                     key=json.dumps)
    if fmt == "csv":
        raw = out1.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in raw and "'-5 poin" in raw


def test_matches_xlsx_reads_back_in_indonesian_with_interactions_and_local_times(db, tmp_path):
    from openpyxl import load_workbook
    actor_id = with_match(db)
    with transaction(db):        # a display name with control characters openpyxl refuses to write
        db.execute("UPDATE actors SET display_name=? WHERE id=?", ["Budi\x07 San\x1btoso\x00", actor_id])
    mq.record_decision(db, db.execute("SELECT id FROM matches").fetchone()[0], "confirmed", reviewer="rudi")
    out = tmp_path / "m.xlsx"
    assert export_matches(db, "xlsx", out) == 1
    wb = load_workbook(out)
    assert wb.sheetnames == ["matches", "interactions"]
    ws = wb["matches"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:P2"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJKLMNOP")
    row = {h.value: c.value for h, c in zip(ws[1], ws[2])}
    assert row["status"] == "Orang yang sama" and row["band"] == "Kuat"
    assert row["actor_name"] == "Budi Santoso"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", row["first_interaction_at"])
    inter = wb["interactions"]
    header = [c.value for c in inter[1]]
    assert tuple(header) == mq.INTERACTION_COLUMNS and inter.freeze_panes == "A2"
    rows = [dict(zip(header, [c.value for c in r])) for r in inter.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0]["nip"] == "198503122010011001"
    assert rows[0]["kind"] in ("Komentar", "Balasan", "Suka", "Bagikan ulang", "Kutipan", "Mengikuti")
    assert rows[0]["created_at"].endswith("+07:00") and rows[0]["observed_at"].endswith("+07:00")
    assert inter.auto_filter.ref == f"A1:M{len(rows) + 1}"


def test_interactions_xlsx_in_another_zone_and_language(db, tmp_path):
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    from pantau.wording import Wording
    import_interactions(db, GOOD)
    out = tmp_path / "i.xlsx"
    assert export_interactions(db, "xlsx", out, wording=Wording("en", ZoneInfo("Asia/Jayapura"))) == 6
    ws = load_workbook(out)["interactions"]
    header = [c.value for c in ws[1]]
    recs = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert {r["kind"] for r in recs} <= {"Comment", "Reply", "Like", "Repost", "Quote", "Follow"}
    assert all(r["observed_at"].endswith("+09:00") for r in recs)


def test_one_xlsx_writer_splits_long_sheets_and_never_writes_formulas(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from pantau import spreadsheet
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 4)
    out = tmp_path / "w.xlsx"
    with out.open("wb") as f:
        counts = spreadsheet.write_workbook(f, [spreadsheet.Sheet(
            "data", ["n", "text"], ([i, f"=SUM(A{i})\x0b"] for i in range(7)), frozenset({0}))])
    assert counts == {"data": 7}
    wb = load_workbook(out)
    assert wb.sheetnames == ["data", "data (2)", "data (3)"]
    cells = [c for ws in wb for c in ws.iter_rows(min_row=2)]
    assert [r[0].value for r in cells] == list(range(7))
    assert all(r[1].data_type == "s" and r[1].value.startswith("=SUM(") and "\x0b" not in r[1].value
               for r in cells)
