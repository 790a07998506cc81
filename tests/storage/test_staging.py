"""Staging files: the parsing side writes, the storing side moves them in, once."""

from __future__ import annotations

import os
import stat

import pytest

from storage.queries import runs as runs_q
from storage.staging import Stager, staging_folder, store_staged
from tests.storage.conftest import like


def _count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_staged_batch_is_moved_in_and_its_file_removed(sdb):
    folder = staging_folder(sdb)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    batch = Stager(folder).stage([like("ani"), like("budi"), like("ani", "P2", name="Ani R")])
    assert batch.path.exists() and batch.interactions == 3 and batch.actors == 2
    assert batch.accounts == [("instagram", "calon.satu")]
    run = runs_q.start(sdb, "import")
    res = store_staged(sdb, batch, observed_at="2029-01-01T00:00:00Z", run_id=run)
    assert (res.new_interactions, res.new_actors) == (3, 2)
    assert not batch.path.exists()
    assert _count(sdb, "interactions") == 3 and _count(sdb, "actors") == 2
    # the later sighting's display name won
    assert sdb.execute("SELECT display_name FROM actors WHERE actor_key='ani'").fetchone()[0] == "Ani R"
    # the target account was created as imported (not crawled)
    assert sdb.execute("SELECT count(*) FROM accounts WHERE handle='calon.satu'").fetchone()[0] == 1


def test_the_same_lines_staged_again_add_nothing(sdb):
    folder = staging_folder(sdb)
    for _ in range(2):
        store_staged(sdb, Stager(folder).stage([like("ani"), like("budi")]),
                     observed_at="2029-01-01T00:00:00Z", run_id=None)
    assert _count(sdb, "interactions") == 2 and _count(sdb, "actors") == 2


def test_a_batch_for_a_missing_run_is_refused_whole(sdb):
    folder = staging_folder(sdb)
    batch = Stager(folder).stage([like("ani")])
    with pytest.raises(ValueError, match="no run 999"):
        store_staged(sdb, batch, observed_at="2029-01-01T00:00:00Z", run_id=999)
    assert _count(sdb, "interactions") == 0 and _count(sdb, "actors") == 0 and _count(sdb, "accounts") == 0


def test_folders_of_dead_imports_are_cleared(sdb, tmp_path):
    root = staging_folder(sdb).parent
    stale = root / "999999999-0"          # no such pid
    stale.mkdir(mode=0o700)
    (stale / "batch-000001.db").write_bytes(b"x")
    staging_folder(sdb)
    assert not stale.exists()
