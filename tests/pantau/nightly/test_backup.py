"""Backups: online, private, verified, restorable and identical."""

from __future__ import annotations

import os
import stat
import threading
import time

import storage
from pantau.config import load
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, write_config

TABLES = ["accounts", "posts", "actors", "interactions", "employees", "matches", "evidence", "runs",
          "account_runs", "users", "meta"]


def _dump(db) -> dict:
    return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}")) for t in TABLES}


def test_backup_is_restorable_and_identical(pantau, workspace, db, tmp_path):
    write_config(workspace)
    add_employees(db)
    add_interactions(db, "budi", 3, base_url="http://127.0.0.1:9")
    add_interactions(db, "orang", 2, base_url=None)
    add_match(db, "budi", NIPS[0], status="confirmed")
    dest = tmp_path / "backups" / "pantau.db"
    dest.parent.mkdir()
    r = pantau("backup", str(dest))
    assert r.returncode == 0, r.stderr
    assert "integrity ok" in r.stdout
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert not [p for p in dest.parent.iterdir() if p.name != "pantau.db"]   # no leftovers

    # restore: the documented way is to copy the file into place as data/pantau.db
    restored = storage.open_db(dest)
    assert _dump(restored) == _dump(db)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored.close()
    assert db.execute("SELECT count(*) FROM audit_log WHERE action='backup'").fetchone()[0] == 1


def test_backup_refuses_to_overwrite_unless_forced(pantau, workspace, db, tmp_path):
    dest = tmp_path / "b.db"
    dest.write_bytes(b"precious")
    r = pantau("backup", str(dest))
    assert r.returncode == 1 and "already exists" in r.stderr and "--force" in r.stderr
    assert dest.read_bytes() == b"precious"
    r = pantau("backup", str(dest), "--force")
    assert r.returncode == 0, r.stderr
    assert dest.read_bytes()[:16] == b"SQLite format 3\x00"
    # a folder gets a dated file
    r = pantau("backup", str(tmp_path))
    assert r.returncode == 0 and len(list(tmp_path.glob("pantau-*.db"))) == 1


def test_backup_during_a_write_sees_only_committed_data(workspace, db, tmp_path):
    """A writer holds an open transaction (as a crawl batch does) while the backup runs."""
    from pantau.jobs.backup import backup
    write_config(workspace)
    add_interactions(db, "budi", 2, base_url=None)
    settings = load(workspace)
    started, release = threading.Event(), threading.Event()

    def writer():
        w = storage.open_db(settings.db_path)
        w.execute("BEGIN IMMEDIATE")
        w.execute("INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')")
        started.set()
        release.wait(30)
        w.conn.commit()
        w.close()

    t = threading.Thread(target=writer)
    t.start()
    started.wait(10)
    # the writer commits 3 s from now; the copy is taken at once, from the committed state;
    # only the backup's audit row waits (busy timeout) for the writer to finish
    threading.Timer(3.0, release.set).start()
    t0 = time.monotonic()
    res = backup(settings, tmp_path / "during.db")
    assert time.monotonic() - t0 < 20
    t.join()
    assert res.integrity == "ok"
    copy = storage.open_db(tmp_path / "during.db", migrate=False)
    assert copy.execute("SELECT count(*) FROM interactions").fetchone()[0] == 2
    assert copy.execute("SELECT count(*) FROM meta WHERE key='uncommitted'").fetchone()[0] == 0
    copy.close()
    assert db.execute("SELECT count(*) FROM meta WHERE key='uncommitted'").fetchone()[0] == 1


def test_backup_without_dest_goes_to_the_backups_folder(pantau, workspace, db):
    r = pantau("backup")
    assert r.returncode == 0, r.stderr
    (made,) = list((workspace / "data" / "backups").glob("pantau-*.db"))
    assert stat.S_IMODE(os.stat(made.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o600
