"""`pantau import` and `pantau export` through the real command, including a SIGKILL mid-import."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from pantau.workspace import create_workspace
from tests.conftest import FIXTURES, LOOPBACK_CONFIG, run_pantau

IMPORTS = FIXTURES / "imports"


def q(workspace: Path, sql: str):
    con = sqlite3.connect(workspace / "data" / "pantau.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_import_good_file_twice(pantau, workspace):
    p = pantau("import", str(IMPORTS / "good.jsonl"))
    assert p.returncode == 0, p.stderr
    assert "6 lines, 6 accepted, 0 rejected; 6 new interactions, 6 new actors" in p.stdout
    p = pantau("import", str(IMPORTS / "good.jsonl"))
    assert p.returncode == 0 and "0 new interactions, 0 new actors" in p.stdout
    assert q(workspace, "SELECT count(*) FROM interactions") == [(6,)]


def test_import_bad_lines_exit_1_and_each_line_reported(pantau, workspace):
    p = pantau("import", str(IMPORTS / "bad_lines.jsonl"))
    assert p.returncode == 1
    bad = [l for l in p.stderr.splitlines() if ":line " in l]
    assert [int(l.split(":line ")[1].split(":")[0]) for l in bad] == [2, 3, 4, 5, 6, 7, 8]
    assert "bad_lines.jsonl:line 2: malformed JSON" in p.stderr
    assert "bad_lines.jsonl:line 3: unknown platform 'myspace'" in p.stderr
    assert p.stderr.strip().splitlines()[-1] == "error: 7 lines rejected; the 2 good lines were stored"
    assert q(workspace, "SELECT count(*) FROM interactions") == [(2,)]


def test_import_strict(pantau, workspace):
    p = pantau("import", "--strict", str(IMPORTS / "bad_lines.jsonl"))
    assert p.returncode == 1 and "nothing stored (--strict)" in p.stderr
    assert q(workspace, "SELECT count(*) FROM interactions") == [(0,)]


def test_export_usage_errors_exit_2(pantau):
    assert pantau("export", "people").returncode == 2
    assert pantau("export", "matches", "--format", "pdf").returncode == 2
    assert pantau("export", "matches", "--status", "maybe").returncode == 2
    p = pantau("export", "matches", "--format", "xlsx")
    assert p.returncode == 2 and "--out" in p.stderr


def test_export_to_stdout_and_private_file_under_data(pantau, workspace):
    assert pantau("import", str(IMPORTS / "good.jsonl")).returncode == 0
    p = pantau("export", "interactions")
    assert p.returncode == 0
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert rows[0][:4] == ["platform", "kind", "target_account", "actor_handle"] and len(rows) == 7
    assert any(r[10].startswith("'=HYPERLINK") for r in rows)
    p = pantau("export", "interactions", "--format", "xlsx", "--out", "data/i.xlsx")
    assert p.returncode == 0, p.stderr
    assert oct(os.stat(workspace / "data" / "i.xlsx").st_mode & 0o777) == "0o600"
    p = pantau("export", "matches", "--format", "jsonl", "--status", "confirmed", "--out", "data/m.jsonl")
    assert p.returncode == 0 and (workspace / "data" / "m.jsonl").read_text() == ""
    actions = [a for (a,) in q(workspace, "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("export") == 3


def test_export_import_round_trip_through_the_cli(pantau, workspace, tmp_path):
    assert pantau("import", str(IMPORTS / "good.jsonl")).returncode == 0
    assert pantau("export", "interactions", "--out", str(tmp_path / "e1.csv")).returncode == 0
    other = create_workspace(tmp_path / "other")
    (other / "watchlists" / "example.yaml").unlink()     # no watched accounts, as in the first one
    (other / "pantau.toml").write_text(LOOPBACK_CONFIG)
    p = run_pantau("import", str(tmp_path / "e1.csv"), cwd=other)
    assert p.returncode == 0, p.stderr
    assert run_pantau("export", "interactions", "--out", str(tmp_path / "e2.csv"), cwd=other).returncode == 0
    def strip(path):
        return [r[:13] for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))]
    one, two = strip(tmp_path / "e1.csv"), strip(tmp_path / "e2.csv")
    assert len(one) == 7 and one == two


def _big_file(path: Path, n: int) -> None:
    with path.open("w") as f:
        for i in range(n):
            kind = ("like", "comment", "follow", "repost")[i % 4]
            rec = {"platform": ("x", "instagram")[i % 2], "kind": kind, "target_account": f"calon{i % 7}",
                   "actor_handle": f"user{i % 9973}", "actor_name": f"Pengguna {i % 9973}"}
            if kind != "follow":
                rec["post_id"] = f"p{i % 501}"
            if kind == "comment":
                rec["text"] = f"komentar nomor {i}"
                if i % 3:
                    rec["interaction_id"] = f"c{i}"
            f.write(json.dumps(rec) + "\n")


def test_sigkill_mid_import_leaves_a_consistent_db_and_rerun_completes(workspace, tmp_path):
    big = tmp_path / "big.jsonl"
    _big_file(big, 120_000)
    # a clean import in another workspace gives the expected counts
    clean = create_workspace(tmp_path / "clean")
    (clean / "watchlists" / "example.yaml").unlink()     # as in ``workspace`` (import syncs watchlists)
    assert run_pantau("import", str(big), cwd=clean).returncode == 0
    expected = q(clean, "SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM actors), "
                        "(SELECT count(*) FROM accounts)")[0]

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PANTAU_WORKSPACE", None)
    child = subprocess.Popen([sys.executable, "-m", "pantau", "import", str(big)], cwd=workspace, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = workspace / "data" / "pantau.db"
    deadline = time.monotonic() + 120
    seen = 0
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if db.exists():
                try:
                    seen = q(workspace, "SELECT count(*) FROM interactions")[0][0]
                except sqlite3.OperationalError:
                    seen = 0
                if seen >= 10_000:
                    break
            time.sleep(0.02)
        assert child.poll() is None, "the import finished before it could be killed; make the file bigger"
        parsers = psutil.Process(child.pid).children(recursive=True)
        assert parsers, "a file this big is parsed in a second process"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        # the orphaned parsing process notices and exits instead of lingering
        gone, alive = psutil.wait_procs(parsers, timeout=15)
        assert not alive
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert q(workspace, "PRAGMA integrity_check") == [("ok",)]
    stored = q(workspace, "SELECT count(*) FROM interactions")[0][0]
    assert 10_000 <= stored < expected[0]
    # nothing half-written: every stored interaction has its actor and account
    assert q(workspace, "SELECT count(*) FROM interactions i LEFT JOIN actors a ON a.id=i.actor_id "
                        "LEFT JOIN accounts c ON c.id=i.account_id WHERE a.id IS NULL OR c.id IS NULL") == [(0,)]

    p = run_pantau("import", str(big), cwd=workspace)
    assert p.returncode == 0, p.stderr
    got = q(workspace, "SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM actors), "
                       "(SELECT count(*) FROM accounts)")[0]
    assert got == expected
    assert f"{expected[0] - stored} new interactions" in p.stdout
    assert q(workspace, "SELECT count(*) - count(DISTINCT platform || natural_key) FROM interactions") == [(0,)]
    assert q(workspace, "SELECT status FROM runs ORDER BY id") == [("interrupted",), ("ok",)]   # closed by the re-run


def test_times_without_a_zone_are_read_in_the_schedule_timezone(pantau, workspace, tmp_path):
    (workspace / "pantau.toml").write_text(LOOPBACK_CONFIG + '[schedule]\ntimezone = "Asia/Makassar"\n')
    lines = [
        {"platform": "instagram", "kind": "comment", "target_account": "calon.satu", "actor_handle": "a1",
         "post_id": "P1", "interaction_id": "c1", "created_at": "2029-01-10T08:15:00"},
        {"platform": "instagram", "kind": "comment", "target_account": "calon.satu", "actor_handle": "a2",
         "post_id": "P1", "interaction_id": "c2", "created_at": "10/01/2029 08:15"},
        {"platform": "instagram", "kind": "comment", "target_account": "calon.satu", "actor_handle": "a3",
         "post_id": "P1", "interaction_id": "c3", "created_at": "10/01/2029 08:15:30"},
        {"platform": "instagram", "kind": "comment", "target_account": "calon.satu", "actor_handle": "a4",
         "post_id": "P1", "interaction_id": "c4", "created_at": "2029-01-10T08:15:00+07:00"},
        {"platform": "instagram", "kind": "comment", "target_account": "calon.satu", "actor_handle": "a5",
         "post_id": "P1", "interaction_id": "c5", "created_at": "31/02/2029 08:15"},
    ]
    f = tmp_path / "waktu.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    p = pantau("import", str(f))
    assert p.returncode == 1
    assert "waktu.jsonl:line 5: created_at '31/02/2029 08:15' is not an ISO 8601 date-time" in p.stderr
    assert "3 times without a time zone were read as Asia/Makassar time ([schedule] timezone)" in p.stdout
    got = dict(q(workspace, "SELECT interaction_id, created_at FROM interactions"))
    assert got == {"c1": "2029-01-10T00:15:00Z", "c2": "2029-01-10T00:15:00Z", "c3": "2029-01-10T00:15:30Z",
                   "c4": "2029-01-10T01:15:00Z"}
    # exports write one form: the configured zone with its offset
    out = tmp_path / "out.csv"
    assert pantau("export", "interactions", "--format", "csv", "--out", str(out)).returncode == 0
    rows = {r["interaction_id"]: r["created_at"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    assert rows == {"c1": "2029-01-10T08:15:00+08:00", "c2": "2029-01-10T08:15:00+08:00",
                    "c3": "2029-01-10T08:15:30+08:00", "c4": "2029-01-10T09:15:00+08:00"}
    # and the export imports again without a new interaction
    p = pantau("import", str(out))
    assert p.returncode == 0 and "0 new interactions" in p.stdout


def test_share_is_a_repost_and_csv_takes_day_first_times(pantau, workspace, tmp_path):
    f = tmp_path / "bagikan.csv"
    f.write_text("platform;kind;target_account;actor_handle;post_id;created_at\n"
                 "facebook;share;calon.satu;budi.s;P9;05/01/2029 21:30\n"
                 "facebook;SHARE;calon.satu;ani.r;P9;05/01/2029 21:31:05\n", encoding="utf-8")
    p = pantau("import", str(f))
    assert p.returncode == 0, p.stderr
    assert q(workspace, "SELECT kind, created_at FROM interactions ORDER BY created_at") == [
        ("repost", "2029-01-05T14:30:00Z"), ("repost", "2029-01-05T14:31:05Z")]


def test_import_syncs_the_watchlists_first(pantau, workspace):
    (workspace / "watchlists" / "pilkada.yaml").write_text(
        "candidates:\n  - name: Calon Satu\n    role: kepala-daerah\n    accounts:\n"
        "      - {platform: instagram, handle: calonsatu}\n", encoding="utf-8")
    p = pantau("import", str(IMPORTS / "good.jsonl"))
    assert p.returncode == 0, p.stderr
    rows = q(workspace, "SELECT a.platform, a.handle, a.candidate, a.origin, count(i.id) FROM accounts a "
                        "JOIN interactions i ON i.account_id = a.id WHERE a.handle = 'calonsatu' "
                        "GROUP BY a.id ORDER BY a.platform")
    assert [r[:4] for r in rows if r[0] == "instagram"] == [("instagram", "calonsatu", "Calon Satu", "watchlist")]
    # a broken watchlist does not stop the import; it is named in a warning
    (workspace / "watchlists" / "pilkada.yaml").write_text("candidates: [", encoding="utf-8")
    p = pantau("import", str(IMPORTS / "good.jsonl"))
    assert p.returncode == 0
    assert p.stderr.startswith("warning: watchlists not synced") and "pilkada.yaml" in p.stderr


def test_a_big_first_import_builds_the_filter_index_once_at_the_end(pantau, workspace, tmp_path):
    """The interactions filter index is set aside during a large import and present afterwards."""
    big = tmp_path / "big.jsonl"
    with big.open("w") as f:
        for i in range(60_000):
            f.write(json.dumps({"platform": "instagram", "kind": "like", "target_account": "calon.satu",
                                "actor_handle": f"warga{i}", "post_id": f"P{i % 7}"}) + "\n")
    assert big.stat().st_size >= 4 * 1024 * 1024
    p = pantau("import", str(big))
    assert p.returncode == 0, p.stderr
    assert "building the review filters' index" in p.stderr
    assert q(workspace, "SELECT count(*) FROM sqlite_master WHERE name='interactions_kind_time'") == [(1,)]
    assert q(workspace, "SELECT count(*) FROM interactions") == [(60_000,)]


def test_a_capture_import_goes_on_with_the_last_good_watchlists_when_one_is_invalid(pantau, workspace, tmp_path):
    from tests.pantau.capture import scenario as sc
    (workspace / "watchlists" / "calon.yaml").write_text(sc.WATCHLIST, encoding="utf-8")
    assert pantau("watchlist", "sync").returncode == 0
    (workspace / "watchlists" / "rusak.yaml").write_text(
        "candidates:\n  - name: Rusak\n    accounts:\n      - platform: instagram\n        handle: 'bad handle!'\n")
    r = pantau("import", str(sc.build_har(tmp_path / "sesi.har")))
    assert r.returncode == 0, r.stderr
    assert "warning: watchlists not synced" in r.stderr and "rusak.yaml" in r.stderr
    assert q(workspace, "SELECT count(*) FROM interactions")[0][0] > 0


def test_import_of_a_folder_or_an_unknown_format_says_what_to_give(pantau, workspace, tmp_path):
    r = pantau("import", str(tmp_path))
    assert r.returncode == 1 and "is a folder, not a file" in r.stderr
    (tmp_path / "a.xml").write_text("<a/>")
    r = pantau("import", str(tmp_path / "a.xml"))
    assert r.returncode == 1 and ".har" in r.stderr and ".jsonl" in r.stderr


def test_a_har_with_nothing_from_the_platforms_says_which_tab_to_save(pantau, workspace, tmp_path):
    from tests.pantau.capture import scenario as sc
    har = sc.har_document([sc.har_entry("https://news.example/berita", b"<html></html>", "text/html")])
    (tmp_path / "lain.har").write_text(json.dumps(har))
    r = pantau("import", str(tmp_path / "lain.har"))
    assert r.returncode == 0, r.stderr
    assert "1 entry, 0 from Instagram" in r.stdout and "nothing in this file came from" in r.stdout
