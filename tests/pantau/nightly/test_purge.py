"""Retention: old unmatched data goes, matched and decided data stays."""

from __future__ import annotations

import json

from pantau.config import load
from pantau.jobs.evidence import capture_evidence
from storage import files
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, write_config


def _count(db, sql, params=()):
    return db.execute(sql, params).fetchone()[0]


def _seed(db, base_url=None):
    add_employees(db)
    ids = {
        "old_stranger": add_interactions(db, "lama", 3, base_url=base_url, days_ago=200),
        "recent_stranger": add_interactions(db, "baru", 2, base_url=base_url, days_ago=10),
        "old_pending": add_interactions(db, "budi", 2, base_url=base_url, days_ago=300),
        "old_rejected": add_interactions(db, "siti", 1, base_url=base_url, days_ago=400),
        "old_confirmed": add_interactions(db, "agus", 1, base_url=base_url, days_ago=250),
        "mixed_old": add_interactions(db, "campur", 1, base_url=base_url, days_ago=365),
        "mixed_new": add_interactions(db, "campur", 1, base_url=base_url, days_ago=1),
    }
    add_match(db, "budi", NIPS[0])
    add_match(db, "siti", NIPS[1], status="rejected")
    add_match(db, "agus", NIPS[2], status="confirmed")
    return ids


def test_dry_run_shows_and_deletes_nothing(pantau, workspace, db):
    write_config(workspace)
    _seed(db)
    before = _count(db, "SELECT count(*) FROM interactions")
    r = pantau("purge", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would delete 4 interaction(s) of unmatched actors, 1 actor(s)" in r.stdout
    assert "mastodon: 4" in r.stdout and "nothing was deleted" in r.stdout
    assert _count(db, "SELECT count(*) FROM interactions") == before
    assert _count(db, "SELECT count(*) FROM audit_log WHERE action='purge'") == 0


def test_purge_keeps_matched_and_decided_data(pantau, workspace, db, pages):
    server = pages()
    write_config(workspace)
    ids = _seed(db, base_url=server.url)
    settings = load(workspace)
    # evidence on a matched actor's interaction, and (as if it had been matched once) on a stranger's
    capture_evidence(settings, db)
    stranger_file = files.store_bytes(settings.evidence_dir, b"stray screenshot", "png")
    db.execute("INSERT INTO evidence (sha256, path, kind, interaction_id, source_url, captured_at) "
               "VALUES (?,?,?,?,?,?)", [stranger_file.sha256, stranger_file.path, "screenshot",
                                        ids["old_stranger"][0], "http://x", "2026-01-01T00:00:00Z"])
    db.conn.commit()
    kept_evidence = _count(db, "SELECT count(*) FROM evidence WHERE interaction_id IN (%s)"
                           % ",".join(map(str, ids["old_pending"] + ids["old_confirmed"])))
    assert kept_evidence == 6

    r = pantau("purge")
    assert r.returncode == 0, r.stderr
    assert "deleted 4 interaction(s) of unmatched actors, 1 actor(s), 1 evidence row(s), 1 evidence file(s)" in r.stdout

    remaining = {r[0] for r in db.execute("SELECT id FROM interactions")}
    for key in ("recent_stranger", "old_pending", "old_rejected", "old_confirmed", "mixed_new"):
        assert set(ids[key]) <= remaining, key
    assert not (set(ids["old_stranger"]) | set(ids["mixed_old"])) & remaining
    actors = {r[0] for r in db.execute("SELECT handle FROM actors")}
    assert actors == {"baru", "budi", "siti", "agus", "campur"}
    assert _count(db, "SELECT count(*) FROM matches") == 3
    assert _count(db, "SELECT count(*) FROM evidence WHERE interaction_id IN (%s)"
                  % ",".join(map(str, ids["old_pending"] + ids["old_confirmed"]))) == kept_evidence
    assert not (settings.evidence_dir / stranger_file.path).exists()
    for (path,) in db.execute("SELECT path FROM evidence WHERE path IS NOT NULL"):
        assert files.verify(settings.evidence_dir, path)
    (audit,) = list(db.query("SELECT * FROM audit_log WHERE action='purge'"))
    assert json.loads(audit["detail"])["interactions"] == 4
    assert _count(db, "SELECT count(*) FROM runs WHERE kind='purge' AND status='ok'") == 1

    again = pantau("purge")
    assert "deleted 0 interaction(s)" in again.stdout


def test_purge_in_many_batches(workspace, db, monkeypatch):
    import pantau.jobs.purge as purge_mod
    write_config(workspace, "[retention]\ndays = 30\n")
    add_employees(db)
    add_interactions(db, "lama", 25, base_url=None, days_ago=40)
    add_interactions(db, "budi", 5, base_url=None, days_ago=40)
    add_match(db, "budi", NIPS[0])
    monkeypatch.setattr(purge_mod, "BATCH", 7)
    res = purge_mod.purge(load(workspace), db)
    assert (res.interactions, res.actors) == (25, 1)
    assert _count(db, "SELECT count(*) FROM interactions") == 5


def test_purge_takes_the_job_lock(workspace, db):
    import pytest

    from pantau.errors import LockBusy
    from pantau.jobs.purge import purge
    from pantau.lock import job_lock
    settings = load(workspace)
    with job_lock(settings.lock_path, job="test"):
        # flock is per open file: a second open in this process conflicts just like another process
        with pytest.raises(LockBusy, match="not starting purge"):
            purge(settings, db)
        assert purge(settings, db, dry_run=True).interactions == 0   # a dry run only reads


def test_the_nightly_run_applies_retention(pantau, workspace, db):
    write_config(workspace)
    ids = _seed(db)
    # the run's matcher may withdraw a pending candidate it does not propose itself; a decision is sticky
    db.execute("UPDATE matches SET status='escalated', decided_at='2026-01-01T00:00:00Z' WHERE status='pending'")
    db.conn.commit()
    r = pantau("run")
    assert "retention: 4 interaction(s) and 1 actor(s) of unmatched people older than 180 days purged" in r.stdout
    run = list(db.query("SELECT * FROM runs WHERE kind='nightly'"))[0]
    assert json.loads(run["summary"])["purged"]["interactions"] == 4
    assert _count(db, "SELECT count(*) FROM runs WHERE kind='purge'") == 0   # a stage, not a run of its own
    (audit,) = list(db.query("SELECT * FROM audit_log WHERE action='purge'"))
    assert json.loads(audit["detail"])["run_id"] == run["id"]
    remaining = {r[0] for r in db.execute("SELECT id FROM interactions")}
    assert set(ids["old_pending"]) <= remaining and not set(ids["old_stranger"]) & remaining
