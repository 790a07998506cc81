"""The matching model in force in a workspace: declared weights, EM weights, refits from decisions.

``pantau match`` asks ``model_in_force`` for the model (the declared model with the
latest kept learned weights of its version) and, on the first run of a model version
or with ``--learn``, ``learn``s first: EM over the candidate pairs of a sample of the
workspace's actors, then a refit from reviewers' decisions when there are enough
(see ``pantau.matching.learn`` for the method and its safeguards). Learned weights
change the model version (``n3.m7.w<id>``), so every pending candidate is re-scored
once; decided pairs are never re-scored (their rows are not updated).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from pantau.matching import MatchModel, RosterIndex, pair_levels
from pantau.matching import learn as learn_mod
from pantau.matching.actors import prepare_actors
from pantau.matching.comparisons import PairFeatures
from pantau.matching.scoring import score_pairs
from storage.queries import actors as actors_q
from storage.queries import match_weights as weights_q
from storage.records import Actor

# actors whose candidate pairs EM learns from: 10,000 learned what 20,000 did on the three
# labelled sets (recall within 0.006, pairs within 1%) in half the time of a first run's EM.
# 5,000 learned about as much (recall within 0.002) but moved the weights less, and saved a
# first city run only 0.2 s: most of that phase is forking and warming the workers
EM_SAMPLE = 10_000
EM_MIN_PAIRS = 500       # fewer pairs than this: nothing to learn from yet


@dataclass
class LearnResult:
    em: learn_mod.Fit | None = None
    decisions: learn_mod.Fit | None = None
    notes: list[str] = field(default_factory=list)


def apply(model: MatchModel, row: dict | None) -> MatchModel:
    """``model`` with a stored fit's weights (a copy; the declared model is never changed)."""
    if row is None:
        return model
    fit = learn_mod.Fit.from_json(row["fit"])
    declared = {c.name: list(c.default_weights()) for c in model.comparisons}
    weights = {k: tuple(v) for k, v in fit.weights.items() if k in declared and len(v) == len(declared[k])}
    changed = any(list(v) != declared[k] for k, v in weights.items())
    return dataclasses.replace(model, weights=weights, origin=fit.origin,
                               weights_id=str(row["id"]) if changed else "")


def model_in_force(db, base: MatchModel) -> MatchModel:
    return apply(base, weights_q.in_force(db, base.base_version))


def em_sample(actors: Sequence[Actor]) -> list[Actor]:
    """The actors EM learns from: every k-th, up to EM_SAMPLE."""
    step = max(1, len(actors) // EM_SAMPLE)
    return list(actors[::step])[:EM_SAMPLE]


def _pairs(actors: Sequence[Actor], index: RosterIndex, model: MatchModel, pa, pe):
    batch = prepare_actors(list(actors), list(range(len(actors))), index)
    f = PairFeatures(batch, index, np.asarray(pa, np.int64), np.asarray(pe, np.int64))
    return batch, f


def learn(db, index: RosterIndex, base: MatchModel, actors: Sequence[Actor], *,
          say: Callable[[str], None] = lambda m: None, processes: int = 1) -> tuple[MatchModel, LearnResult]:
    """Fit EM weights on a sample of ``actors``, then refit from decisions; store and return the model in force.

    ``processes`` > 1 prepares and compares the sample in forked workers (``pair_levels``)."""
    res = LearnResult()
    sample = em_sample(actors)
    model = model_in_force(db, base)
    if sample:
        # the sample's rows stay on the index: the match that follows scores these actors again
        levels, score = pair_levels(sample, base, index, processes=processes, remember=True)
        if len(score) >= EM_MIN_PAIRS:
            fit = learn_mod.fit_em(base, levels, score)
            rid = weights_q.record(db, base.base_version, "em", fit.to_json(), kept=True,
                                   roster_fingerprint=index.fingerprint)
            res.em = fit
            model = apply(base, {"id": rid, "fit": fit.to_json()})
            say(f"EM over {len(score)} candidate pairs of {len(sample)} actors: weights {model.version}")
        else:
            res.notes.append(f"EM skipped: {len(score)} candidate pairs (needs {EM_MIN_PAIRS})")
    model, res.decisions = refit_from_decisions(db, index, model, say=say, notes=res.notes)
    return model, res


def refit_from_decisions(db, index: RosterIndex, model: MatchModel, *, say: Callable[[str], None],
                         notes: list[str]) -> tuple[MatchModel, learn_mod.Fit | None]:
    """Confirmed and rejected pairs as labels; the refit is kept only if the held-back labels rank better."""
    labelled = weights_q.labelled_pairs(db)
    pos = sum(y for _, _, y in labelled)
    if len(labelled) < learn_mod.MIN_LABELS or pos < learn_mod.MIN_CLASS or len(labelled) - pos < learn_mod.MIN_CLASS:
        notes.append(f"decisions: {len(labelled)} labels ({pos} confirmed), need {learn_mod.MIN_LABELS} with "
                     f"{learn_mod.MIN_CLASS} of each kind")
        return model, None
    wanted = {nip for _, nip, _ in labelled}
    where = {}
    for i, n in enumerate(index.nips):
        if n.decode() in wanted:
            where[n.decode()] = i
    actors = actors_q.by_ids(db, sorted({a for a, _, _ in labelled}))
    pos_of = {aid: k for k, aid in enumerate(actors)}
    rows = [(pos_of[a], where[n], y, a, n) for a, n, y in labelled if n in where and a in pos_of]
    if not rows:
        return model, None
    batch, f = _pairs(list(actors.values()), index, model, [r[0] for r in rows], [r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    test = np.array([learn_mod.held_back(r[3], r[4]) for r in rows])
    s_now = score_pairs(f, batch, index, model)
    current = learn_mod.Fit.from_json(weights_q.in_force(db, model.base_version)["fit"]) \
        if weights_q.in_force(db, model.base_version) else None
    fit = learn_mod.fit_decisions(model, s_now.levels, y, ~test, current)
    candidate = dataclasses.replace(model, weights={k: tuple(v) for k, v in fit.weights.items()},
                                    origin="decisions", weights_id="new")
    s_new = score_pairs(f, batch, index, candidate)
    if test.sum() and len(set(y[test].tolist())) == 2:
        fit.auc_before = round(learn_mod.auc(s_now.score[test], y[test]), 4)
        fit.auc_after = round(learn_mod.auc(s_new.score[test], y[test]), 4)
        fit.kept, fit.reason = learn_mod.better(s_now.score[test], s_new.score[test], y[test], model.threshold)
    else:
        fit.kept = False
        fit.reason = "the held-back share has no label of one kind"
    if fit.kept and all(list(model.level_weights(c)) == list(fit.weights.get(c.name, model.level_weights(c)))
                        for c in model.comparisons):
        fit.kept = False
        fit.reason += "; the refit changes no weight"
    rid = weights_q.record(db, model.base_version, "decisions", fit.to_json(), kept=fit.kept,
                           roster_fingerprint=index.fingerprint)
    say(f"refit from {len(rows)} decisions ({int(test.sum())} held back): {fit.reason}; "
        + ("kept" if fit.kept else "the weights in force stay"))
    if fit.kept:
        base = dataclasses.replace(model, weights={}, origin="prior", weights_id="")
        return apply(base, {"id": rid, "fit": fit.to_json()}), fit
    return model, fit


def explain_model(db, base: MatchModel, *, learned: bool = True) -> list[str]:
    """Lines for ``pantau match --explain-model``: every level's declared and in-force weight, and the fits.

    ``learned`` False (``[matching] learn_weights = false``): the declared weights are in force."""
    model = model_in_force(db, base) if learned else base
    row = weights_q.in_force(db, base.base_version) if learned else None
    fit = learn_mod.Fit.from_json(row["fit"]) if row else None
    origin = {"prior": "declared weights (no learned weights yet)" if learned else
                       "declared weights ([matching] learn_weights = false)",
              "em": "EM over this workspace's actors and roster",
              "decisions": "EM, then refitted from reviewers' decisions"}[model.origin]
    out = [f"model {model.version}: {origin}"]
    if row:
        out.append(f"  learned weights #{row['id']} ({row['origin']}) of {row['created_at']}")
    for comp in model.comparisons:
        out.append(f"{comp.name} ({comp.role}):")
        declared = comp.default_weights()
        force = model.level_weights(comp)
        m = fit.m.get(comp.name) if fit else None
        u = fit.u.get(comp.name) if fit else None
        for k, lvl in enumerate(comp.levels):
            mu = f"  m {m[k]:.3g} u {u[k]:.3g}" if m and u and k < len(m) else ""
            moved = f" (declared {declared[k]:g})" if force[k] != declared[k] else ""
            unit = " per bit" if comp.name == "unit" and k < len(comp.levels) - 1 else ""
            floor = f", at least {lvl.floor:g}" if lvl.floor else ""
            out.append(f"  {force[k]:>7.2f}{unit}{floor}{moved}  {lvl.label}{mu}")
    out.append(f"score: best name comparison + {model.second_name_share:g} x the other's support, "
               f"+ {model.name_base:g} when the name fits, + term frequency, + shared name, + the others; "
               f"threshold {model.threshold:g}, strong from {model.strong_min:g} with corroboration")
    hist = weights_q.history(db, base.base_version)
    if hist:
        out.append("fits (newest first):")
        for h in hist:
            f = learn_mod.Fit.from_json(h["fit"])
            what = (f"{f.pairs} pairs, lambda {f.lam:g}" if h["origin"] == "em"
                    else f"{f.labels} labels, {f.held_back} held back; {f.reason}")
            out.append(f"  #{h['id']} {h['origin']} {h['created_at']}: {what}; {'kept' if h['kept'] else 'not kept'}")
    return out
