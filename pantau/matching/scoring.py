"""Scoring: comparison weights, token rarity, corroboration -> one 0-100 score, a band, an explanation.

The score is a sum of points, each point source one line of the explanation:

- name evidence: the best of the display-name and handle comparisons, plus a share
  of the other (both carry the same name, so they are not independent);
- term frequency (as Splink's TF adjustment): the bits of information in the name
  tokens that matched (``log2(roster size / employees with the token)``) against a
  reference of ``log2(roster size) + tf_bits_over_log2n``: a name many people carry
  weighs less, a rare one more;
- shared name: several active employees with exactly this name;
- the other comparisons (role ``add``: birth date, unit words, titles), each its
  level's points; a level that ``corroborates`` is evidence independent of the name;
- a known handle (role ``known``): its points, and the score raised to its level's
  floor. Certain only on the platform the roster names: a bare known handle is strong
  only when something else agrees (name-shaped handles are picked by namesakes too).

Which comparisons exist and their levels are declared in ``pantau.matching.comparisons``
(one module each); nothing here names a comparison except the display name's lead
rule and the bands' use of the known-handle kinds.

Bands: ``strong`` needs the score *and* corroboration (a name alone, however rare,
is what a namesake also has); ``namesake`` is a name fit that several employees
share or that is common; everything else above the threshold is ``possible``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pantau.matching import evidence
from pantau.matching import known as known_mod
from pantau.matching.actors import ActorBatch
from pantau.matching.comparisons import PairFeatures
from pantau.matching.comparisons.known_handle import kinds as known_kinds
from pantau.matching.index import RosterIndex
from storage.records import Feature, MatchCandidate

BAND_STRONG, BAND_POSSIBLE, BAND_NAMESAKE = 0, 1, 2
BAND_NAMES = ("strong", "possible", "namesake")
#: scores this close count as a tie (float32 sums of the same points)
TIE_POINTS = 0.05


@dataclass
class Scored:
    score: np.ndarray
    band: np.ndarray
    levels: list[np.ndarray]    # per comparison of the model: level index per pair (-1: not applicable)
    weights: list[np.ndarray]   # per comparison: points per pair (name comparisons before the share)
    tf: np.ndarray
    info: np.ndarray
    shared: np.ndarray
    known_kind: np.ndarray      # known.KNOWN_* of the pair (0: no known handle involved)
    known_points: np.ndarray    # points the known handle added (up to its floor)
    display_fits: np.ndarray    # the display name fits the employee's name (a name level, weight >= display_fit_min)
    corroborated: np.ndarray    # evidence independent of the name (birth date, unit words, title, known handle on its platform)
    handle_only: np.ndarray     # the handle is the only name shown: the display name is missing or names nobody
    best_comp: np.ndarray       # index (in model.comparisons) of the name comparison that counts fully
    name_ev: np.ndarray         # some level says the name fits
    told_apart: np.ndarray      # the name is shared, but evidence tells this employee apart (no penalty)
    capped: np.ndarray          # points taken off (or added) to hold the sum within 0..100


def score_pairs(f: PairFeatures, batch: ActorBatch, roster: RosterIndex, model) -> Scored:
    comps = model.comparisons
    levels, weights = [], []
    for comp in comps:
        idx, w = comp.evaluate(f, model.level_weights(comp))
        levels.append(idx)
        weights.append(w.astype(np.float32))
    name_k = [k for k, c in enumerate(comps) if c.role == "name"]
    add_k = [k for k, c in enumerate(comps) if c.role == "add"]
    known_k = [k for k, c in enumerate(comps) if c.role == "known"]
    by_name = {c.name: k for k, c in enumerate(comps)}
    name_ev = np.zeros(f.n, bool)
    for k in name_k:
        name_ev |= comps[k].mask("name_evidence")[levels[k]]
    # the comparison that counts fully: the best level, except that a display name that reads
    # as a full name and fits leads (a handle is usually made from it, so "rinahalim" does not
    # outweigh the display name "Rina Samori Halim"); the others add a share of their support,
    # or all of their contradiction
    W = np.vstack([weights[k] for k in name_k]) if name_k else np.zeros((1, f.n), np.float32)
    best_row = W.argmax(0)
    d = by_name.get("display_name")
    if d is not None and len(name_k) > 1:
        d_row = name_k.index(d)
        lead = (f.d_known >= 2) & (weights[d] > 0) & comps[d].mask("name_evidence")[levels[d]]
        best_row = np.where(lead, d_row, best_row)
    best_comp = np.array(name_k or [0])[best_row]
    best = np.take_along_axis(W, best_row[None, :], 0)[0]
    others = np.where(W > 0, model.second_name_share * W, W)
    others[best_row, np.arange(f.n)] = 0.0
    name_points = best + others.sum(0)
    # information in the matched name: the field that matched more of it
    info = np.maximum(f.d.info + f.d.call_info, f.h.info + f.h.call_info)
    exact_any = (f.d_exact | f.h_exact | f.d_variant | f.h_variant)
    info = np.where(exact_any, f.name_info, info)
    ref = roster.log2n + model.tf_bits_over_log2n
    tf = np.clip(model.tf_points_per_bit * (info - ref), model.tf_min, model.tf_max)
    tf = np.where(name_ev, tf, 0.0)
    identified = np.zeros(f.n, bool)
    for k in name_k:
        identified |= comps[k].mask("identifies")[levels[k]]
    tf = np.where(identified, np.maximum(tf, 0.0), tf).astype(np.float32)
    nc = f.name_count.astype(np.float32)
    shared = np.where(name_ev & (nc >= 2),
                      np.maximum(model.shared_name_points * np.log2(np.maximum(nc, 1)), model.shared_name_min),
                      0.0).astype(np.float32)
    independent = np.zeros(f.n, bool)
    told_apart = np.zeros(f.n, bool)
    added = np.zeros(f.n, np.float32)
    for k in add_k:
        added += weights[k]
        independent |= comps[k].mask("corroborates")[levels[k]]
        told_apart |= comps[k].mask("tells_apart")[levels[k]]
    # a level that identifies the employee among those the name fits (one Elis born that day, one
    # who answers to Tono born that year) tells namesakes apart as a birth date does
    told_apart |= identified
    told_apart &= shared < 0
    shared = np.where(told_apart, 0.0, shared).astype(np.float32)
    total = name_points + np.where(name_ev, model.name_base, 0.0) + tf + shared + added
    raw = np.clip(total, 0, 100)
    score = raw.copy()
    known = np.zeros(f.n, bool)
    for k in known_k:
        floors = np.array([lvl.floor for lvl in comps[k].levels] + [0.0], np.float32)[levels[k]]
        hit = floors > 0
        score = np.where(hit, np.maximum(score + weights[k], floors), score)
        known |= comps[k].mask("corroborates")[levels[k]]
    score = np.clip(score, 0, 100).astype(np.float32)
    known_points = (score - raw).astype(np.float32)
    kind = known_kinds(f) if known_k else np.zeros(f.n, np.int8)
    weak_known = (kind == known_mod.KNOWN_BARE) | (kind == known_mod.KNOWN_NO_SERVER)
    corroborated = independent | known
    display_fits = weights[d] >= model.display_fit_min if d is not None else np.zeros(f.n, bool)
    common = name_ev & ((nc >= 2) | (tf <= -6))
    # a bare known handle is strong only when something else agrees: birth digits, unit words
    # or a title, or a display name that fits a name no other employee shares and that is not common
    weak_agrees = weak_known & (independent | (display_fits & ~common))
    strong = known | ((score >= model.strong_min) & corroborated & name_ev) | (
        weak_agrees & (score >= model.strong_min))
    strong &= ~weak_known | weak_agrees
    namesake = common & ~strong & ~weak_known
    band = np.where(strong, BAND_STRONG, np.where(namesake, BAND_NAMESAKE, BAND_POSSIBLE)).astype(np.int8)
    # the handle is the only name shown: the display name is missing or reaches only its
    # "else" level (no roster token, not another person's name), while the handle fits the name
    handle_only = np.zeros(f.n, bool)
    if d is not None:
        handle_only = (levels[d] == -1) | (levels[d] == len(comps[d].levels) - 1)
    h = by_name.get("handle")
    if h is not None:
        handle_only &= comps[h].mask("name_evidence")[levels[h]]
    return Scored(score=score, band=band, levels=levels, weights=weights, tf=tf, info=info, shared=shared,
                  known_kind=kind, known_points=known_points, display_fits=display_fits,
                  corroborated=corroborated, handle_only=handle_only & (band == BAND_POSSIBLE),
                  best_comp=best_comp, name_ev=name_ev, told_apart=told_apart,
                  capped=(raw - total).astype(np.float32))


def below_threshold_kept(s: Scored, model) -> np.ndarray:
    """Pairs kept under the threshold: a handle-only name that nothing marks as common or shared.

    A handle is a compressed form of the name (run together, initials, shortened), so its
    levels score below a display name's; an account that shows no name besides the handle
    has no second field to confirm it. Such a pair in the ``possible`` band (the name is
    neither shared nor common) gets ``handle_only_allowance`` points of grace; namesakes do not.
    """
    return s.handle_only & (s.score >= model.threshold - model.handle_only_allowance) & (s.score < model.threshold)


def select(f: PairFeatures, s: Scored, model) -> np.ndarray:
    """Indices of the pairs to keep: score >= threshold, best ``top_k`` per actor.

    Within ``margin`` points of the actor's best only; beyond ``uncorroborated_top_k``
    candidates a further one needs corroboration (birth date, unit words, title, known
    handle): a third employee tied on the name alone is a lottery among namesakes. When
    more than ``max_name_ties`` employees tie for the actor's best score on the name alone
    (six employees called Endang, and an account "endang"), picking two of them would be
    arbitrary: none of those is kept, only candidates that something else singles out.
    """
    ok = np.flatnonzero((s.score >= model.threshold) | below_threshold_kept(s, model))
    if not len(ok):
        return ok
    pa = f.pa[ok]
    order = np.lexsort((-s.score[ok], pa))
    ok, pa = ok[order], pa[order]
    starts = np.r_[0, np.flatnonzero(np.diff(pa)) + 1]
    sizes = np.diff(np.r_[starts, len(pa)])
    rank = np.arange(len(pa)) - np.repeat(starts, sizes)
    best = np.repeat(s.score[ok][starts], sizes)
    keep = (rank < model.top_k) & (s.score[ok] >= best - model.margin)
    named_only = ~(s.corroborated[ok] | (s.known_kind[ok] > 0))
    keep &= (rank < model.uncorroborated_top_k) | ~named_only
    # a lottery: more employees than max_name_ties tie for the actor's best score on the name
    # alone; any two of them would be an arbitrary pick, so none is shown
    tied = named_only & (s.score[ok] >= best - TIE_POINTS)
    lottery = np.repeat(np.add.reduceat(tied.astype(np.int32), starts) > model.max_name_ties, sizes)
    keep &= ~(lottery & named_only)
    return ok[keep]


def explain(i: int, f: PairFeatures, s: Scored, batch: ActorBatch, roster: RosterIndex, model) -> list[Feature]:
    """The evidence of one kept pair as evidence codes (never the NIP or the birth date itself).

    The weights add up to the score: each point source is one feature, a score held
    within 0..100 gets a ``score.capped`` feature with the difference, and the last
    feature (``score.formed``) lists the parts.
    """
    comps = model.comparisons
    out: list[Feature] = []

    def level_feature(k: int, w: float) -> Feature:
        comp, lvl = comps[k], int(s.levels[k][i])
        params = comp.params(f, i, lvl)
        if comp.role == "name":
            params["level_points"] = round(float(s.weights[k][i]), 1)
        return evidence.make(comp.feature_name(lvl), comp.code(lvl), round(w, 1), **params)

    for k, comp in enumerate(comps):                 # a known handle first: it decides most
        if comp.role == "known" and s.levels[k][i] >= 0 and comps[k].levels[int(s.levels[k][i])].floor > 0:
            out.append(level_feature(k, float(s.known_points[i])))
    best_k = int(s.best_comp[i])
    for k, comp in enumerate(comps):
        if comp.role != "name" or s.levels[k][i] < 0:
            continue
        w = float(s.weights[k][i])
        if w == 0:
            continue
        if k != best_k and w > 0:
            w *= model.second_name_share
        out.append(level_feature(k, w))
    if s.name_ev[i] and model.name_base:
        out.append(evidence.make("name_base", "name.base", round(float(model.name_base), 1)))
    if s.tf[i]:
        code = "frequency.common" if s.tf[i] < 0 else "frequency.rare"
        out.append(evidence.make("frequency", code, round(float(s.tf[i]), 1), bits=round(float(s.info[i]), 1)))
    if s.shared[i]:
        out.append(evidence.make("shared_name", "shared_name", round(float(s.shared[i]), 1),
                                 count=int(f.name_count[i])))
    elif s.told_apart[i]:
        out.append(evidence.make("shared_name", "shared_name.told_apart", 0.0, count=int(f.name_count[i])))
    for k, comp in enumerate(comps):
        if comp.role == "add" and s.levels[k][i] >= 0 and s.weights[k][i] != 0:
            out.append(level_feature(k, float(s.weights[k][i])))
    capped = round(float(s.capped[i]), 1)
    if capped:
        out.append(evidence.make("score_capped", "score.capped", capped,
                                 total=round(sum(x.weight for x in out), 1)))
    out.extend(_band_features(i, s, model, int(f.name_count[i])))
    parts = [[x.code, x.weight] for x in out if x.weight]
    total = round(sum(p[1] for p in parts), 1)
    out.append(evidence.make("score", "score.formed", 0.0, score=total, total=total, parts=parts,
                             share=float(model.second_name_share), origin=model.origin, model=model.version))
    return out


def _band_features(i: int, s: Scored, model, count: int) -> list[Feature]:
    """``count``: employees carrying the name the account shows (``PairFeatures.name_count``)."""
    band = BAND_NAMES[int(s.band[i])]
    kind = int(s.known_kind[i])
    if band == "namesake":
        if count >= 2:
            return [evidence.make("band", "band.namesake.shared", 0.0, count=count)]
        return [evidence.make("band", "band.namesake.common", 0.0)]
    if band == "possible" and kind in (known_mod.KNOWN_BARE, known_mod.KNOWN_NO_SERVER):
        return [evidence.make("band", "band.possible.known_bare", 0.0)]
    if band == "possible" and kind:
        return [evidence.make("band", "band.possible.known_other", 0.0)]
    if band == "possible":
        out = [evidence.make("band", "band.possible", 0.0)]
        if s.score[i] < model.threshold:
            out.append(evidence.make("handle_only", "band.handle_only", 0.0))
        return out
    if kind == known_mod.KNOWN_CERTAIN:
        return [evidence.make("band", "band.strong.known", 0.0)]
    if kind in (known_mod.KNOWN_BARE, known_mod.KNOWN_NO_SERVER) and not s.corroborated[i]:
        return [evidence.make("band", "band.strong.known_bare", 0.0)]
    return [evidence.make("band", "band.strong", 0.0)]


def candidates(f: PairFeatures, s: Scored, keep: np.ndarray, batch: ActorBatch, roster: RosterIndex,
               model) -> list[MatchCandidate]:
    out = []
    for i in keep.tolist():
        feats = explain(i, f, s, batch, roster, model)
        out.append(MatchCandidate(
            actor_id=int(batch.ids[f.pa[i]]), nip=roster.nips[f.pe[i]].decode(),
            score=feats[-1].params["score"], band=BAND_NAMES[int(s.band[i])], features=feats))
    return out
