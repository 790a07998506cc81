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

import pytest

import storage
from pantau.errors import UsageError
from pantau.export import csv_safe, export, export_interactions, export_matches
from pantau.importer import import_interactions
from pantau.tabular import csv_unguard
from storage.queries import interactions as iq
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
