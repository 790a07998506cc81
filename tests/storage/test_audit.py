"""The audit log is append-only, and an audit row lives or dies with the change it records."""

from __future__ import annotations

import sqlite3

import pytest

from storage.queries import audit, transaction


def test_rows_cannot_be_changed_or_deleted(sdb):
    audit.write(sdb, "user.add", user="admin", object_type="user", object_id="ani", detail={"role": "reviewer"})
    with pytest.raises(sqlite3.DatabaseError):
        sdb.execute("UPDATE audit_log SET user='someone else'")
    with pytest.raises(sqlite3.DatabaseError):
        sdb.execute("DELETE FROM audit_log")
    assert sdb.execute("SELECT user, action, object_id FROM audit_log").fetchall() == [("admin", "user.add", "ani")]


def test_an_audit_row_rolls_back_with_its_transaction(sdb):
    with pytest.raises(RuntimeError):
        with transaction(sdb):
            audit.write(sdb, "purge", object_type="retention", object_id=180)
            raise RuntimeError("the change failed")
    assert sdb.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_recent_returns_newest_first_with_detail(sdb):
    for i in range(3):
        audit.write(sdb, "import", object_type="file", object_id=f"f{i}.jsonl", detail={"n": i})
    rows = audit.recent(sdb, limit=2)
    assert [r["object_id"] for r in rows] == ["f2.jsonl", "f1.jsonl"]
