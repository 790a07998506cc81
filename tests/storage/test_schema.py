import os
import stat

import pytest

import storage
from storage.queries import interactions as iq
from storage.records import Actor, Interaction


def test_every_design_table_exists_with_wal_and_private_file(tmp_path):
    db = storage.open_db(tmp_path / "data" / "p.db")
    for t in ("accounts", "posts", "actors", "interactions", "employees", "matches", "evidence",
              "runs", "audit_log", "users"):
        assert db[t].exists(), t
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "p.db").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700


def test_migrations_are_recorded_and_reopen_is_a_no_op(tmp_path):
    path = tmp_path / "p.db"
    storage.open_db(path).close()
    db = storage.open_db(path)
    applied = [r["name"] for r in db.query("SELECT name FROM _sqlite_migrations")]
    assert applied[:2] == ["0001_initial", "0002_review_indexes"]
    assert len(applied) == len(set(applied)) == storage.SCHEMA_VERSION
    assert "platform_reads" in applied


def test_audit_log_is_append_only(tmp_path):
    from storage.queries import audit
    db = storage.open_db(tmp_path / "p.db")
    audit.write(db, "test.action", detail={"x": 1})
    db.conn.commit()
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM audit_log")
    with pytest.raises(Exception, match="append-only"):
        db.execute("UPDATE audit_log SET action='x'")


def _like(actor_key, post, name=None):
    return Interaction(platform="bluesky", kind="like", target_account="calon.bsky.social",
                       actor=Actor("bluesky", actor_key, handle=actor_key + ".bsky.social", display_name=name),
                       post_id=post)


def test_interaction_writes_are_idempotent_upserts(tmp_path):
    db = storage.open_db(tmp_path / "p.db")
    batch = [_like("did:plc:a", "p1", "Budi"), _like("did:plc:b", "p1"), _like("did:plc:a", "p2")]
    r1 = iq.store(db, batch)
    assert (r1.new_interactions, r1.new_actors) == (3, 2)
    r2 = iq.store(db, batch)
    assert (r2.new_interactions, r2.new_actors) == (0, 0)
    assert db["interactions"].count == 3
    assert db["actors"].count == 2
    # an imported account is created for an unknown target, disabled for crawling
    acc = list(db.query("SELECT * FROM accounts"))
    assert len(acc) == 1 and acc[0]["origin"] == "import" and acc[0]["enabled"] == 0


def test_actor_changes_update_changed_at_but_missing_fields_do_not_erase(tmp_path):
    db = storage.open_db(tmp_path / "p.db")
    iq.store(db, [_like("did:plc:a", "p1", "Budi")])
    first = db.execute("SELECT display_name, changed_at FROM actors").fetchone()
    iq.store(db, [_like("did:plc:a", "p2", None)])
    assert db.execute("SELECT display_name FROM actors").fetchone()[0] == "Budi"
    iq.store(db, [_like("did:plc:a", "p3", "Budi Santoso")])
    assert db.execute("SELECT display_name FROM actors").fetchone()[0] == "Budi Santoso"
    assert first[0] == "Budi"


def test_natural_keys_follow_the_design():
    a = Actor("mastodon", "budi@m.example")
    c1 = Interaction("mastodon", "comment", "calon@m.example", a, post_id="1", interaction_id="99")
    c2 = Interaction("mastodon", "reply", "calon@m.example", a, post_id="2", interaction_id="99")
    assert c1.natural_key == c2.natural_key
    f = Interaction("mastodon", "follow", "@Calon@M.example", a)
    assert f.natural_key == "follow:budi@m.example:calon@m.example"
    n1 = Interaction("x", "comment", "calon", a, post_id="5", text="halo", created_at="2029-01-01")
    n2 = Interaction("x", "comment", "calon", a, post_id="5", text="halo lagi", created_at="2029-01-01")
    assert n1.natural_key != n2.natural_key


def test_last_collected_per_account_is_read_from_the_index(tmp_path):
    """`pantau status` at a million interactions: one index seek per account, not a scan of its rows."""
    db = storage.open_db(tmp_path / "p.db")
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT max(observed_at) FROM interactions WHERE account_id = 1"))
    assert "COVERING INDEX interactions_account" in plan, plan


def test_an_index_set_aside_by_a_killed_import_is_built_again_on_open(tmp_path):
    from storage import indexes
    path = tmp_path / "p.db"
    db = storage.open_db(path)
    assert indexes.missing(db) == []
    assert indexes.set_aside(db) == ["interactions_kind_time", "interactions_account"]
    assert indexes.missing(db) == ["interactions_kind_time", "interactions_account"]
    db.close()                                   # as if the import died here
    db = storage.open_db(path)
    assert indexes.missing(db) == []
