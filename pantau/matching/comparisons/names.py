"""Shared conditions of the name comparisons (display name, handle): how tokens cover a roster name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pantau.matching.index import words

if TYPE_CHECKING:          # features reads ``initials`` (one reading per token, ``call_overlap``)
    from pantau.matching.comparisons.features import TokenOverlap


def all_roster_tokens(o: TokenOverlap) -> np.ndarray:
    return (o.full_e == o.n_e) & (o.n_e >= 2)


def initials(o: TokenOverlap) -> np.ndarray:
    """Every roster token spelled or stood for by an initial or an abbreviation, but for regional
    parts people drop (``saurmapar`` for Saurma br. Pardede, ``budis`` for I Wayan Budi Santoso);
    the roster's own initials stand for the account's words (Muhammad Rizki for M. Rizki)."""
    # one initial stands for one token: "ratna r" is not "ruslaini ratna rosman"
    n_e = o.n_e - o.regional_left
    return ((o.covered_e == n_e) & (o.full_e >= 1) & (n_e >= 2)
            & (o.full_e + o.n_init + o.roster_init >= n_e)
            & (o.full_a + o.init_a + o.roster_init >= o.n_a + o.n_init) & (o.covered_e > o.full_e))


def actor_subset(o: TokenOverlap) -> np.ndarray:
    """Every actor token is a roster token or its initial, but the roster name has more tokens."""
    return ((o.full_a + o.init_a + o.roster_init >= o.n_a + o.n_init) & (o.full_a >= 1)
            & (o.n_a + o.n_init >= 2) & (o.n_e > o.n_a + o.n_init))


def call_name(o: TokenOverlap) -> np.ndarray:
    """A usual call name of a roster given name and another roster token that is not a regional
    part, nothing else (Yanto Siregar; not Ni Komang Jadi, not Ani Wibowo for Anisa Dwi Wibowo:
    a first-two-syllables form is mostly a given name of its own)."""
    return (o.call_usual >= 1) & (o.core_full >= 1) & (o.full_a + o.call_a >= o.n_a)


def call_name_alone(o: TokenOverlap) -> np.ndarray:
    """Only call names of roster given names, perhaps with regional parts (Yanto, Pak Yanto, Bli Wayan Wira)."""
    return (o.call_a >= 1) & (o.core_full == 0) & (o.full_a + o.call_a >= o.n_a)


def call_params(f, field: str, i: int) -> dict:
    """Which actor token is a call name of which roster token, for the evidence sentence."""
    from pantau.matching.callnames import call_forms
    r, e = int(f.pa[i]), int(f.pe[i])
    tokens = f.batch.d_tokens[r] if field == "display_name" else f.batch.h_tokens[r]
    id2tok = words(f.roster)
    given = [id2tok[t] for t in f.roster.names.tok[e] if t >= 0]
    for t in tokens:
        for g in given:
            if t in call_forms(g):
                return {"call": t, "given": g}
    return {"call": "", "given": ""}

