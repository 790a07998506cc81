"""`pantau roster import` through the real command in a child process."""

from __future__ import annotations

import sqlite3

from tests.conftest import FIXTURES

ROSTERS = FIXTURES / "rosters"


def rows(workspace, sql):
    con = sqlite3.connect(workspace / "data" / "pantau.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_good_roster_imports_and_exits_0(pantau, workspace):
    p = pantau("roster", "import", str(ROSTERS / "good.csv"))
    assert p.returncode == 0, p.stderr
    assert "3 rows, 3 accepted, 0 rejected; 3 new" in p.stdout
    assert rows(workspace, "SELECT count(*), min(source) FROM employees WHERE active=1") == [(3, "good.csv")]
    assert "198503122010011001" not in p.stdout + p.stderr


def test_bad_rows_each_reported_good_rows_stored_exit_1(pantau, workspace):
    p = pantau("roster", "import", str(ROSTERS / "bad_rows.csv"), "--source", "bkd")
    assert p.returncode == 1
    lines = [l for l in p.stderr.splitlines() if ":row " in l]
    assert len(lines) == 7
    assert any(":row 3: Excel stored the NIP as a number" in l and "as Text" in l for l in lines)
    assert p.stderr.strip().splitlines()[-1] == "error: 7 rows rejected; the 2 good rows were stored"
    assert "9 rows, 2 accepted, 7 rejected" in p.stdout
    assert rows(workspace, "SELECT count(*) FROM employees WHERE source='bkd'") == [(2,)]
    for full in ("198503122010011001", "199001012015012007"):
        assert full not in p.stdout + p.stderr


def test_strict_stores_nothing(pantau, workspace):
    p = pantau("roster", "import", str(ROSTERS / "bad_rows.csv"), "--strict")
    assert p.returncode == 1
    assert "nothing stored (--strict)" in p.stderr
    assert rows(workspace, "SELECT count(*) FROM employees") == [(0,)]


def test_missing_columns_and_empty_file_are_one_line_errors(pantau):
    p = pantau("roster", "import", str(ROSTERS / "missing_columns.csv"))
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "missing_columns.csv" in p.stderr
    assert "unit_kerja" in p.stderr and "jabatan" in p.stderr and "Traceback" not in p.stderr
    p = pantau("roster", "import", str(ROSTERS / "empty.csv"))
    assert p.returncode == 1 and "empty.csv" in p.stderr and "empty" in p.stderr
    p = pantau("roster", "import", "nope.csv")
    assert p.returncode == 1 and "no such file" in p.stderr


def test_xlsx_with_sheet_option(pantau, workspace, tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["ignore"])
    ws = wb.create_sheet("Data")
    ws.append(["NIP", "NAMA", "UNIT_KERJA", "JABATAN"])
    ws.append(["198503122010011001", "Budi", "Dinas A", "Staf"])
    ws.append([199001012015012002, "Siti", "Dinas B", "Staf"])
    path = tmp_path / "pegawai.xlsx"
    wb.save(path)
    p = pantau("roster", "import", str(path), "--sheet", "Data")
    assert p.returncode == 1
    assert "pegawai.xlsx:row 3: Excel stored the NIP as a number" in p.stderr
    assert rows(workspace, "SELECT nip, source FROM employees") == [("198503122010011001", "pegawai.xlsx")]


def test_reimport_deactivates_the_missing(pantau, workspace, tmp_path):
    f = tmp_path / "roster.csv"
    f.write_text("nip,nama,unit,jabatan\n198503122010011001,Budi,A,B\n199001012015012002,Siti,A,B\n")
    assert pantau("roster", "import", str(f)).returncode == 0
    f.write_text("nip,nama,unit,jabatan\n198503122010011001,Budi,A,B\n")
    p = pantau("roster", "import", str(f))
    assert p.returncode == 0 and "1 deactivated" in p.stdout
    assert rows(workspace, "SELECT nip, active FROM employees ORDER BY nip") == [
        ("198503122010011001", 1), ("199001012015012002", 0)]
    audit = rows(workspace, "SELECT detail FROM audit_log WHERE action='roster.import'")
    assert len(audit) == 2 and all("2010011001" not in d for (d,) in audit)


def test_excel_rounded_nip_refused_unknown_columns_named_common_headers_read(pantau, workspace, tmp_path):
    f = tmp_path / "simpeg.csv"
    f.write_text(
        "NO;NIP BARU;NAMA PEGAWAI;UNIT KERJA;JABATAN;AKUN MEDIA SOSIAL;KETERANGAN;TGL 198503122010011001\n"
        "1;198503122010011001;Budi Santoso;Dinas Pendidikan;Guru;ig:budi.s;;\n"
        "2;198503122010011000;Ani Rahma;Dinas Kesehatan;Bidan;;;\n"
        "3;199001012015012007;Siti Aminah;Dinas Kesehatan;Perawat;;cuti;\n", encoding="utf-8")
    p = pantau("roster", "import", str(f))
    assert p.returncode == 1
    assert (f"{f}:row 3: Excel stored the NIP as a number and lost digits: format the NIP column as Text "
            "and export the file again") in p.stderr.splitlines()
    assert "3 rows, 2 accepted, 1 rejected" in p.stdout
    assert (f"{f}: columns not read (Pantau does not know them): NO, KETERANGAN, TGL **************1001"
            in p.stdout.splitlines())
    assert rows(workspace, "SELECT nip, name, unit, position, handles FROM employees ORDER BY nip") == [
        ("198503122010011001", "Budi Santoso", "Dinas Pendidikan", "Guru", '["ig:budi.s"]'),
        ("199001012015012007", "Siti Aminah", "Dinas Kesehatan", "Perawat", "[]")]
    assert "198503122010011000" not in p.stdout + p.stderr
    audit = rows(workspace, "SELECT detail FROM audit_log WHERE action='roster.import'")[0][0]
    assert '"unknown_columns":["NO","KETERANGAN","TGL **************1001"]' in audit
