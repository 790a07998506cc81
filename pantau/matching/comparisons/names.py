"""Shared conditions of the name comparisons (display name, handle): how tokens cover a roster name."""

from __future__ import annotations

import numpy as np

from pantau.matching.comparisons.features import TokenOverlap


def all_roster_tokens(o: TokenOverlap) -> np.ndarray:
    return (o.full_e == o.n_e) & (o.n_e >= 2)


def initials(o: TokenOverlap) -> np.ndarray:
    # one initial stands for one token: "ratna r" is not "ruslaini ratna rosman"
    return ((o.covered_e == o.n_e) & (o.full_e >= 1) & (o.n_e >= 2)
            & (o.full_e + o.n_init + o.roster_init >= o.n_e)
            & (o.full_a + o.init_a >= o.n_a + o.n_init) & (o.covered_e > o.full_e))


def actor_subset(o: TokenOverlap) -> np.ndarray:
    """Every actor token is a roster token or its initial, but the roster name has more tokens."""
    return ((o.full_a + o.init_a + o.roster_init >= o.n_a + o.n_init) & (o.full_a >= 1)
            & (o.n_a + o.n_init >= 2) & (o.n_e > o.n_a + o.n_init))
