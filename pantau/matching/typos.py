"""Typo-tolerant tokens: an actor token one edit away from a roster token is read as that token.

A handle typed in a hurry drops, doubles or swaps a letter (``setyoprnomo``,
``tumnii``, ``durayatrusmmana``). As in SymSpell, every roster token of five letters
or more is indexed by its one-letter deletions; an actor token the roster does not
know is looked up with itself and its deletions. Deletion neighbourhoods meeting
means one insertion, deletion, substitution or adjacent swap apart. Among several
candidates the most frequent roster token wins. The index is two NumPy arrays
(hashes sorted, token ids), so it is cheap to pickle and shared by forked workers.
"""

from __future__ import annotations

import zlib

import numpy as np

MIN_LEN = 5


def _h(s: str) -> int:
    b = s.encode()
    return ((zlib.crc32(b) << 31) ^ zlib.crc32(b[::-1] + b"\x02")) & 0x7FFF_FFFF_FFFF_FFFF


def _deletes(t: str) -> set[str]:
    return {t[:i] + t[i + 1:] for i in range(len(t))}


def build(tok2id: dict[str, int], tok_count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hashes, ids = [], []
    for t, i in tok2id.items():
        if len(t) < MIN_LEN or tok_count[i] <= 0:
            continue
        for v in _deletes(t) | {t}:
            hashes.append(_h(v))
            ids.append(i)
    h = np.array(hashes, dtype=np.int64)
    order = np.argsort(h, kind="stable")
    return h[order], np.array(ids, dtype=np.int32)[order]


def correct(token: str, hashes: np.ndarray, ids: np.ndarray, tok_count: np.ndarray, id2tok) -> str | None:
    """The roster token one edit from ``token`` (most frequent first), or None."""
    if len(token) < MIN_LEN - 1 or not len(hashes):
        return None
    qs = np.array([_h(v) for v in _deletes(token) | {token}], dtype=np.int64)
    lo = np.searchsorted(hashes, qs, "left")
    hi = np.searchsorted(hashes, qs, "right")
    cands = {int(i) for a, b in zip(lo.tolist(), hi.tolist()) for i in ids[a:b]}
    best, best_n = None, -1
    for c in sorted(cands):       # ties: the lower id (a set's order is not stable across processes)
        t = id2tok(c)
        if t == token or not _one_edit(token, t):
            continue
        if tok_count[c] > best_n:
            best, best_n = t, int(tok_count[c])
    return best


def _one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or adjacent swap (hash collisions are checked away)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    s, t = (a, b) if len(a) < len(b) else (b, a)
    return any(t[:i] + t[i + 1:] == s for i in range(len(t)))
