"""Issue #17 items 1-4, 13-15: hostile and broken input files, each reproduced against the real readers.

Every test here failed before its fix (see the issue for what was seen).
"""

from __future__ import annotations

import json
import time
import zipfile

import pytest

from pantau.errors import InputError
from pantau.importer import import_interactions
from pantau.roster import import_roster, read_roster
from pantau.watchlist import parse_file

NIPS = [f"1985{m:02d}{d:02d}2010011{k:03d}" for m in range(1, 13) for d in range(1, 29) for k in range(1, 4)]


def roster_csv(n: int, *, broken_row: int | None = None) -> str:
    """A roster of ``n`` employees; ``broken_row`` (file row, header = 1) opens a quote it never closes."""
    lines = ["nip,nama,unit_kerja,jabatan"]
    for i in range(n):
        name = f"Pegawai Nomor {i}"
        if broken_row is not None and i + 2 == broken_row:
            name = '"' + name
        lines.append(f"{NIPS[i]},{name},Dinas {i % 7},Staf")
    return "\n".join(lines) + "\n"


def active(db) -> int:
    return db.execute("SELECT count(*) FROM employees WHERE active=1").fetchone()[0]


# --- 1. an unclosed quote is an error on its row ----------------------------------------

def test_unclosed_quote_in_a_roster_is_an_error_on_its_row_the_rest_is_read(db, tmp_path):
    p = tmp_path / "pegawai.csv"
    p.write_text(roster_csv(1000), encoding="utf-8")
    assert import_roster(db, p, source="bkpsdm").inserted == 1000
    p.write_text(roster_csv(1000, broken_row=3), encoding="utf-8")
    r = import_roster(db, p, source="bkpsdm")
    assert [(e.row, "unbalanced quote" in e.reason) for e in r.rejected] == [(3, True)]
    assert r.accepted == 999 and r.stored
    assert r.deactivated == 1 and active(db) == 999
    assert db.execute("SELECT max(length(name)) FROM employees").fetchone()[0] < 40


def test_quoted_line_breaks_in_the_akun_column_are_still_one_row(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text('nip,nama,unit_kerja,jabatan,akun\n'
                 f'{NIPS[0]},Budi,Dinas,Staf,"@budi\nig:budi"\n{NIPS[1]},Ani,Dinas,Staf,\n', encoding="utf-8")
    emps, errors = read_roster(p)
    assert errors == [] and emps[0].handles == ["@budi", "ig:budi"] and emps[1].name == "Ani"


def test_a_reimport_deactivating_most_of_a_source_needs_force(pantau, workspace, tmp_path):
    p = tmp_path / "pegawai.csv"
    p.write_text(roster_csv(100), encoding="utf-8")
    assert pantau("roster", "import", str(p), "--source", "bkpsdm").returncode == 0
    p.write_text(roster_csv(10), encoding="utf-8")          # a cut-off export
    r = pantau("roster", "import", str(p), "--source", "bkpsdm")
    assert r.returncode == 1
    assert "would deactivate 90 of the 100 active employees" in r.stderr and "--force" in r.stderr
    assert r.stderr.count("error:") == 1
    from pantau.workspace import open_database, open_settings
    db = open_database(open_settings(workspace))
    assert active(db) == 100                                  # nothing stored
    r = pantau("roster", "import", str(p), "--source", "bkpsdm", "--force")
    assert r.returncode == 0, r.stderr
    assert active(db) == 10
    db.close()


def test_unclosed_quote_in_an_interaction_csv_loses_only_its_line(db, tmp_path):
    rows = ["platform,kind,target_account,actor_handle,post_id,text"]
    rows += [f"x,like,calon,user{i},p{i},teks {i}" for i in range(50)]
    rows[10] = 'x,comment,calon,user9,p9,"an unclosed comment'
    rows += ['x,comment,calon,multi,p99,"two\nlines"']
    p = tmp_path / "i.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = import_interactions(db, p)
    assert [e.row for e in r.rejected] == [11]
    assert r.accepted == 50
    texts = {t for (t,) in db.execute("SELECT text FROM interactions")}
    assert "two\nlines" in texts and not any(t and "\n" in t and "x,like" in t for t in texts)


# --- 2. the encoding is decided once per file ------------------------------------------

def _line(i: int, name: str = "Andrés Müller") -> bytes:
    return (json.dumps({"platform": "x", "kind": "like", "target_account": "calon", "actor_handle": f"u{i}",
                        "actor_name": name, "post_id": "p1"}, ensure_ascii=False) + "\n").encode()


@pytest.mark.parametrize("bad_at", [3, 15_001])
def test_one_stray_byte_in_a_utf8_jsonl_refuses_only_its_line(db, tmp_path, bad_at):
    body = b"".join(_line(i) if i != bad_at else _line(i, "CafX").replace(b"CafX", b"Caf\xe9")
                    for i in range(1, 16_001))
    p = tmp_path / "i.jsonl"
    p.write_bytes(body)
    r = import_interactions(db, p, parallel=False)
    assert [e.row for e in r.rejected] == [bad_at]
    assert "not utf-8 text" in r.rejected[0].reason
    assert r.accepted == 15_999
    names = {n for (n,) in db.execute("SELECT DISTINCT display_name FROM actors")}
    assert names == {"Andrés Müller"}                         # no mojibake (AndrÃ©s)


def test_a_cp1252_file_is_still_read_as_cp1252(db, tmp_path):
    p = tmp_path / "i.csv"
    p.write_bytes("platform,kind,target_account,actor_handle,actor_name,post_id\n"
                  "x,like,calon,u1,Andrés,p1\nx,like,calon,u2,José,p1\n".encode("cp1252"))
    r = import_interactions(db, p)
    assert r.rejected == [] and r.accepted == 2
    assert {n for (n,) in db.execute("SELECT display_name FROM actors")} == {"Andrés", "José"}


def test_a_stray_byte_in_a_roster_refuses_its_row_with_the_right_number(tmp_path):
    p = tmp_path / "r.csv"
    text = roster_csv(20).replace("Pegawai Nomor", "Pegawai Andrés")       # UTF-8 names throughout
    p.write_bytes(text.encode("utf-8").replace("Andrés 11,".encode(), b"Andr\xe9s 11,"))   # one cp1252 byte
    emps, errors = read_roster(p)
    assert [(e.row, "not utf-8 text" in e.reason) for e in errors] == [(13, True)]
    assert len(emps) == 19 and all("Andrés" in e.name for e in emps)


# --- 3. per-field limits, a huge cell is reported with its row --------------------------

def test_a_cell_over_the_csv_limit_rejects_its_row_only(db, tmp_path):
    rows = ["platform,kind,target_account,actor_handle,post_id,text"]
    rows += [f"x,comment,calon,user{i},p{i},teks" for i in range(5)]
    rows[3] = "x,comment,calon,user2,p2," + "a" * 300_000
    rows.append("x,comment,calon,huge,p9," + "b" * 9_000_000)
    p = tmp_path / "i.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = import_interactions(db, p)
    assert [(e.row, e.reason.split(" is ")[0]) for e in r.rejected][:1] == [(4, "field text")]
    assert [e.row for e in r.rejected] == [4, 7]
    assert r.accepted == 4


def test_roster_name_over_its_limit_is_refused_with_its_row(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(roster_csv(5).replace("Pegawai Nomor 2,", "X" * 5000 + ","), encoding="utf-8")
    emps, errors = read_roster(p)
    assert [(e.row, "nama is 5,000 characters" in e.reason) for e in errors] == [(4, True)]
    assert len(emps) == 4


# --- 4. control characters stopped at the door -----------------------------------------

def test_control_characters_are_stripped_from_names_and_refused_in_identifiers(db, tmp_path):
    lines = [
        {"platform": "x", "kind": "comment", "target_account": "calon", "actor_handle": "nul",
         "actor_name": "Bu\x00di\x1b[31m Santoso", "post_id": "p1", "text": "halo\x00\r\ndunia\x07"},
        {"platform": "x", "kind": "like", "target_account": "calon", "actor_handle": "u2",
         "actor_url": "https://x.com/u2\x00", "post_id": "p1"},
        {"platform": "x", "kind": "like", "target_account": "calon", "actor_handle": "u\x1b3", "post_id": "p1"},
        {"platform": "x", "kind": "like", "target_account": "calon", "actor_handle": "u\b4", "post_id": "p1"},
    ]
    p = tmp_path / "i.jsonl"
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    r = import_interactions(db, p)
    assert [(e.row, e.reason) for e in r.rejected] == [
        (2, "field actor_url contains a control character"), (3, "field actor_handle contains a control character"),
        (4, "field actor_handle contains a control character")]          # JSON's short escape \b
    name, = db.execute("SELECT display_name FROM actors").fetchone()
    assert name == "Budi[31m Santoso"
    text, = db.execute("SELECT text FROM interactions").fetchone()
    assert text == "halo\ndunia"


def test_roster_cells_lose_control_characters(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(f"nip,nama,unit_kerja,jabatan\n{NIPS[0]},Bu\x00di\x1b,Din\x07as,Staf\n", encoding="utf-8")
    emps, errors = read_roster(p)
    assert errors == [] and (emps[0].name, emps[0].unit) == ("Budi", "Dinas")


def test_watchlist_with_control_characters_is_an_error_naming_the_line(tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text('election: x\ncandidates:\n  - name: "Calon\\x1b[2J"\n    accounts:\n'
                 '      - platform: mastodon\n        handle: "@calon@m.example"\n'
                 '  - name: Calon Dua\n    accounts:\n'
                 '      - platform: mastodon\n        handle: "@dua\\x00@m.example"\n', encoding="utf-8")
    accounts, errors = parse_file(p)
    assert accounts == []
    assert any(e.startswith(f"{p}:3: name contains a control character") for e in errors), errors
    assert any(e.startswith(f"{p}:10: handle contains a control character") for e in errors), errors


def test_the_spider_pipeline_cleans_what_platforms_send(tmp_path):
    from scrapy.utils.test import get_crawler

    import storage
    from crawler.items import Batch
    from crawler.pipelines import StorePipeline
    from storage.records import Actor, Interaction

    class Spider:
        name = "x"
        _failed: set = set()

        def stats_for(self, account_id):
            return {"errors": 0, "message": None, "new_items": 0}

    db_path = tmp_path / "p.db"
    db = storage.open_db(db_path)
    db.execute("INSERT INTO accounts (platform, handle, display_handle, enabled, created_at, updated_at) "
               "VALUES ('mastodon', 'c@m.example', '@c@m.example', 1, 't', 't')")
    db.conn.commit()
    crawler = get_crawler(settings_dict={"PANTAU_DB_PATH": str(db_path)})
    crawler.spider = Spider()
    pipe = StorePipeline.from_crawler(crawler)
    pipe.open_spider()
    actor = Actor("mastodon", "1", "evil\x1b[2J", "Ev\x00il\x9b31m", "bio\x07", "https://m.example/@evil\x00", "1")
    it = Interaction("mastodon", "comment", "@c@m.example", actor, "p1", None, "i1", None, None,
                     "teks\x1b]0;title\x07", None, "{}", "crawl")
    batch = Batch(1, "mastodon", interactions=[it])
    pipe.process_item(batch)
    pipe.close_spider()
    row = db.execute("SELECT a.handle, a.display_name, a.bio, a.profile_url, i.text FROM interactions i "
                     "JOIN actors a ON a.id = i.actor_id").fetchone()
    assert tuple(row) == ("evil[2J", "Evil31m", "bio", "https://m.example/@evil", "teks]0;title")


# --- 13. one-line errors naming the file ------------------------------------------------

def test_broken_xlsx_sheet_xml_is_one_line_naming_the_file(tmp_path):
    from openpyxl import Workbook
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    wb.active.append(["nip", "nama", "unit_kerja", "jabatan"])
    for i in range(50):
        wb.active.append([NIPS[i], f"Pegawai {i}", "Dinas", "Staf"])
    wb.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]             # cut mid-element: "unclosed token"
            zout.writestr(item, data)
    with pytest.raises(InputError) as exc:
        read_roster(bad)
    msg = str(exc.value)
    assert msg.startswith(f"{bad}: the sheet 'Sheet' is damaged") and "\n" not in msg


def test_yaml_nested_ten_thousand_deep_is_one_line(pantau, workspace):
    (workspace / "watchlists" / "deep.yaml").write_text("candidates: " + "[" * 10_000 + "]" * 10_000 + "\n")
    r = pantau("watchlist", "validate")
    assert r.returncode == 1
    assert "deep.yaml" in r.stderr and "nested too deeply" in r.stderr
    assert "Traceback" not in r.stderr and "RecursionError" not in r.stderr


# --- 14. terminal escapes never reach the screen ----------------------------------------

def test_status_and_csv_to_stdout_show_no_escape_sequences(pantau, workspace, db):
    # stored before the door was shut (or written by another tool): shown and exported safely anyway
    db.execute("INSERT INTO accounts (platform, handle, display_handle, candidate, enabled, created_at, updated_at) "
               "VALUES ('mastodon', 'a\x1b[2J@m.example', '@a\x1b[2J@m.example', 'Calon\x1b]0;pwned\x07', 1, "
               "'2029-01-01T00:00:00Z', '2029-01-01T00:00:00Z')")
    db.execute("INSERT INTO actors (platform, actor_key, handle, display_name, first_seen, last_seen, changed_at) "
               "VALUES ('mastodon', 'k', 'h\x1b[31m', 'Nama\x1b[2J\x9b', 't', 't', 't')")
    db.execute("INSERT INTO interactions (account_id, actor_id, platform, kind, post_id, text, observed_at, "
               "natural_key, source) VALUES (1, 1, 'mastodon', 'comment', 'p', 'a\x1b[2Jb', "
               "'2029-01-01T00:00:00Z', 'nk', 'crawl')")
    db.conn.commit()
    for args in (("status",), ("export", "interactions", "--format", "csv"),
                 ("export", "interactions", "--format", "jsonl")):
        r = pantau(*args)
        assert r.returncode == 0, (args, r.stderr)
        assert "\x1b" not in r.stdout and "\x9b" not in r.stdout and "\x07" not in r.stdout, args
    assert "\\x1b" in pantau("status").stdout                    # shown, made visible


# --- 15. bounded time and memory ---------------------------------------------------------

def test_a_10_mb_watchlist_is_refused_quickly(tmp_path):
    p = tmp_path / "big.yaml"
    entry = "  - name: Calon {i}\n    accounts:\n      - platform: mastodon\n        handle: '@c{i}@m.example'\n"
    p.write_text("election: x\ncandidates:\n" + "".join(entry.format(i=i) for i in range(130_000)))
    assert p.stat().st_size > 10_000_000
    t0 = time.monotonic()
    accounts, errors = parse_file(p)
    assert time.monotonic() - t0 < 1.0
    assert accounts == [] and len(errors) == 1 and "at most 256 KiB" in errors[0]


def test_an_xlsx_cell_longer_than_excel_allows_is_refused_before_reading(tmp_path):
    from openpyxl import Workbook
    small, p = tmp_path / "small.xlsx", tmp_path / "r.xlsx"
    wb = Workbook()
    wb.active.append(["nip", "nama", "unit_kerja", "jabatan"])
    wb.active.append([NIPS[0], "MARKER", "Dinas", "Staf"])
    wb.save(small)
    # openpyxl itself cuts cells at Excel's limit when writing: make the hostile file by hand
    with zipfile.ZipFile(small) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item).replace(b"MARKER", b"x" * 2_000_000))
    t0 = time.monotonic()
    with pytest.raises(InputError, match="longer than Excel's 32,767-character cell limit"):
        read_roster(p)
    assert time.monotonic() - t0 < 2.0
