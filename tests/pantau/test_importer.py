"""The interaction importer against real files and a real database."""

from __future__ import annotations

import json

import pytest

import storage
from pantau.errors import InputError
from pantau.importer import import_interactions
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"


@pytest.fixture
def db(tmp_path):
    d = storage.open_db(tmp_path / "data" / "p.db")
    yield d
    d.close()


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_good_jsonl_is_stored_with_actors_and_imported_accounts(db):
    r = import_interactions(db, IMPORTS / "good.jsonl")
    assert (r.lines, r.accepted, r.rejected, r.stored) == (6, 6, [], True)
    assert (r.new_interactions, r.new_actors) == (6, 6)
    assert count(db, "interactions") == 6
    acc = {(a["platform"], a["handle"]): a for a in db.query("SELECT * FROM accounts")}
    assert set(acc) == {("instagram", "calonsatu"), ("tiktok", "calonsatu"), ("x", "calonsatu"),
                        ("facebook", "calon.satu")}
    assert all(a["origin"] == "import" and a["enabled"] == 0 for a in acc.values())
    actors = {a["actor_key"]: a for a in db.query("SELECT * FROM actors")}
    assert actors["siti_r"]["handle"] == "@Siti_R"                       # key from the handle
    assert actors["6900000000000000001"]["handle"] == "agus.s"           # key from actor_id
    assert actors["eko"]["display_name"] == "<script>alert(1)</script>"  # stored as written
    i = db.execute("SELECT kind, text, source, raw, run_id FROM interactions WHERE interaction_id='c-1001'").fetchone()
    assert i[0] == "comment" and i[1] == "Mantap pak, lanjutkan!" and i[2] == "import"
    assert json.loads(i[3])["actor_handle"] == "budi.santoso85" and i[4] == r.run_id
    run = db.execute("SELECT kind, status FROM runs WHERE id=?", [r.run_id]).fetchone()
    assert run == ("import", "ok")


def test_importing_the_same_file_twice_adds_nothing(db):
    import_interactions(db, IMPORTS / "good.jsonl")
    before = [count(db, t) for t in ("interactions", "actors", "accounts")]
    r = import_interactions(db, IMPORTS / "good.jsonl")
    assert (r.accepted, r.new_interactions, r.new_actors) == (6, 0, 0)
    assert [count(db, t) for t in ("interactions", "actors", "accounts")] == before


def test_bad_lines_are_reported_with_line_number_and_reason(db):
    r = import_interactions(db, IMPORTS / "bad_lines.jsonl")
    reasons = {e.row: e.reason for e in r.rejected}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8]
    assert reasons[2].startswith("malformed JSON")
    assert "unknown platform 'myspace'" in reasons[3]
    assert "unknown kind 'poke'" in reasons[4]
    assert reasons[5] == "missing required field actor_handle"
    assert "created_at 'kemarin'" in reasons[6]
    assert reasons[7] == "not a JSON object"
    assert "needs post_id or post_url" in reasons[8]
    assert str(r.rejected[0]) == f"{IMPORTS / 'bad_lines.jsonl'}:line 2: {reasons[2]}"
    assert (r.lines, r.accepted, r.rejected_total, r.new_interactions) == (9, 2, 7, 2)
    assert count(db, "interactions") == 2
    assert db.execute("SELECT status FROM runs WHERE id=?", [r.run_id]).fetchone()[0] == "partial"


def test_strict_stores_nothing(db):
    r = import_interactions(db, IMPORTS / "bad_lines.jsonl", strict=True)
    assert not r.stored and r.rejected_total == 7
    assert count(db, "interactions") == 0 and count(db, "actors") == 0
    r = import_interactions(db, IMPORTS / "good.jsonl", strict=True)
    assert r.stored and r.new_interactions == 6


def test_csv_with_semicolons_and_formula_guard(db):
    r = import_interactions(db, IMPORTS / "good.csv")
    assert (r.accepted, r.rejected) == (3, [])
    texts = {t for (t,) in db.execute("SELECT text FROM interactions")}
    assert texts == {"Mantap; lanjutkan", None, "=1+1"}


def test_csv_missing_columns_is_one_error(tmp_path, db):
    p = tmp_path / "x.csv"
    p.write_text("platform,kind,actor_handle\nx,like,budi\n")
    with pytest.raises(InputError, match="x.csv: missing required columns: target_account"):
        import_interactions(db, p)


def test_csv_in_utf16_and_cp1252(tmp_path, db):
    text = "platform,kind,target_account,actor_handle,actor_name,post_id\r\nx,like,calon,budi,Sutédjo,p1\r\n"
    for enc in ("utf-16", "cp1252", "utf-8-sig"):
        p = tmp_path / f"i-{enc}.csv"
        p.write_bytes(text.encode(enc))
        r = import_interactions(db, p)
        assert r.rejected == [], enc
    assert db.execute("SELECT display_name FROM actors").fetchone()[0] == "Sutédjo"
    assert count(db, "interactions") == 1


def test_comment_without_id_is_keyed_by_its_content(tmp_path, db):
    p = tmp_path / "c.jsonl"
    base = {"platform": "x", "kind": "comment", "target_account": "calon", "actor_handle": "budi", "post_id": "1",
            "created_at": "2029-01-01T00:00:00Z"}
    p.write_text("\n".join(json.dumps({**base, "text": t}) for t in ("halo", "halo", "halo lagi")) + "\n")
    r = import_interactions(db, p)
    assert (r.accepted, r.new_interactions) == (3, 2)


def test_empty_and_unknown_files(tmp_path, db):
    (tmp_path / "e.jsonl").write_text("\n\n")
    with pytest.raises(InputError, match="no interaction lines"):
        import_interactions(db, tmp_path / "e.jsonl")
    (tmp_path / "e.xml").write_text("<a/>")
    with pytest.raises(InputError, match="unknown format"):
        import_interactions(db, tmp_path / "e.xml")
    with pytest.raises(InputError, match="no such file"):
        import_interactions(db, tmp_path / "missing.jsonl")


def test_lines_spanning_several_batches_and_accounts(tmp_path, db, monkeypatch):
    import pantau.importer as imp
    monkeypatch.setattr(imp, "BATCH", 7)
    p = tmp_path / "many.jsonl"
    with p.open("w") as f:
        for i in range(100):
            f.write(json.dumps({"platform": "x", "kind": "like", "target_account": f"calon{i % 3}",
                                "actor_handle": f"user{i % 11}", "post_id": f"p{i % 17}"}) + "\n")
        f.write("{oops\n")
    r = import_interactions(db, p)
    distinct = len({(i % 3, i % 11, i % 17) for i in range(100)})
    assert (r.lines, r.accepted, r.rejected_total) == (101, 100, 1)
    assert r.new_interactions == count(db, "interactions") == len({(i % 11, i % 17) for i in range(100)})
    assert r.new_actors == 11 and distinct >= r.new_interactions
    r2 = import_interactions(db, p)
    assert r2.new_interactions == 0


def test_audit_row(db):
    r = import_interactions(db, IMPORTS / "good.jsonl")
    d = json.loads(db.execute("SELECT detail FROM audit_log WHERE action='import'").fetchone()[0])
    assert d["file"] == "good.jsonl" and d["new_interactions"] == 6 and d["accepted"] == r.accepted


def _snapshot(db):
    return [tuple(r) for r in db.execute(
        "SELECT i.platform, i.natural_key, i.kind, a.actor_key, a.display_name, c.handle, i.text, i.raw "
        "FROM interactions i JOIN actors a ON a.id=i.actor_id JOIN accounts c ON c.id=i.account_id "
        "ORDER BY i.platform, i.natural_key")]


@pytest.mark.parametrize("name", ["good.jsonl", "bad_lines.jsonl", "good.csv"])
def test_parsing_in_a_second_process_stores_exactly_what_one_process_does(tmp_path, name):
    """The parallel path (big files) and the in-process path (small ones) are one importer."""
    reports, snaps = [], []
    for parallel in (False, True):
        d = storage.open_db(tmp_path / f"{parallel}" / "p.db")
        r = import_interactions(d, IMPORTS / name, parallel=parallel)
        reports.append((r.lines, r.accepted, r.rejected_total, [str(e) for e in r.rejected],
                        r.new_interactions, r.new_actors))
        snaps.append(_snapshot(d))
        d.close()
    assert reports[0] == reports[1]
    assert snaps[0] == snaps[1] and snaps[0]


def test_an_error_in_the_parsing_process_reaches_the_user_as_one_line(tmp_path, db):
    p = tmp_path / "x.csv"
    p.write_text("platform,kind,actor_handle\nx,like,budi\n")
    with pytest.raises(InputError, match="x.csv: missing required columns: target_account"):
        import_interactions(db, p, parallel=True)
    bad = tmp_path / "mixed.jsonl"
    line = json.dumps({"platform": "x", "kind": "like", "target_account": "c", "actor_handle": "b", "post_id": "1"})
    # UTF-8 for longer than the encoding sample, then bytes that are not: a mixed file
    n = (1 << 20) // len(line) + 1
    bad.write_bytes((line + "\n").encode() * n + b'{"platform": "x\xff\xfe"}\n')
    # issue #17.2: the file is UTF-8; the one line that is not is refused with its true number
    r = import_interactions(db, bad, parallel=True)
    assert [(e.row, e.reason[:19]) for e in r.rejected] == [(n + 1, "not utf-8 text like")]
    assert r.accepted == n
    assert db.execute("SELECT status FROM runs ORDER BY id DESC").fetchone()[0] == "partial"


def test_a_target_account_written_as_its_profile_url_lands_on_the_handle(db, tmp_path):
    lines = [
        {"platform": "instagram", "kind": "comment", "target_account": "https://www.instagram.com/calonsatu/",
         "actor_handle": "budi", "post_id": "p1", "interaction_id": "c1"},
        {"platform": "x", "kind": "like", "target_account": "x.com/calonsatu", "actor_handle": "siti",
         "post_id": "t1"},
        {"platform": "x", "kind": "like", "target_account": "https://www.instagram.com/calonsatu/",
         "actor_handle": "eko", "post_id": "t1"},
    ]
    f = tmp_path / "urls.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    r = import_interactions(db, f)
    assert r.accepted == 2 and [e.row for e in r.rejected] == [3]
    assert "profile on instagram, not on x" in r.rejected[0].reason
    assert {(a["platform"], a["handle"]) for a in db.query("SELECT * FROM accounts")} == {
        ("instagram", "calonsatu"), ("x", "calonsatu")}


def test_a_run_of_digits_is_not_a_time(db, tmp_path):
    """Python reads ISO's basic form too: a NIP put in the created_at column must not become 1985."""
    f = tmp_path / "salah-kolom.jsonl"
    f.write_text(json.dumps({"platform": "x", "kind": "like", "target_account": "calonsatu", "actor_handle": "budi",
                             "post_id": "t1", "created_at": "198503122010011001"}) + "\n")
    r = import_interactions(db, f)
    assert r.accepted == 0 and "is not an ISO 8601 date-time" in r.rejected[0].reason
    assert "198503122010011001" not in r.rejected[0].reason
