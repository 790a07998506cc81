"""Comparisons: each a named, ordered list of labelled levels (as in Splink).

A level is a condition over the pair features; the first level that holds wins,
and its label and weight become one line of the explanation. Conditions work on
whole NumPy arrays of pairs (``PairFeatures``), never on one pair at a time.

To add a rule: add a ``Level`` at the right place in a comparison below (or a new
``Comparison`` listed in ``model.MatchModel.comparisons``); its label reaches the
explanations by itself. Then run ``benchmarks/matching/run.py`` to see that
recall and precision hold, and bump ``model.MODEL_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from rapidfuzz import fuzz, process

from pantau.matching.index import ActorBatch, RosterIndex

Condition = Callable[["PairFeatures"], np.ndarray]
INITIAL_BITS = 3.0


@dataclass
class TokenOverlap:
    """How the actor's tokens from one field cover the employee's name tokens."""

    n_a: np.ndarray          # actor full tokens
    n_init: np.ndarray       # actor initials
    n_e: np.ndarray          # employee tokens
    full_a: np.ndarray       # actor full tokens equal to an employee token
    full_e: np.ndarray       # employee tokens equal to an actor token
    init_a: np.ndarray       # actor initials that stand for an unmatched employee token
    covered_e: np.ndarray    # employee tokens matched fully or by an initial
    roster_init: np.ndarray  # roster initials (M. Rizki) covered by an actor full token
    info: np.ndarray         # bits of the employee tokens matched fully


def token_overlap(A: np.ndarray, A_init: np.ndarray, A_first: np.ndarray, E: np.ndarray,
                  roster: RosterIndex) -> TokenOverlap:
    """Column by column (a few dozen whole-array operations), never pair by pair."""
    P, ka = A.shape
    ke = E.shape[1]
    e_valid = E >= 0
    safe = np.where(e_valid, E, 0)
    e_first = np.where(e_valid, roster.tok_first[safe], -1)
    e_is_init = e_valid & (roster.tok_len[safe] == 1)
    a_used = [A[:, i] != -1 for i in range(ka)]
    a_cols = [A[:, i] for i in range(ka) if a_used[i].any()]
    e_full = np.zeros((P, ke), bool)
    a_hit = np.zeros(P, np.int64)
    for col in a_cols:
        hit = np.zeros(P, bool)
        for k in range(ke):
            m = col == E[:, k]
            e_full[:, k] |= m
            hit |= m
        a_hit += hit
    init_cols = [A_init[:, i] for i in range(A_init.shape[1]) if (A_init[:, i] > 0).any()]
    e_by_init = np.zeros((P, ke), bool)
    init_a = np.zeros(P, np.int64)
    for col in init_cols:
        hit = np.zeros(P, bool)
        for k in range(ke):
            m = (col == e_first[:, k]) & (col > 0) & ~e_full[:, k]
            e_by_init[:, k] |= m
            hit |= m
        init_a += hit
    e_init_cov = np.zeros((P, ke), bool)
    if e_is_init.any():
        for i in range(A_first.shape[1]):
            col = A_first[:, i]
            for k in range(ke):
                e_init_cov[:, k] |= (col == e_first[:, k]) & (col > 0) & e_is_init[:, k]
        e_init_cov &= ~e_full
    covered = e_full | e_by_init | e_init_cov
    idf = np.where(e_valid, roster.tok_idf[safe], 0.0)
    return TokenOverlap(
        n_a=sum(u.astype(np.int64) for u in a_used) if ka else np.zeros(P, np.int64),
        n_init=(A_init > 0).sum(1), n_e=e_valid.sum(1),
        full_a=a_hit, full_e=e_full.sum(1), init_a=init_a, covered_e=covered.sum(1),
        roster_init=e_init_cov.sum(1),
        # an initial says about one letter's worth (~3 bits), however rare the token it stands for
        info=(idf * e_full).sum(1) + INITIAL_BITS * (init_a + e_init_cov.sum(1)),
    )


class PairFeatures:
    """Every measurement of a batch of pairs, as arrays aligned with ``pa``/``pe``."""

    def __init__(self, batch: ActorBatch, roster: RosterIndex, pa: np.ndarray, pe: np.ndarray,
                 workers: int = -1):
        self.pa, self.pe = pa, pe
        self.n = len(pa)
        self.d = token_overlap(batch.d_tok[pa], batch.d_init[pa], batch.d_first[pa], roster.e_tok[pe], roster)
        self.h = token_overlap(batch.h_tok[pa], batch.h_init[pa], batch.h_first[pa], roster.e_tok[pe], roster)
        self.d_present = batch.d_sorted_h[pa] >= 0
        # a display name that reads as a person's name: two or more words, one of them a roster
        # name token ("Herman Sasiwan"); "Hamba Allah" or "Pejuang Rupiah" are not
        known = (batch.d_tok[pa] >= 0).sum(1)
        words = (batch.d_tok[pa] != -1).sum(1)
        self.d_known = np.where((known >= 1) & (words >= 2), words, 0)
        self.h_present = batch.h_compact_h[pa] >= 0
        self.d_exact = (batch.d_sorted_h[pa] == roster.e_sorted_h[pe]) | (
            batch.d_compact_h[pa] == roster.e_compact_h[pe])
        self.d_variant = batch.d_var_h[pa] == roster.e_var_h[pe]
        self.h_exact = (batch.h_compact_h[pa] == roster.e_compact_h[pe]) | (
            batch.h_sorted_h[pa] == roster.e_sorted_h[pe])
        es = roster.e_sorted[pe]
        if self.n:
            self.d_ratio = process.cpdist(batch.d_sorted[pa], es, scorer=fuzz.ratio, workers=workers,
                                          dtype=np.float32)
            hc = process.cpdist(batch.h_compact[pa], roster.e_compact[pe], scorer=fuzz.ratio,
                                workers=workers, dtype=np.float32)
            hs = process.cpdist(batch.h_sorted[pa], es, scorer=fuzz.ratio, workers=workers, dtype=np.float32)
            self.h_ratio = np.maximum(hc, hs)
        else:
            self.d_ratio = np.zeros(0, np.float32)
            self.h_ratio = np.zeros(0, np.float32)
        self.name_count = roster.name_count[pe]
        self.name_info = roster.name_info[pe]


@dataclass(frozen=True)
class Level:
    label: str                         # shown to reviewers, e.g. "equals the roster name"
    condition: Condition | None        # None: the "else" level
    weight: float
    name_evidence: bool = True         # the name fits: frequency and namesake rules apply
    code: str = ""                     # evidence code suffix: "<comparison>.<code>" in evidence.TEMPLATES


@dataclass(frozen=True)
class Comparison:
    name: str                          # feature name in explanations
    subject: str                       # "Display name", "Handle"
    levels: tuple[Level, ...]
    present: Callable[["PairFeatures"], np.ndarray]

    def evaluate(self, f: PairFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(level index, weight) per pair; level -1 means the field is missing."""
        conds = [lvl.condition(f) if lvl.condition is not None else np.ones(f.n, bool) for lvl in self.levels]
        idx = np.select(conds, np.arange(len(self.levels)), default=len(self.levels) - 1)
        idx = np.where(self.present(f), idx, -1)
        w = np.array([lvl.weight for lvl in self.levels] + [0.0], dtype=np.float32)[idx]
        return idx, w


def _all_roster_tokens(o: TokenOverlap) -> np.ndarray:
    return (o.full_e == o.n_e) & (o.n_e >= 2)


def _initials(o: TokenOverlap) -> np.ndarray:
    # one initial stands for one token: "ratna r" is not "ruslaini ratna rosman"
    return ((o.covered_e == o.n_e) & (o.full_e >= 1) & (o.n_e >= 2)
            & (o.full_e + o.n_init + o.roster_init >= o.n_e)
            & (o.full_a + o.init_a >= o.n_a + o.n_init) & (o.covered_e > o.full_e))


def _actor_subset(o: TokenOverlap) -> np.ndarray:
    """Every actor token is a roster token or its initial, but the roster name has more tokens."""
    return ((o.full_a + o.init_a + o.roster_init >= o.n_a + o.n_init) & (o.full_a >= 1)
            & (o.n_a + o.n_init >= 2) & (o.n_e > o.n_a + o.n_init))


def _looks_like_other_name(o: TokenOverlap, known: np.ndarray) -> np.ndarray:
    """A display name of two or more roster-known tokens that is not this name: evidence against."""
    return known >= 2


DISPLAY_NAME = Comparison(
    name="display_name", subject="Display name",
    present=lambda f: f.d_present,
    levels=(
        Level("equals the roster name", lambda f: f.d_exact, 62.0, code="exact"),
        Level("equals the roster name in old spelling (j = y)", lambda f: f.d_variant, 58.0, code="old_spelling"),
        Level("nearly equals the roster name (similarity >= 92)", lambda f: f.d_ratio >= 92, 52.0, code="near"),
        Level("contains every roster name token", lambda f: _all_roster_tokens(f.d), 38.0, code="all_tokens"),
        Level("matches the roster name with initials", lambda f: _initials(f.d), 44.0, code="initials"),
        Level("resembles the roster name (similarity >= 85)", lambda f: f.d_ratio >= 85, 40.0, code="similar"),
        Level("is a shortened form of the roster name", lambda f: _actor_subset(f.d), 38.0, code="shortened"),
        Level("shares one token but is another name", lambda f: (f.d.full_e >= 1) & (f.d_known >= 2), -15.0,
              name_evidence=False, code="other_name_one_token"),
        Level("shares one name token", lambda f: f.d.full_e >= 1, 4.0, name_evidence=False, code="one_token"),
        Level("is another person's name", lambda f: f.d_known >= 2, -20.0, name_evidence=False, code="other_name"),
        Level("differs from the roster name", None, 0.0, name_evidence=False, code="differs"),
    ),
)

HANDLE = Comparison(
    name="handle", subject="Handle",
    present=lambda f: f.h_present,
    levels=(
        Level("spells the roster name", lambda f: f.h_exact, 62.0, code="exact"),
        Level("nearly spells the roster name (similarity >= 92)", lambda f: f.h_ratio >= 92, 52.0, code="near"),
        Level("contains every roster name token", lambda f: _all_roster_tokens(f.h), 40.0, code="all_tokens"),
        Level("spells the roster name with initials", lambda f: _initials(f.h), 52.0, code="initials"),
        Level("resembles the roster name (similarity >= 85)", lambda f: f.h_ratio >= 85, 40.0, code="similar"),
        Level("is a shortened form of the roster name", lambda f: _actor_subset(f.h), 42.0, code="shortened"),
        Level("shares one name token", lambda f: f.h.full_e >= 1, 4.0, name_evidence=False, code="one_token"),
        Level("differs from the roster name", None, 0.0, name_evidence=False, code="differs"),
    ),
)
