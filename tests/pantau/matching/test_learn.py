"""Learned weights: EM over a workspace's pairs, refits from decisions with their safeguards, --explain-model."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from pantau.jobs import match_model
from pantau.jobs.match import run_match
from pantau.matching import build_index, default_model, learn
from pantau.matching.actors import prepare_actors
from pantau.matching.comparisons import PairFeatures
from pantau.matching import blocking
from pantau.matching.scoring import score_pairs
from pantau.workspace import open_settings
from storage.queries import employees as employees_q
from storage.queries import match_weights as weights_q
from storage.queries import matches as matches_q

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "matching"


@pytest.fixture(scope="module")
def ds():
    sys.path.insert(0, str(BENCH))
    from generate_regional import generate
    return generate(600, 3000, "outer")


def _pairs(ds, model):
    index = build_index(ds.employees, model)
    batch = prepare_actors(ds.actors, list(range(len(ds.actors))), index)
    pa, pe, _ = blocking.candidate_pairs(batch, index, model)
    f = PairFeatures(batch, index, pa, pe)
    return f, score_pairs(f, batch, index, model)


def test_em_estimates_m_and_u_per_level_and_only_lowers_weights(ds):
    model = default_model()
    f, s = _pairs(ds, model)
    fit = learn.fit_em(model, s.levels, s.score)
    assert fit.origin == "em" and fit.pairs == f.n and 0 < fit.lam < 0.5
    for comp in model.comparisons:
        if comp.name not in learn.LEARNED:
            assert comp.name not in fit.weights
            continue
        m, u = np.array(fit.m[comp.name]), np.array(fit.u[comp.name])
        assert m.sum() == pytest.approx(1, abs=1e-3) and u.sum() == pytest.approx(1, abs=1e-3)
        declared = comp.default_weights()
        for lvl, (w, d) in enumerate(zip(fit.weights[comp.name], declared)):
            assert d - learn.MAX_SHIFT - 1e-6 <= w <= d            # unlabelled data never raise a weight
            if comp.levels[lvl].condition is None:
                assert w == d                                   # the baseline level stays
    # an exact display name is far likelier among matches than among non-matches
    d = fit.m["display_name"][0] / fit.u["display_name"][0]
    assert d > 1


def test_auc_and_the_refit_safeguard():
    y = np.array([1, 1, 1, 0, 0, 0])
    assert learn.auc(np.array([90, 80, 70, 60, 50, 40.0]), y) == 1.0
    assert learn.auc(np.array([40, 50, 60, 70, 80, 90.0]), y) == 0.0
    before = np.array([70, 70, 70, 70, 70, 70.0])
    drops_a_true_match = np.array([90, 80, 50, 40, 40, 40.0])
    ok, why = learn.better(before, drops_a_true_match, y, 55)
    assert not ok and "confirmed kept 1.000 -> 0.667" in why
    ok, _ = learn.better(before, np.array([90, 80, 70, 40, 40, 40.0]), y, 55)
    assert ok
    assert learn.held_back(1, "x") == learn.held_back(1, "x")        # the same pair, the same side


def _workspace_with(ds, workspace, db):
    from pantau.workspace import open_database  # noqa: F401
    from storage.queries.interactions import InteractionWriter
    from storage.records import Interaction
    employees_q.replace_source(db, ds.employees, "roster.csv")
    InteractionWriter(db, source="import").write([
        Interaction(platform=a.platform, kind="follow", target_account="@calon@example.org", actor=a)
        for a in ds.actors])


def test_first_match_learns_em_weights_and_explain_model_shows_them(ds, workspace, db):
    _workspace_with(ds, workspace, db)
    settings = open_settings(workspace)
    r = run_match(settings, db)
    row = weights_q.in_force(db, default_model().base_version)
    assert row is not None and row["origin"] == "em"
    assert r.model_version.startswith(default_model().base_version)
    stored = {v for (v,) in db.execute("SELECT DISTINCT model_version FROM matches")}
    assert stored == {r.model_version}
    lines = match_model.explain_model(db, default_model())
    assert lines[0].startswith(f"model {r.model_version}: EM over this workspace")
    assert any("equals the roster name" in line and " m " in line for line in lines)
    # the explanation of a candidate names where its weights come from
    feats = db.execute("SELECT features FROM matches LIMIT 1").fetchone()[0]
    assert '"origin":"em"' in feats or '"origin":"prior"' in feats
    # a second run does not learn again
    r2 = run_match(settings, db)
    assert r2.learned == [] and r2.model_version == r.model_version


def test_decisions_refit_needs_enough_labels_and_decided_pairs_are_never_rescored(ds, workspace, db):
    _workspace_with(ds, workspace, db)
    settings = open_settings(workspace)
    run_match(settings, db)
    rows = db.execute("SELECT id, score FROM matches ORDER BY id LIMIT 12").fetchall()
    for mid, _ in rows:
        matches_q.record_decision(db, mid, "rejected", reviewer="rina")
    r = run_match(settings, db, learn=True)
    assert any("need 40" in n for n in r.learned)                   # 12 labels: no refit
    # decisions are labels now: enough of both kinds, so a refit is tried and judged
    truth = {}
    for (aid, nip) in db.execute("SELECT actor_id, nip FROM matches WHERE status = 'pending'").fetchall():
        key = db.execute("SELECT actor_key FROM actors WHERE id = ?", [aid]).fetchone()[0]
        truth[(aid, nip)] = key.startswith("e")
    pending = db.execute("SELECT id, actor_id, nip FROM matches WHERE status = 'pending' ORDER BY id LIMIT 80"
                         ).fetchall()
    for mid, aid, nip in pending:
        matches_q.record_decision(db, mid, "confirmed" if truth[(aid, nip)] else "rejected", reviewer="rina")
    decided = dict(db.execute("SELECT id, score FROM matches WHERE status != 'pending'").fetchall())
    r = run_match(settings, db, learn=True, full=True)
    assert any("refit from" in n for n in r.learned)
    hist = weights_q.history(db, default_model().base_version)
    refit = next(h for h in hist if h["origin"] == "decisions")
    assert refit["fit"]["labels"] >= 80 and refit["fit"]["held_back"] > 0 and "held back" in refit["fit"]["reason"]
    # decided pairs keep their score: they are never re-scored
    assert dict(db.execute("SELECT id, score FROM matches WHERE status != 'pending'").fetchall()) == decided


def test_em_sample_compared_in_forked_workers_gives_the_pairs_rows_and_fit_of_one_process(ds):
    # the first run's EM sample is prepared and compared in forked workers (it was a third of
    # the run in one process): the same pairs, levels, scores and weights, and the workers'
    # prepared rows come back to the index for the match that follows
    from pantau.matching import pair_levels
    model = default_model()
    one = build_index(ds.employees, model)
    lv1, s1 = pair_levels(ds.actors, model, one, processes=1, remember=True)
    two = build_index(ds.employees, model)
    lv2, s2 = pair_levels(ds.actors, model, two, processes=2, remember=True)
    assert one.__dict__["_display_memo"] and not two.__dict__.get("_display_memo")   # prepared in the workers
    assert len(s1) > 1000
    assert np.array_equal(s1, s2)
    assert len(lv1) == len(lv2) == len(model.comparisons)
    assert all(np.array_equal(a, b) for a, b in zip(lv1, lv2))
    assert learn.fit_em(model, lv1, s1).weights == learn.fit_em(model, lv2, s2).weights
    rows1, rows2 = one.__dict__["_row_memo"], two.__dict__["_row_memo"]
    assert len(rows2) == len({(a.platform, a.handle, a.display_name, a.bio) for a in ds.actors})
    assert rows1 == rows2


def test_the_em_sample_is_spread_over_the_actors():
    from pantau.jobs.match_model import EM_SAMPLE, em_sample
    assert em_sample(list(range(3_000))) == list(range(3_000))           # a small workspace: everyone
    city = em_sample(list(range(100_000)))
    assert len(city) == EM_SAMPLE and city[:3] == [0, 10, 20] and city[-1] >= 99_000   # spread, not the first
    national = em_sample(list(range(1_000_000)))
    assert len(national) == EM_SAMPLE and national[-1] >= 990_000
