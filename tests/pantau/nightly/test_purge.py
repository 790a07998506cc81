"""Retention: old unmatched data goes, matched and decided data stays."""

from __future__ import annotations

import json

from pantau.config import load
from pantau.jobs.evidence import capture_evidence
from storage import files
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, iso, write_config


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


def _tip(db, settings, code: str, *, image: bytes | None = None, verdict: str | None = None,
         days_ago: float = 0, nip: str | None = None, ref: int | None = None) -> int:
    from storage.queries import tips as tips_q
    images = []
    if image is not None:
        f = files.store_bytes(settings.tips_dir, image, "png")
        images.append({"sha256": f.sha256, "path": f.path, "format": "png", "width": 1, "height": 1,
                       "bytes": len(image)})
    tip_id = tips_q.add(db, code=code, links=["https://www.instagram.com/p/abc/"], what=f"laporan {code}",
                        contact="0812-0000-0000", images=images)
    if verdict:
        tips_q.set_verdict(db, tip_id, verdict, reviewer="ani")
    if nip:
        tips_q.link_employee(db, tip_id, nip, reviewer="ani")
    if ref is not None:
        tips_q.add_ref(db, tip_id, "interaction", ref, reviewer="ani")
    db.execute("UPDATE tips SET updated_at=? WHERE id=?", [iso(days_ago), tip_id])
    db.conn.commit()
    return tip_id


def test_purge_erases_old_closed_citizen_reports_only(pantau, workspace, db):
    write_config(workspace, "[retention]\ndays = 30\n")
    settings = load(workspace)
    add_employees(db)
    [kept_ref] = add_interactions(db, "budi", 1, base_url=None, days_ago=1)
    shared = b"\x89PNG shared by two reports"
    ids = {
        "old_invalid": _tip(db, settings, "AAAA-0001", image=b"\x89PNG only mine", verdict="invalid", days_ago=40),
        "old_duplicate": _tip(db, settings, "AAAA-0002", image=shared, verdict="duplicate", days_ago=40),
        "recent_invalid": _tip(db, settings, "AAAA-0003", image=shared, verdict="invalid", days_ago=5),
        "old_valid": _tip(db, settings, "AAAA-0004", verdict="valid", days_ago=400),
        "old_new": _tip(db, settings, "AAAA-0005", days_ago=400),
        "old_invalid_linked": _tip(db, settings, "AAAA-0006", verdict="invalid", days_ago=40, nip=NIPS[0]),
        "old_invalid_ref": _tip(db, settings, "AAAA-0007", verdict="invalid", days_ago=40, ref=kept_ref),
    }
    r = pantau("purge", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would erase 2 citizen report(s) closed as invalid or duplicate" in r.stdout
    assert _count(db, "SELECT count(*) FROM tips WHERE erased_at IS NOT NULL") == 0

    r = pantau("purge")
    assert r.returncode == 0, r.stderr
    assert "erased 2 citizen report(s) closed as invalid or duplicate and untouched since then (1 image file(s))" \
        in r.stdout
    rows = {row["id"]: row for row in db.query("SELECT * FROM tips")}
    for name in ("old_invalid", "old_duplicate"):
        row = rows[ids[name]]
        assert row["erased_at"] and row["erased_by"] == "retention"
        assert (row["what"], row["contact"], row["links"]) == ("", None, "[]")
        assert row["status"] == "closed"          # the receipt code still answers
    for name in ("recent_invalid", "old_valid", "old_new", "old_invalid_linked", "old_invalid_ref"):
        row = rows[ids[name]]
        assert row["erased_at"] is None and row["what"].startswith("laporan"), name
    # the only image of the old invalid report is gone; the shared one stays for the recent report
    paths = {p for (p,) in db.execute("SELECT path FROM tip_images")}
    assert len(paths) == 1 and (settings.tips_dir / next(iter(paths))).is_file()
    assert sum(1 for p in settings.tips_dir.rglob("*") if p.is_file()) == 1
    audited = {row["object_id"] for row in db.query("SELECT * FROM audit_log WHERE action='tip.erase'")}
    assert audited == {str(ids["old_invalid"]), str(ids["old_duplicate"])}
    (audit,) = list(db.query("SELECT * FROM audit_log WHERE action='purge'"))
    assert json.loads(audit["detail"])["tips"] == 2
    assert "would erase" not in pantau("purge", "--dry-run").stdout     # nothing left to erase
