"""A blocking key: a roster-side and an actor-side function that turn names into 64-bit keys.

An actor and an employee become a candidate pair when they share a key. The tag
(top bits of the key) keeps keys of different kinds apart. A key may instead
*refine* other keys' large blocks (the birth year), or give pairs directly (a
known handle). Each key is one module of this package, listed in ``DEFAULT_KEYS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np


TAG_SHIFT = 59
MASK24 = (1 << 24) - 1
MASK59 = (1 << TAG_SHIFT) - 1
PAIR_TOKENS = 4     # keys are formed among the first tokens of a name


def key(tag: int, payload):
    """A key array: the tag in the top bits, the payload below."""
    return (np.int64(tag) << np.int64(TAG_SHIFT)) | payload


_MIX1 = np.int64(-7046029254386353131)      # 0x9E3779B97F4A7C15 as int64: multiplication wraps
_MIX2 = np.int64(0x2545F4914F6CDD1D)


def mixed(tag: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A key array of two values hashed together (a key and a birth year, a name and a birth date)."""
    h = (a.astype(np.int64) * _MIX1) ^ (b.astype(np.int64) * _MIX2)
    return key(tag, h & np.int64(MASK59))


def with_dates(tag: int, dates: np.ndarray, ids: Callable[[int], Iterable[int]]) -> tuple[list[int], list[int]]:
    """(row in batch, key) of each actor row with a date (``dates``: rows of yyyymmdd or years, 0
    padded; the first column is set when any is), for each of its dates and each of ``ids(row)``:
    a name or a call form keyed with the birth date or year its handle suggests."""
    rows, vals, when = [], [], []
    for r in np.flatnonzero(dates[:, 0] > 0).tolist():
        these = list(ids(r))
        for d in dates[r].tolist():
            if d > 0:
                for v in these:
                    rows.append(r)
                    vals.append(v)
                    when.append(d)
    if not rows:
        return [], []
    return rows, mixed(tag, np.asarray(vals, np.int64), np.asarray(when, np.int64)).tolist()


def groups(K: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unique keys, first position, count) of a sorted array (``np.unique`` hashes: slower here)."""
    if not len(K):
        return K, np.zeros(0, np.int64), np.zeros(0, np.int64)
    start = np.flatnonzero(np.r_[True, K[1:] != K[:-1]])
    return K[start], start, np.diff(np.r_[start, len(K)])


def lookup(block_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, found) of each key in sorted block keys."""
    pos = np.minimum(np.searchsorted(block_keys, keys), len(block_keys) - 1)
    return pos, block_keys[pos] == keys


def unique_sorted(x: np.ndarray) -> np.ndarray:
    """The distinct values of ``x``, sorted (NumPy 2.4's ``np.unique`` hashes: many times slower here)."""
    if not len(x):
        return x
    s = np.sort(x)
    return s[np.r_[True, s[1:] != s[:-1]]]


@dataclass
class RosterSide:
    """What every roster-side key function reads, computed once per index build."""

    roster: object
    model: object
    tok: np.ndarray          # n x PAIR_TOKENS token ids (int64)
    valid: np.ndarray
    safe: np.ndarray
    count: np.ndarray        # employees with each token
    full: np.ndarray         # a full token (not an initial)
    first: np.ndarray        # first-letter code per token id
    rows: np.ndarray         # 0..n-1
    rare_max: int


@dataclass
class ActorSide:
    """What every actor-side key function reads: per actor, its roster token ids and initials."""

    batch: object
    roster: object
    ids: list[list[int]] = field(default_factory=list)      # roster token ids (old-spelling variants included)
    inits: list[set[int]] = field(default_factory=list)     # initials as letter codes
    vids: list[list[int]] = field(default_factory=list)     # ids of the tokens' variant forms (``variant_ids``)
    abbrs: list[set[int]] = field(default_factory=list)     # a handle's abbreviation codes (index.ABBR_CODE + id)


def variant_ids(roster) -> np.ndarray:
    """For each token id: the id of its other-spelling form (``normalize.variant_key``: old j = y,
    ty = ti, f = p, ...), and c -> ty where an old tj stood for t + j (``index.spelling_forms``);
    itself otherwise.

    Keys built on these ids are symmetric in spelling: Herjanto (roster) and Heryanto
    (account), or the other way round, land on one id, whichever side wrote the old
    form. The roster's vocabulary holds every such form (``index.build_roster``).
    """
    return roster.tok_var


@dataclass(frozen=True)
class BlockingKey:
    name: str
    tag: int
    description: str
    #: the key holds a birth date or year already, so the birth-year refinement leaves its blocks alone
    dated: bool = False

    def roster_keys(self, rs: RosterSide) -> list[tuple[np.ndarray, np.ndarray]]:
        """(keys, employee rows) arrays of the roster."""
        return []

    def actor_keys(self, side: ActorSide) -> tuple[list[int], list[int]]:
        """(row in batch, key) lists of a batch of actors."""
        return [], []
