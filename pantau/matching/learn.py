"""Weights learned from a workspace: EM over its own pairs (Fellegi-Sunter, as Splink does) and reviewers' decisions.

The declared level weights (``comparisons/``) are the prior. Learning moves them,
never replaces the model's structure, so thresholds and bands keep their meaning:

1. **EM** (no labels). The candidate pairs of a sample of the workspace's actors are
   compared; every pair starts with a match probability from the prior score
   (``sigmoid((score - threshold) / TEMPERATURE)``). Then, as in Splink's
   expectation-maximisation: m (P(level | match)) and u (P(level | non-match)) per
   level of each learned comparison, and lambda; the E-step recomputes each pair's
   probability from ``logit(lambda) + sum log2(m/u)``. The first M-step (the prior's
   own classification) is the anchor ``m0/u0``, and every later step is pulled back to
   it by ``PRIOR_PAIRS`` pseudo-pairs. The learned weight of a level is its declared
   weight plus ``POINTS_PER_BIT`` x (``log2(m/u) - log2(m0/u0)``), within
   ``MAX_SHIFT`` points: what this workspace shows beyond what the prior assumed.
   Without labels a weight only goes down (see ``shifted``: raising weights from
   unlabelled pairs added pairs on every benchmark set).
   A level seen in fewer than ``MIN_SUPPORT`` pairs on either side keeps its weight.
2. **Decisions** (labels). Confirmed pairs are matches, rejected ones non-matches
   (escalated ones are not labels). With at least ``MIN_LABELS`` labels, ``MIN_CLASS``
   of each kind, a share ``HELD_BACK`` (chosen by a hash of the pair, so the same pair
   is always on the same side) is held back; m and u are re-estimated from the rest
   (the EM estimates as ``PRIOR_PAIRS`` pseudo-pairs) and the weights moved as above.
   The refit is kept only if it ranks the held-back labels better (ROC AUC of the
   score; log loss breaks a tie); otherwise the weights in force stay.

Which comparisons learn: those whose levels are fixed points (display name, handle,
birth date, titles). Unit words (points per bit of rarity) and known handles (rules
with floors) keep their declared weights. Nothing here touches the database; the
match job stores the result (``storage.queries.match_weights``) with the model version.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

LEARNED = ("display_name", "handle", "birth_date", "title")
TEMPERATURE = 8.0        # points: how sharply the prior score turns into a match probability
POINTS_PER_BIT = 2.0
MAX_SHIFT = 6.0          # points EM may move a weight from its declared weight
MAX_SHIFT_LABELS = 12.0  # ... and a refit from decisions
PRIOR_PAIRS = 2000.0     # pseudo-pairs pulling EM to the anchor
PRIOR_LABELS = 20.0      # pseudo-pairs pulling a refit from decisions to the weights in force
MIN_SUPPORT = 5.0        # expected pairs on each side before a level's weight moves
ITERATIONS = 12
MIN_LABELS = 40
MIN_LEVEL_LABELS = 5     # labelled pairs at a level before the decisions move its weight
MIN_CLASS = 10
HELD_BACK = 0.25
EPS = 1e-4


@dataclass
class Fit:
    """A learned set of weights and how it came about (stored as JSON)."""

    origin: str                                   # "em" or "decisions"
    weights: dict[str, list[float]]
    m: dict[str, list[float]] = field(default_factory=dict)
    u: dict[str, list[float]] = field(default_factory=dict)
    lam: float = 0.0
    pairs: int = 0
    labels: int = 0
    held_back: int = 0
    auc_before: float | None = None
    auc_after: float | None = None
    kept: bool = True
    reason: str = ""

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, d: dict) -> "Fit":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def _learned(model) -> list[int]:
    return [k for k, c in enumerate(model.comparisons) if c.name in LEARNED]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def _mu(G: np.ndarray, n_levels: list[int], p: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list]:
    """Expected counts per level among matches (weight p) and non-matches (1 - p); nulls (-1) skipped."""
    mc, uc = [], []
    for c, n in enumerate(n_levels):
        g = G[:, c]
        ok = g >= 0
        mc.append(np.bincount(g[ok], weights=p[ok], minlength=n).astype(np.float64))
        uc.append(np.bincount(g[ok], weights=1 - p[ok], minlength=n).astype(np.float64))
    return mc, uc, None


def _normalise(counts: np.ndarray, prior: np.ndarray | None, strength: float) -> np.ndarray:
    if prior is None:
        x = counts + EPS
    else:
        x = counts + strength * prior + EPS
    return x / x.sum()


def em(G: np.ndarray, prior_scores: np.ndarray, n_levels: list[int], threshold: float,
       iterations: int = ITERATIONS) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray],
                                               list[np.ndarray], float, list[np.ndarray], list[np.ndarray]]:
    """(m, u, m0, u0, lambda, m-support, u-support) per comparison column of ``G`` (pairs x comparisons)."""
    p = _sigmoid((prior_scores - threshold) / TEMPERATURE)
    mc, uc, _ = _mu(G, n_levels, p)
    m0 = [_normalise(c, None, 0) for c in mc]
    u0 = [_normalise(c, None, 0) for c in uc]
    m, u = m0, u0
    lam = float(np.clip(p.mean(), 1e-4, 0.5))
    for _ in range(iterations):
        logit = np.full(len(G), math.log(lam / (1 - lam)))
        for c in range(G.shape[1]):
            g = G[:, c]
            ok = g >= 0
            bf = np.log(m[c] / u[c])
            logit[ok] += bf[g[ok]]
        p = _sigmoid(logit)
        lam = float(np.clip(p.mean(), 1e-4, 0.5))
        mc, uc, _ = _mu(G, n_levels, p)
        m = [_normalise(mc[c], m0[c], PRIOR_PAIRS) for c in range(len(n_levels))]
        u = [_normalise(uc[c], u0[c], PRIOR_PAIRS) for c in range(len(n_levels))]
    return m, u, m0, u0, lam, mc, uc


def shifted(declared: tuple[float, ...], m: np.ndarray, u: np.ndarray, m0: np.ndarray, u0: np.ndarray,
            m_support: np.ndarray, u_support: np.ndarray, min_support: float = MIN_SUPPORT,
            max_shift: float = MAX_SHIFT, lower_only: bool = True) -> list[float]:
    """Declared weights moved by what the data show beyond the anchor, within ``max_shift``.

    Without labels (EM) a weight only goes down: EM's "match" cluster holds the exact
    namesakes too (nothing unlabelled tells them apart), so a level that namesakes reach
    looks better than it is; raising it measurably added pairs on every benchmark set.
    Lowering a level that this workspace's non-matches reach often is safe. Labels may
    move a weight either way.
    """
    out = []
    for lvl, w in enumerate(declared):
        if m_support[lvl] < min_support or u_support[lvl] < min_support:
            out.append(float(w))
            continue
        bits = math.log2(m[lvl] / u[lvl]) - math.log2(m0[lvl] / u0[lvl])
        delta = float(np.clip(POINTS_PER_BIT * bits, -max_shift, max_shift))
        if lower_only:
            delta = min(delta, 0.0)
        out.append(round(float(w + delta), 2))
    return out


def _fixed_else(comp, weights: list[float]) -> list[float]:
    """The "else" level (no condition) is the baseline every pair can reach: it keeps its declared weight."""
    return [float(lvl.weight) if lvl.condition is None else w for lvl, w in zip(comp.levels, weights)]


def fit_em(model, levels: list[np.ndarray], scores: np.ndarray) -> Fit:
    """EM weights from the level indices (per comparison) and prior scores of a workspace's pairs."""
    ks = _learned(model)
    G = np.stack([levels[k] for k in ks], 1) if ks else np.zeros((len(scores), 0), np.int64)
    n_levels = [len(model.comparisons[k].levels) for k in ks]
    m, u, m0, u0, lam, ms, us = em(G, scores, n_levels, model.threshold)
    weights, mm, uu = {}, {}, {}
    for c, k in enumerate(ks):
        comp = model.comparisons[k]
        weights[comp.name] = _fixed_else(comp, shifted(comp.default_weights(), m[c], u[c], m0[c], u0[c], ms[c],
                                                       us[c]))
        mm[comp.name] = [float(f"{x:.6g}") for x in m[c]]
        uu[comp.name] = [float(f"{x:.6g}") for x in u[c]]
    return Fit(origin="em", weights=weights, m=mm, u=uu, lam=round(lam, 6), pairs=int(len(scores)))


def held_back(actor_id: int, nip: str) -> bool:
    """Whether a labelled pair is held back to check a refit (stable per pair)."""
    h = hashlib.sha256(f"{actor_id}|{nip}".encode()).digest()
    return h[0] < 256 * HELD_BACK


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC: the chance that a random confirmed pair outscores a random rejected one (ties count half)."""
    pos, neg = scores[y == 1], scores[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    allv = np.concatenate([pos, neg])[order]
    ranks = np.empty(len(allv))
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(allv))
    r[order] = ranks
    return float((r[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def kept_rate(scores: np.ndarray, y: np.ndarray, label: int, threshold: float) -> float:
    """Share of held-back pairs of one label that the threshold keeps."""
    sel = y == label
    return float((scores[sel] >= threshold).mean()) if sel.any() else float("nan")


def better(before: np.ndarray, after: np.ndarray, y: np.ndarray, threshold: float) -> tuple[bool, str]:
    """Is a refit better on the held-back labels? It must keep at least as many confirmed pairs
    above the threshold (a refit that ranks better by dropping true matches is not better), and
    rank them better (AUC) or keep fewer rejected pairs."""
    a0, a1 = auc(before, y), auc(after, y)
    c0, c1 = kept_rate(before, y, 1, threshold), kept_rate(after, y, 1, threshold)
    r0, r1 = kept_rate(before, y, 0, threshold), kept_rate(after, y, 0, threshold)
    ok = c1 >= c0 and (a1 > a0 or r1 < r0)
    return ok, (f"held back: AUC {a0:.4f} -> {a1:.4f}, confirmed kept {c0:.3f} -> {c1:.3f}, "
                f"rejected kept {r0:.3f} -> {r1:.3f}")


def fit_decisions(model, levels: list[np.ndarray], y: np.ndarray, train: np.ndarray, current: Fit | None) -> Fit:
    """Weights refitted on the training labels, anchored on the weights in force (and their m/u)."""
    ks = _learned(model)
    weights, mm, uu = {}, {}, {}
    yt = y[train].astype(np.float64)
    for k in ks:
        comp = model.comparisons[k]
        g = levels[k][train]
        ok = g >= 0
        n = len(comp.levels)
        mc = np.bincount(g[ok], weights=yt[ok], minlength=n).astype(np.float64)
        uc = np.bincount(g[ok], weights=1 - yt[ok], minlength=n).astype(np.float64)
        if current is not None and comp.name in current.m:
            m_a = np.maximum(np.array(current.m[comp.name]), 1e-6)
            u_a = np.maximum(np.array(current.u[comp.name]), 1e-6)
        else:
            m_a = _normalise(mc, None, 0)
            u_a = _normalise(uc, None, 0)
        m = _normalise(mc, m_a, PRIOR_LABELS)
        u = _normalise(uc, u_a, PRIOR_LABELS)
        base = model.level_weights(comp)
        seen = mc + uc                    # a level needs labels (of either kind) before it moves
        weights[comp.name] = _fixed_else(comp, shifted(base, m, u, m_a, u_a, seen, seen, MIN_LEVEL_LABELS,
                                                       MAX_SHIFT_LABELS, lower_only=False))
        mm[comp.name] = [float(f"{x:.6g}") for x in m]
        uu[comp.name] = [float(f"{x:.6g}") for x in u]
    return Fit(origin="decisions", weights=weights, m=mm, u=uu, lam=current.lam if current else 0.0,
               labels=int(len(y)), held_back=int((~train).sum()))
