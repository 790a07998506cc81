"""Scoring: comparison weights, token rarity, corroboration -> one 0-100 score, a band, an explanation.

The score is a sum of points, each point source one line of the explanation:

- name evidence: the best of the display-name and handle comparisons, plus a share
  of the other (both carry the same name, so they are not independent);
- term frequency (as Splink's TF adjustment): the bits of information in the name
  tokens that matched (``log2(roster size / employees with the token)``) against a
  reference of ``log2(roster size) + tf_bits_over_log2n``: a name many people carry
  weighs less, a rare one more;
- shared name: several active employees with exactly this name;
- corroboration, independent of the name: handle digits against the birth date in
  the NIP, unit or position words in the bio or handle, titles, a known handle on the
  platform the roster names. A known handle without a platform (or listed for another
  platform) adds points but is not certain: name-shaped handles (``budisantoso``) are
  picked by namesakes too, so such a pair is strong only when something else agrees.

Bands: ``strong`` needs the score *and* corroboration (a name alone, however rare,
is what a namesake also has); ``namesake`` is a name fit that several employees
share or that is common; everything else above the threshold is ``possible``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pantau.matching import evidence
from pantau.matching import known as known_mod
from pantau.matching.comparisons import PairFeatures
from pantau.matching.index import ActorBatch, RosterIndex
from storage.records import Feature, MatchCandidate

BAND_STRONG, BAND_POSSIBLE, BAND_NAMESAKE = 0, 1, 2
BAND_NAMES = ("strong", "possible", "namesake")


@dataclass
class Scored:
    score: np.ndarray
    band: np.ndarray
    levels: list[np.ndarray]
    weights: list[np.ndarray]
    name_points: np.ndarray
    tf: np.ndarray
    info: np.ndarray
    shared: np.ndarray
    birth_kind: np.ndarray      # 0 none, 1 year, 2 day-month, 3 full date
    birth: np.ndarray
    ctx: np.ndarray
    ctx_hit: np.ndarray         # P x NCA: which actor words matched
    title: np.ndarray
    title_hit: np.ndarray
    known: np.ndarray           # a known handle on its platform: certain
    known_kind: np.ndarray      # known.KNOWN_* of the pair (0: no known handle involved)
    known_points: np.ndarray    # points the known handle added
    display_fits: np.ndarray    # the display name fits the employee's name (a name level, weight >= display_fit_min)
    corroborated: np.ndarray    # evidence independent of the name (birth date, unit words, title, known handle on its platform)
    handle_only: np.ndarray     # the handle is the only name shown: the display name is missing or names nobody
    best_comp: np.ndarray       # index of the comparison that counts fully (the others add a share)
    name_ev: np.ndarray         # some level says the name fits
    capped: np.ndarray          # points taken off (or added) to hold the sum within 0..100


def score_pairs(f: PairFeatures, batch: ActorBatch, roster: RosterIndex, model) -> Scored:
    pa, pe = f.pa, f.pe
    levels, weights, name_ev = [], [], np.zeros(f.n, bool)
    for comp in model.comparisons:
        idx, w = comp.evaluate(f)
        levels.append(idx)
        weights.append(w)
        ev = np.array([lvl.name_evidence for lvl in comp.levels] + [False])[idx]
        name_ev |= ev
    W = np.vstack(weights) if weights else np.zeros((1, f.n), np.float32)
    # the comparison that counts fully: the best level, except that a display name that reads
    # as a full name leads (a handle is usually made from it, so "rinahalim" does not outweigh
    # the display name "Rina Samori Halim"); the others add a share of their support, or all
    # of their contradiction
    best_comp = W.argmax(0)
    by_name = {comp.name: k for k, comp in enumerate(model.comparisons)}
    if "display_name" in by_name and len(weights) > 1:
        best_comp = np.where(f.d_known >= 2, by_name["display_name"], best_comp)
    best = np.take_along_axis(W, best_comp[None, :], 0)[0]
    others = np.where(W > 0, model.second_name_share * W, W)
    others[best_comp, np.arange(f.n)] = 0.0
    name_points = best + others.sum(0)
    # information in the matched name: from the field that gave the best level
    # information in the matched name: the field that matched more of it
    info = np.maximum(f.d.info, f.h.info)
    exact_any = (f.d_exact | f.h_exact | f.d_variant)
    info = np.where(exact_any, f.name_info, info)
    ref = roster.log2n + model.tf_bits_over_log2n
    tf = np.clip(model.tf_points_per_bit * (info - ref), model.tf_min, model.tf_max)
    tf = np.where(name_ev, tf, 0.0).astype(np.float32)
    nc = f.name_count.astype(np.float32)
    shared = np.where(name_ev & (nc >= 2),
                      np.maximum(model.shared_name_points * np.log2(np.maximum(nc, 1)), model.shared_name_min),
                      0.0).astype(np.float32)
    # birth date from handle digits
    by = roster.birth_year[pe]
    bmd = roster.birth_md[pe]
    full = (batch.fulls[pa] == (by * 10000 + bmd)[:, None]).any(1) & (by > 0)
    md = (batch.mds[pa] == bmd[:, None]).any(1) & (bmd > 0)
    yr = (batch.years[pa] == by[:, None]).any(1) & (by > 0)
    claimed = batch.claimed[pa]
    contradicts = (claimed[:, 0] > 0) & ~yr & (by > 0)
    birth_kind = np.where(full, 3, np.where(md, 2, np.where(yr, 1, np.where(contradicts, 4, 0))))
    birth = np.array([0.0, model.birth_year, model.birth_day_month, model.birth_full_date,
                      model.birth_contradicts], dtype=np.float32)[birth_kind]
    # unit / position words (only pairs whose actor has any)
    A = batch.ctx[pa]
    E = roster.e_ctx[pe]
    ctx_hit = np.zeros(A.shape, bool)
    e_hit = np.zeros(E.shape, bool)
    for i in range(A.shape[1]):
        col = A[:, i]
        if not (col >= 0).any():
            continue
        for k in range(E.shape[1]):
            m = col == E[:, k]
            ctx_hit[:, i] |= m
            e_hit[:, k] |= m
    idf = np.where(E >= 0, roster.ctx_idf[np.where(E >= 0, E, 0)], 0.0)
    ctx = np.minimum(model.context_max, model.context_points_per_bit * (idf * e_hit).sum(1)).astype(np.float32)
    # titles
    TA = batch.titles[pa]
    TE = roster.e_title[pe]
    title_hit = np.zeros(TA.shape, bool)
    for i in range(TA.shape[1]):
        col = TA[:, i]
        if not (col >= 0).any():
            continue
        for k in range(TE.shape[1]):
            title_hit[:, i] |= col == TE[:, k]
    title = np.minimum(model.title_max, model.title_points * title_hit.sum(1)).astype(np.float32)
    # known handles: certain only on their own platform (and server); a bare or other-platform
    # one is evidence that a namesake may share (name-shaped handles are picked by many)
    kind = np.zeros(f.n, np.int8)
    kr = [(r, e, k) for r in range(batch.n) for e, k in batch.known[r]]
    if kr:
        n1 = np.int64(roster.n + 1)
        codes = np.array([r * (roster.n + 1) + e for r, e, _ in kr], dtype=np.int64)
        kinds = np.array([k for _, _, k in kr], dtype=np.int8)
        order = np.argsort(codes)
        codes, kinds = codes[order], kinds[order]
        pc = pa * n1 + pe
        pos = np.minimum(np.searchsorted(codes, pc), len(codes) - 1)
        kind = np.where(codes[pos] == pc, kinds[pos], 0).astype(np.int8)
    known = kind == known_mod.KNOWN_CERTAIN
    weak_known = (kind == known_mod.KNOWN_BARE) | (kind == known_mod.KNOWN_NO_SERVER)
    other_known = (kind == known_mod.KNOWN_OTHER_SERVER) | (kind == known_mod.KNOWN_OTHER_PLATFORM)
    total = name_points + np.where(name_ev, model.name_base, 0.0) + tf + shared + birth + ctx + title
    raw = np.clip(total, 0, 100)
    score = np.where(known, np.maximum(raw, model.known_handle_score), raw)
    score = np.where(weak_known, np.maximum(raw + model.known_bare_points, model.known_bare_min), score)
    score = np.where(other_known, np.maximum(raw + model.known_other_points, model.known_other_min), score)
    score = np.clip(score, 0, 100).astype(np.float32)
    known_points = (score - raw).astype(np.float32)
    independent = ((birth_kind >= 1) & (birth_kind <= 3)) | (ctx >= 5) | (title > 0)
    corroborated = independent | known
    d = by_name.get("display_name")
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
        handle_only = (levels[d] == -1) | (levels[d] == len(model.comparisons[d].levels) - 1)
    h = by_name.get("handle")
    if h is not None:
        handle_only &= np.array([lvl.name_evidence for lvl in model.comparisons[h].levels] + [False])[levels[h]]
    return Scored(score=score, band=band, levels=levels, weights=weights, name_points=name_points, tf=tf,
                  info=info, shared=shared, birth_kind=birth_kind, birth=birth, ctx=ctx, ctx_hit=ctx_hit,
                  title=title, title_hit=title_hit, known=known, known_kind=kind, known_points=known_points,
                  display_fits=display_fits, corroborated=corroborated, best_comp=best_comp, name_ev=name_ev,
                  capped=(raw - total).astype(np.float32),
                  handle_only=handle_only & (band == BAND_POSSIBLE))


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
    handle): a third employee tied on the name alone is a lottery among namesakes.
    """
    ok = np.flatnonzero((s.score >= model.threshold) | below_threshold_kept(s, model))
    if not len(ok):
        return ok
    pa = f.pa[ok]
    order = np.lexsort((-s.score[ok], pa))
    ok, pa = ok[order], pa[order]
    starts = np.r_[0, np.flatnonzero(np.diff(pa)) + 1]
    rank = np.arange(len(pa)) - np.repeat(starts, np.diff(np.r_[starts, len(pa)]))
    best = np.repeat(s.score[ok][starts], np.diff(np.r_[starts, len(pa)]))
    keep = (rank < model.top_k) & (s.score[ok] >= best - model.margin)
    keep &= (rank < model.uncorroborated_top_k) | s.corroborated[ok] | (s.known_kind[ok] > 0)
    return ok[keep]


_BIRTH_CODES = {1: "birth_date.year", 2: "birth_date.day_month", 3: "birth_date.full", 4: "birth_date.contradicts"}


def explain(i: int, f: PairFeatures, s: Scored, batch: ActorBatch, roster: RosterIndex, model) -> list[Feature]:
    """The evidence of one kept pair as evidence codes (never the NIP or the birth date itself).

    The weights add up to the score: each point source is one feature, a score held
    within 0..100 gets a ``score.capped`` feature with the difference, and the last
    feature (``score.formed``) lists the parts.
    """
    r = int(f.pa[i])
    e = int(f.pe[i])
    out: list[Feature] = []
    kind = int(s.known_kind[i])
    if kind:
        out.append(_known_feature(kind, r, e, batch, roster, float(s.known_points[i])))
    best_k = int(s.best_comp[i])
    for k, comp in enumerate(model.comparisons):
        lvl = int(s.levels[k][i])
        if lvl < 0:
            continue
        level = comp.levels[lvl]
        w = float(s.weights[k][i])
        if w == 0:
            continue
        if k != best_k and w > 0:
            w *= model.second_name_share
        params = {"level_points": round(float(s.weights[k][i]), 1)}
        if comp.name == "handle":
            params["handle"] = batch.handles[r] or ""
        if level.code == "call_name":
            params.update(_call_name_params(f, comp.name, i))
        out.append(evidence.make(f"{comp.name}:{lvl}", f"{comp.name}.{level.code}", round(w, 1), **params))
    if s.name_ev[i] and model.name_base:
        out.append(evidence.make("name_base", "name.base", round(float(model.name_base), 1)))
    if s.tf[i]:
        code = "frequency.common" if s.tf[i] < 0 else "frequency.rare"
        out.append(evidence.make("frequency", code, round(float(s.tf[i]), 1), bits=round(float(s.info[i]), 1)))
    if s.shared[i]:
        out.append(evidence.make("shared_name", "shared_name", round(float(s.shared[i]), 1),
                                 count=int(roster.name_count[e])))
    bk = int(s.birth_kind[i])
    if bk:
        out.append(evidence.make("birth_date", _BIRTH_CODES[bk], round(float(s.birth[i]), 1),
                                 digits=", ".join(batch.digits[r])))
    if s.ctx[i] > 0:
        words = [w for w, hit in zip(batch.ctx_words[r], s.ctx_hit[i]) if hit]
        out.append(evidence.make("unit", "unit", round(float(s.ctx[i]), 1), words=words))
    if s.title[i] > 0:
        ts = [t for t, hit in zip(batch.title_text[r], s.title_hit[i]) if hit]
        out.append(evidence.make("title", "title", round(float(s.title[i]), 1), titles=ts))
    capped = round(float(s.capped[i]), 1)
    if capped:
        out.append(evidence.make("score_capped", "score.capped", capped,
                                 total=round(sum(x.weight for x in out), 1)))
    band = BAND_NAMES[int(s.band[i])]
    if band == "namesake":
        if roster.name_count[e] >= 2:
            out.append(evidence.make("band", "band.namesake.shared", 0.0, count=int(roster.name_count[e])))
        else:
            out.append(evidence.make("band", "band.namesake.common", 0.0))
    elif band == "possible" and kind in (known_mod.KNOWN_BARE, known_mod.KNOWN_NO_SERVER):
        out.append(evidence.make("band", "band.possible.known_bare", 0.0))
    elif band == "possible" and kind:
        out.append(evidence.make("band", "band.possible.known_other", 0.0))
    elif band == "possible":
        out.append(evidence.make("band", "band.possible", 0.0))
        if s.score[i] < model.threshold:
            out.append(evidence.make("handle_only", "band.handle_only", 0.0))
    elif kind == known_mod.KNOWN_CERTAIN:
        out.append(evidence.make("band", "band.strong.known", 0.0))
    elif kind in (known_mod.KNOWN_BARE, known_mod.KNOWN_NO_SERVER) and not s.corroborated[i]:
        out.append(evidence.make("band", "band.strong.known_bare", 0.0))
    else:
        out.append(evidence.make("band", "band.strong", 0.0))
    parts = [[x.code, x.weight] for x in out if x.weight]
    total = round(sum(p[1] for p in parts), 1)
    out.append(evidence.make("score", "score.formed", 0.0, score=total, total=total, parts=parts,
                             share=float(model.second_name_share), origin=getattr(model, "origin", "prior"),
                             model=model.version))
    return out


def _call_name_params(f: PairFeatures, field: str, i: int) -> dict:
    pairs = getattr(f, "call_pairs", {}).get(field)
    if not pairs:
        return {}
    call, given = pairs.get(i, ("", ""))
    return {"call": call, "given": given}


_PLATFORM_NAMES = {"x": "X", "youtube": "YouTube", "tiktok": "TikTok", "web": "web"}


def _pname(p: str) -> str:
    return _PLATFORM_NAMES.get(p, p.capitalize())


def _known_feature(kind: int, r: int, e: int, batch: ActorBatch, roster: RosterIndex, points: float) -> Feature:
    """The known-handle feature: how it matched, and why it is certain or only evidence."""
    platform = batch.platforms[r]
    ah = known_mod.actor_handle(platform, batch.handles[r])
    listed, listed_platform = "", ""
    for emp, p, key in roster.known_user.get(ah.user if ah else "", ()):
        if emp == e and p:
            listed, listed_platform = key, _pname(p)
            break
    pts = round(points, 1)
    if kind == known_mod.KNOWN_CERTAIN:
        return evidence.make("known_handle", "known_handle.certain", pts, platform=_pname(platform))
    if kind == known_mod.KNOWN_BARE:
        return evidence.make("known_handle:bare", "known_handle.bare", pts)
    if kind == known_mod.KNOWN_NO_SERVER:
        return evidence.make("known_handle:bare", "known_handle.no_server", pts)
    if kind == known_mod.KNOWN_OTHER_SERVER:
        return evidence.make("known_handle:other", "known_handle.other_server", pts, listed=listed,
                             listed_platform=listed_platform)
    return evidence.make("known_handle:other", "known_handle.other_platform", pts, listed=listed,
                         listed_platform=listed_platform, platform=_pname(platform))


def candidates(f: PairFeatures, s: Scored, keep: np.ndarray, batch: ActorBatch, roster: RosterIndex,
               model) -> list[MatchCandidate]:
    out = []
    for i in keep.tolist():
        feats = explain(i, f, s, batch, roster, model)
        out.append(MatchCandidate(
            actor_id=int(batch.ids[f.pa[i]]), nip=roster.nips[f.pe[i]].decode(),
            score=feats[-1].params["score"], band=BAND_NAMES[int(s.band[i])],
            features=feats))
    return out
