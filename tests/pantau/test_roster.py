"""The roster reader and importer against real files and a real database."""

from __future__ import annotations

import json

import pytest

import storage
from pantau.errors import InputError
from pantau.matching import normalize
from pantau.roster import import_roster, parse_nip, read_roster
from tests.conftest import FIXTURES

ROSTERS = FIXTURES / "rosters"
HEADER = "nip,nama,unit_kerja,jabatan\n"


@pytest.fixture
def db(tmp_path):
    d = storage.open_db(tmp_path / "data" / "p.db")
    yield d
    d.close()


def employees(db) -> dict[str, dict]:
    return {r["nip"]: r for r in db.query("SELECT * FROM employees")}


def test_good_csv_is_read_with_normalised_names_titles_handles_and_birth_dates():
    emps, errors = read_roster(ROSTERS / "good.csv")
    assert errors == []
    by = {e.nip: e for e in emps}
    assert set(by) == {"198503122010011001", "199001012015012002", "197712312005011003"}
    budi = by["198503122010011001"]
    assert budi.name == "Drs. Budi Santoso, M.Si."
    norm = normalize.normalise(budi.name)
    assert (budi.name_norm, budi.titles, budi.norm_version) == (norm.text, norm.titles, normalize.VERSION)
    assert "budi santoso" in budi.name_norm and "Drs." in budi.titles
    assert budi.handles == ["@budisantoso", "budi.bsky.social"]
    assert budi.birth_date == "1985-03-12"
    assert by["199001012015012002"].birth_date == "1990-01-01"   # spaced form normalised
    assert by["197712312005011003"].unit == "Inspektorat"


@pytest.mark.parametrize("value, ok", [
    ("198503122010011001", True),
    ("19850312 201001 1 001", True),
    (" 19850312  201001 1 001 ", True),
    ("'198503122010011001", True),                 # Excel's text prefix
    ('="198503122010011001"', True),               # the ="..." text trick of some exports
    ("\u200b198503122010011001", True),            # a zero-width space copied from a web page
    ("NIP. 19850312 201001 1 001", True),          # copied with its label from a letter
    ("19850312-201001-1-001", True),               # dashes between the groups
    ("\uff11\uff19\uff18\uff15\uff10\uff13\uff11\uff12\uff12\uff10\uff11\uff10\uff10\uff11\uff11\uff10\uff10\uff11", True),  # full-width digits
    ("19850312--", False),
    ("1.98503E+17", False),
    ("1,98503E+17", False),                        # Indonesian-locale Excel
    ("198503122010011001.0", False),
    (198503122010011001, False),                   # a number cell
    (1.98503122010011e17, False),
    ("19850312201001100", False),                  # 17 digits
    ("1985031220100110011", False),                # 19 digits
    ("198502302010011001", False),                 # 30 February
    ("000003122010011001", False),
    ("19850312201001100x", False),
    ("", False),
    (None, False),
])
def test_parse_nip(value, ok):
    nip, reason = parse_nip(value)
    assert (nip is not None) == ok, reason
    if ok:
        assert nip == "198503122010011001"
    else:
        assert reason and "198503122010011001" not in reason


def test_excel_number_nips_say_to_format_the_column_as_text():
    for v in ("1.98503E+17", 198503122010011001, 1.98e17, "19850312201001100"):
        assert "as Text" in parse_nip(v)[1], v


def test_bad_rows_are_reported_by_row_number_and_good_rows_kept(db):
    emps, errors = read_roster(ROSTERS / "bad_rows.csv")
    assert sorted(e.nip for e in emps) == ["198503122010011001", "199001012015012007"]
    rows = {e.row: e.reason for e in errors}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9]
    assert "as Text" in rows[3]
    assert "17 digits" in rows[4]
    assert "birth date" in rows[5]
    assert "18 digits" in rows[6]
    assert "repeats row 2" in rows[7]
    assert "name is empty" in rows[8]
    assert "NIP is empty" in rows[9]
    for e in errors:
        assert str(e).startswith(f"{ROSTERS / 'bad_rows.csv'}:row {e.row}: ")
        assert "2010011001" not in str(e)          # never a whole NIP
    rep = import_roster(db, ROSTERS / "bad_rows.csv")
    assert rep.stored and rep.accepted == 2 and len(rep.rejected) == 7 and rep.rows == 9
    assert employees(db)["198503122010011001"]["name"] == "Budi Santoso"    # first row wins


def test_strict_stores_nothing_when_a_row_is_bad(db):
    rep = import_roster(db, ROSTERS / "bad_rows.csv", strict=True)
    assert not rep.stored and len(rep.rejected) == 7
    assert db["employees"].count == 0
    audit = list(db.query("SELECT * FROM audit_log WHERE action='roster.import'"))
    assert len(audit) == 1 and json.loads(audit[0]["detail"])["stored"] is False


def test_missing_columns_is_one_error_naming_file_and_columns():
    with pytest.raises(InputError) as exc:
        read_roster(ROSTERS / "missing_columns.csv")
    msg = str(exc.value)
    assert "missing_columns.csv" in msg and "unit_kerja" in msg and "jabatan" in msg
    assert "nama" not in msg.split("missing required columns:")[1].split("(header")[0]


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv"])
def test_empty_files_are_a_clear_error(name):
    with pytest.raises(InputError, match=f"{name}.*(empty|no employee rows)"):
        read_roster(ROSTERS / name)


def test_semicolon_and_tab_separated_files_with_other_header_spellings():
    emps, errors = read_roster(ROSTERS / "semicolon.csv")
    assert errors == [] and len(emps) == 2
    assert emps[0].name == "Drs. Budi Santoso, M.Si." and emps[0].handles == ["@budi", "budi.bsky.social"]
    emps, errors = read_roster(ROSTERS / "tab.csv")
    assert errors == [] and [e.unit for e in emps] == ["Dinas A"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_excel_writes(tmp_path, encoding):
    text = HEADER + "198503122010011001,\"Sutédjo Wiryawan, S.Pd.\",Dinas Pendidikan,Guru Ahli Muda\r\n"
    path = tmp_path / f"r-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    emps, errors = read_roster(path)
    assert errors == []
    assert emps[0].name == "Sutédjo Wiryawan, S.Pd."
    assert emps[0].name_norm == normalize.normalise("Sutédjo Wiryawan, S.Pd.").text
    assert "e" in emps[0].name_norm.split()[0]          # the accent folded, not lost


def test_xlsx_first_sheet_or_named_sheet_and_number_cells_rejected(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Lainnya"
    ws.append(["nothing here"])
    ws2 = wb.create_sheet("Pegawai")
    ws2.append(["Daftar pegawai 2029"])                      # a title row above the header
    ws2.append(["NIP", "Nama", "Unit Kerja", "Jabatan", "Akun"])
    ws2.append(["198503122010011001", "Budi Santoso", "Dinas A", "Kepala", "@budi;@budi2"])
    ws2.append([198503122010011002, "Number Cell", "Dinas A", "Staf", None])
    ws2.append(["19900101 201501 2 003", "Siti", 101, "Staf", None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    # the first sheet has no roster (a cover page): the first sheet with one is read
    assert [e.nip for e in read_roster(path)[0]] == ["198503122010011001", "199001012015012003"]
    emps, errors = read_roster(path, sheet="pegawai")         # the sheet's name in any case
    assert [e.nip for e in emps] == ["198503122010011001", "199001012015012003"]
    assert emps[0].handles == ["@budi", "@budi2"] and emps[1].unit == "101"
    assert [(e.row, "as Text" in e.reason) for e in errors] == [(4, True)]
    with pytest.raises(InputError, match="no sheet named 'Nope'.*Pegawai"):
        read_roster(path, sheet="Nope")
    del wb["Pegawai"]
    wb.create_sheet("Ringkasan").append(["Jumlah", 3])
    wb.save(path)
    with pytest.raises(InputError, match=r"no sheet has a header row.*sheets: Lainnya, Ringkasan"):
        read_roster(path)


def test_xlsx_roster_on_the_first_sheet(tmp_path, db):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["nip", "name", "unit", "position"])
    wb.active.append(["198503122010011001", "Budi", "A", "B"])
    wb.save(tmp_path / "r.xlsx")
    rep = import_roster(db, tmp_path / "r.xlsx")
    assert (rep.inserted, rep.source) == (1, "r.xlsx")


def test_reimport_upserts_and_deactivates_the_missing_of_that_source_only(tmp_path, db):
    a = tmp_path / "a.csv"
    a.write_text(HEADER + "198503122010011001,Budi,Dinas A,Staf\n199001012015012002,Siti,Dinas B,Staf\n"
                 "197712312005011003,Agus,Dinas C,Staf\n")
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "196001012000011004,Wati,Dinas D,Staf\n")
    rep = import_roster(db, a, source="bkd")
    assert (rep.inserted, rep.updated, rep.unchanged, rep.deactivated) == (3, 0, 0, 0)
    import_roster(db, other)
    rep = import_roster(db, a, source="bkd")
    assert (rep.inserted, rep.updated, rep.unchanged, rep.deactivated) == (0, 0, 3, 0)
    a.write_text(HEADER + "198503122010011001,Budi Santoso,Dinas A,Kepala\n199001012015012002,Siti,Dinas B,Staf\n")
    rep = import_roster(db, a, source="bkd")
    assert (rep.inserted, rep.updated, rep.unchanged, rep.deactivated) == (0, 1, 1, 1)
    e = employees(db)
    assert e["197712312005011003"]["active"] == 0                # kept, not deleted
    assert e["196001012000011004"]["active"] == 1                # another source: untouched
    assert e["198503122010011001"]["name"] == "Budi Santoso"
    assert e["198503122010011001"]["source"] == "bkd"
    a.write_text(HEADER + "198503122010011001,Budi Santoso,Dinas A,Kepala\n199001012015012002,Siti,Dinas B,Staf\n"
                 "197712312005011003,Agus,Dinas C,Staf\n")
    rep = import_roster(db, a, source="bkd")
    assert (rep.inserted, rep.updated, rep.deactivated) == (0, 1, 0)     # reactivated
    assert employees(db)["197712312005011003"]["active"] == 1


def test_a_row_rejected_for_its_name_does_not_deactivate_that_employee(tmp_path, db):
    a = tmp_path / "a.csv"
    a.write_text(HEADER + "198503122010011001,Budi,Dinas A,Staf\n199001012015012002,Siti,Dinas B,Staf\n")
    import_roster(db, a)
    a.write_text(HEADER + "198503122010011001,Budi,Dinas A,Staf\n199001012015012002,,Dinas B,Staf\n")
    rep = import_roster(db, a)
    assert len(rep.rejected) == 1 and rep.deactivated == 0
    assert employees(db)["199001012015012002"]["active"] == 1


def test_a_file_with_no_good_row_stores_nothing(tmp_path, db):
    a = tmp_path / "a.csv"
    a.write_text(HEADER + "198503122010011001,Budi,Dinas A,Staf\n")
    import_roster(db, a)
    a.write_text(HEADER + "1.98503E+17,Budi,Dinas A,Staf\n")
    rep = import_roster(db, a)
    assert not rep.stored and rep.deactivated == 0
    assert employees(db)["198503122010011001"]["active"] == 1


def test_audit_row_has_counts_and_no_nip(db):
    import_roster(db, ROSTERS / "bad_rows.csv")
    row = db.execute("SELECT detail FROM audit_log WHERE action='roster.import'").fetchone()
    detail = json.loads(row[0])
    assert detail["accepted"] == 2 and detail["rejected"] == 7 and detail["inserted"] == 2
    assert "2010011001" not in row[0]


def test_unquoted_separator_inside_a_value_is_rejected_not_shifted(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(HEADER + "198503122010011001,Budi Santoso, S.Pd.,Dinas A,Staf\n")
    emps, errors = read_roster(p)
    assert emps == [] and "5 cells but the header has 4" in errors[0].reason


def test_renormalise_accepts_the_normaliser_result(db, tmp_path):
    from storage.queries import employees as eq
    a = tmp_path / "a.csv"
    a.write_text(HEADER + "198503122010011001,\"Drs. Budi, M.Si.\",Dinas A,Staf\n")
    import_roster(db, a)
    db.execute("UPDATE employees SET norm_version='old', name_norm='x'")
    db.conn.commit()
    assert eq.renormalise(db, normalize.normalise, normalize.VERSION) == 1
    r = employees(db)["198503122010011001"]
    assert r["name_norm"] == normalize.normalise("Drs. Budi, M.Si.").text and r["norm_version"] == normalize.VERSION


def test_a_file_without_header_is_refused_without_echoing_its_rows(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("198503122010011001,Budi Santoso,Dinas A,Staf\n199001012015012002,Siti,Dinas B,Staf\n")
    with pytest.raises(InputError) as exc:
        read_roster(p)
    msg = str(exc.value)
    assert "no header row" in msg and "r.csv" in msg
    assert "2010011001" not in msg and "Budi" not in msg


def test_optional_rank_grade_and_agency_columns(tmp_path, db):
    """``pangkat``, ``golongan`` and ``instansi`` are kept for the case report; a change counts as an update."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["NIP", "Nama", "Unit Kerja", "Jabatan", "Pangkat", "Golongan", "Instansi"])
    wb.active.append(["198503122010011001", "Budi", "Dinas A", "Staf", "Penata Muda", "III/a", "Pemkot Contoh"])
    wb.active.append(["199001012015012002", "Siti", "Dinas B", "Staf", None, None, None])
    wb.save(tmp_path / "r.xlsx")
    assert import_roster(db, tmp_path / "r.xlsx").inserted == 2
    e = employees(db)
    assert (e["198503122010011001"]["rank"], e["198503122010011001"]["grade"],
            e["198503122010011001"]["agency"]) == ("Penata Muda", "III/a", "Pemkot Contoh")
    assert e["199001012015012002"]["rank"] is None
    csv_file = tmp_path / "r.csv"
    csv_file.write_text("nip;nama;unit;jabatan;pangkat;golongan;instansi\n"
                        "198503122010011001;Budi;Dinas A;Staf;Penata Muda Tk. I;III/b;Pemkot Contoh\n")
    rep = import_roster(db, csv_file, source="r.xlsx")
    assert (rep.updated, rep.deactivated) == (1, 1)
    assert employees(db)["198503122010011001"]["grade"] == "III/b"


def test_title_columns_of_siasn_style_exports_are_titles(tmp_path, db):
    """``gelar_depan`` and ``gelar_belakang`` (titles kept apart from the name) are titles of the
    employee, kept when a newer normaliser reads the names again."""
    f = tmp_path / "siasn.csv"
    f.write_text("NIP;GELAR DEPAN;NAMA;GELAR BELAKANG;UNIT KERJA;JABATAN\n"
                 "198503122010011001;Drs. H.;BUDI SANTOSO;M.Pd., S.Kom;Dinas A;Guru\n"
                 "199001012015012002;NULL;SITI AMINAH;S. Pd.;Dinas B;Guru\n")
    emps, errors = read_roster(f)
    assert errors == []
    assert emps[0].name == "BUDI SANTOSO" and emps[0].titles == ["Drs.", "H.", "M.Pd.", "S.Kom"]
    assert emps[1].titles == ["S. Pd."]          # one title, however spaced; NULL is none
    rep = import_roster(db, f)
    assert rep.inserted == 2 and not rep.unknown_columns
    from storage.queries.employees import renormalise
    db.conn.execute("UPDATE employees SET norm_version = 'old'")
    assert renormalise(db, normalize.normalise, normalize.VERSION) == 2
    assert json.loads(employees(db)["198503122010011001"]["titles"]) == ["Drs.", "H.", "M.Pd.", "S.Kom"]
    db.conn.execute("UPDATE employees SET norm_version = 'old', titles = 'null'")
    assert renormalise(db, normalize.normalise, normalize.VERSION) == 2     # a null list is none
