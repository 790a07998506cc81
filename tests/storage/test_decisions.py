"""Decisions: the status, the reviewer and the audit row change together, or not at all."""

from __future__ import annotations

import pytest

from storage.queries import employees as employees_q
from storage.queries import interactions as interactions_q
from storage.queries import matches as matches_q
from storage.records import Feature, MatchCandidate
from tests.storage.conftest import employee, like


@pytest.fixture
def match_id(sdb):
    employees_q.replace_source(sdb, [employee()], "test")
    interactions_q.store(sdb, [like("budi.s", name="Budi Santoso")])
    actor = sdb.execute("SELECT id FROM actors").fetchone()[0]
    matches_q.upsert_candidates(sdb, [MatchCandidate(actor, "198503122010011001", 80.0, "strong",
                                                     [Feature("name:0", "Display name equals the name", 80.0)])])
    return sdb.execute("SELECT id FROM matches").fetchone()[0]


def _audit_rows(db):
    return db.execute("SELECT count(*) FROM audit_log WHERE object_type='match'").fetchone()[0]


def test_a_decision_writes_status_and_audit_row(sdb, match_id):
    matches_q.record_decision(sdb, match_id, "confirmed", reviewer="ani", note="same photo", expected="pending")
    row = sdb.execute("SELECT status, reviewer, note, decided_at FROM matches WHERE id=?", [match_id]).fetchone()
    assert row[:3] == ("confirmed", "ani", "same photo") and row[3]
    assert _audit_rows(sdb) == 1


def test_a_stale_decision_is_refused_and_writes_nothing(sdb, match_id):
    matches_q.record_decision(sdb, match_id, "rejected", reviewer="ani", expected="pending")
    with pytest.raises(matches_q.DecisionConflict) as err:
        matches_q.record_decision(sdb, match_id, "confirmed", reviewer="budi", expected="pending")
    assert err.value.status == "rejected" and err.value.reviewer == "ani"
    assert sdb.execute("SELECT status, reviewer FROM matches WHERE id=?", [match_id]).fetchone() == ("rejected", "ani")
    assert _audit_rows(sdb) == 1


def test_unknown_status_and_match_are_refused(sdb, match_id):
    with pytest.raises(ValueError):
        matches_q.record_decision(sdb, match_id, "maybe", reviewer="ani")
    with pytest.raises(KeyError):
        matches_q.record_decision(sdb, match_id + 1, "confirmed", reviewer="ani")
    assert _audit_rows(sdb) == 0


def test_a_decided_pair_keeps_its_decision_when_scored_again(sdb, match_id):
    matches_q.record_decision(sdb, match_id, "rejected", reviewer="ani")
    actor = sdb.execute("SELECT actor_id FROM matches WHERE id=?", [match_id]).fetchone()[0]
    matches_q.upsert_candidates(sdb, [MatchCandidate(actor, "198503122010011001", 95.0, "strong", [])])
    assert sdb.execute("SELECT status FROM matches WHERE id=?", [match_id]).fetchone()[0] == "rejected"


def test_stale_candidates_are_found_by_actor_not_by_reading_every_pending_row(sdb, match_id):
    """A match withdraws per part it stores (a hundred parts at national scale): the query must
    look the part's actors up, not read every pending row of the table for each part."""
    sdb.execute("CREATE TEMP TABLE IF NOT EXISTS _scored_actors (actor_id INTEGER PRIMARY KEY)")
    sdb.execute("CREATE TEMP TABLE IF NOT EXISTS _kept_pairs (actor_id INTEGER, nip TEXT, PRIMARY KEY (actor_id, nip))")
    plan = " | ".join(r[3] for r in sdb.execute("EXPLAIN QUERY PLAN " + matches_q.WITHDRAW_STALE))
    assert "SEARCH matches USING INDEX sqlite_autoindex_matches_1 (actor_id=?)" in plan, plan
    assert "status=?" not in plan, plan
    actor = sdb.execute("SELECT actor_id FROM matches WHERE id=?", [match_id]).fetchone()[0]
    assert matches_q.withdraw_stale(sdb, [actor + 1], set()) == 0          # another actor's row stays
    assert matches_q.withdraw_stale(sdb, [actor], {(actor, "198503122010011001")}) == 0   # still proposed
    assert matches_q.withdraw_stale(sdb, [actor], set()) == 1              # no longer proposed: withdrawn
