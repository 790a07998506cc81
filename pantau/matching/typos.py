"""Typo-tolerant tokens: an actor token one edit away from a roster token is read as that token.

A handle typed in a hurry drops, doubles or swaps a letter (``setyoprnomo``,
``tumnii``, ``durayatrusmmana``). As in SymSpell, every roster token of five letters
or more is indexed by its one-letter deletions; an actor token the roster does not
know is looked up with itself and its deletions. Deletion neighbourhoods meeting
means one insertion, deletion, substitution or adjacent swap apart; of those only
slips of the fingers count (first letter kept, a replaced letter a neighbouring key:
``slip``). Among several candidates the most frequent roster token wins. The index is
two NumPy arrays (hashes sorted, token ids), so it is cheap to pickle and shared by
forked workers. ``reading`` finds the typos the segmenter hides by splitting a mistyped
name into short words.
"""

from __future__ import annotations

import zlib
from math import inf
from typing import Callable

import numpy as np

from pantau.matching.normalize import canon_token, spell

MIN_LEN = 5
# What a mistyped letter costs a reading, in the segmenter's terms (-log probability): about
# one name in fifty typed with one slip.
TYPO_COST = 4.0


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


def candidates(token: str, hashes: np.ndarray, ids: np.ndarray, tok_count: np.ndarray, id2tok) -> tuple[str, ...]:
    """The roster tokens one slip from ``token`` (see ``slip``), most frequent first."""
    if len(token) < MIN_LEN - 1 or not len(hashes):
        return ()
    # without its first letter a token meets only roster tokens that begin otherwise (no slip)
    qs = np.array([_h(v) for v in {token[:i] + token[i + 1:] for i in range(1, len(token))} | {token}],
                  dtype=np.int64)
    lo = np.searchsorted(hashes, qs)
    n = len(hashes)
    cands = set()
    for k in np.flatnonzero(hashes[np.minimum(lo, n - 1)] == qs).tolist():   # most meet nothing
        j, q = int(lo[k]), int(qs[k])
        while j < n and hashes[j] == q:
            cands.add(int(ids[j]))
            j += 1
    # the first letter is seldom the one mistyped, and a far key makes another name, not a typo
    found = [(-int(tok_count[c]), t) for c in cands
             if (t := id2tok(c)) != token and t[0] == token[0] and _one_edit(token, t) and slip(token, t)]
    return tuple(t for _, t in sorted(found))


def _keys() -> dict[str, set[str]]:
    """Neighbouring keys on a QWERTY keyboard (what a phone or laptop in Indonesia has)."""
    pos = {ch: (r, c + off) for r, (row, off) in enumerate((("qwertyuiop", 0.0), ("asdfghjkl", 0.25),
                                                          ("zxcvbnm", 0.75))) for c, ch in enumerate(row)}
    return {a: {b for b, (rb, cb) in pos.items() if b != a and (
        (ra == rb and abs(ca - cb) == 1) or (abs(ra - rb) == 1 and abs(ca - cb) <= 0.75))}
        for a, (ra, ca) in pos.items()}


NEAR_KEYS = _keys()


def slip(a: str, b: str) -> bool:
    """``a`` and ``b`` (one edit apart) differ as a slip of the fingers does: a dropped or
    added letter, two letters swapped, or a letter replaced by a neighbouring key's.

    A letter replaced by one far away on the keyboard (sakinah, sakilah) makes another
    name more often than it makes a typo, so it is not read as one.
    """
    if len(a) != len(b):
        return True
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) != 1 or b[diff[0]] in NEAR_KEYS.get(a[diff[0]], ())


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


def _plain_cost(path: tuple, vocab) -> float:
    """The cost of a plain reading with each run of unexplained letters priced as a name the
    roster lacks (as rare as a word seen once, a little more per letter), not letter by letter.

    The segmenter prices unexplained letters high so that any word beats them; but many
    people in a handle are not on the roster, and against the letter-by-letter price any
    roster word one slip away would win (judi + wati read as jidiwati).
    """
    total, prev, run = 0.0, 0.0, 0
    for _end, kind, cum in path:
        if kind == "w":
            if run:
                total += vocab.initial_cost if run == 1 else vocab.initial_cost + run
            total += cum - prev
            run = 0
        else:
            run += 1
        prev = cum
    if run:
        total += vocab.initial_cost if run == 1 else vocab.initial_cost + run
    return total


def reading(chunk: str, vocab, fix: Callable[[str], tuple[str, ...]]) -> tuple[list[str], str] | None:
    """(tokens, the letters read as a mistyped token) of a run of letters with one token
    mistyped, or None. ``fix`` gives the roster tokens one slip away, most frequent first;
    the answer is memoised on ``vocab``, so ``fix`` must depend on the roster alone.

    The segmenter explains a mistyped name with short real words and a few letters no
    word explains (``rosmaiin`` -> rosma + iin, ``sturisno`` -> stur + is + no), so
    the unexplained-run fix (five letters or more) never sees it. Here the whole run, or
    its end or beginning next to words the segmenter found (``yayacep`` + ``sumena``),
    is read as the roster token one slip away. That reading wins when it costs less
    than the plain one (``_plain_cost``), the corrected word costing its frequency plus
    ``TYPO_COST``. A run that words explain entirely is left alone (arta + tari is not
    artasari), and only the split's own boundaries are tried, so a run costs a few
    memoised lookups.
    """
    memo = vocab.typo_memo
    if chunk in memo:
        return memo[chunk]
    out = _reading(chunk, vocab, fix)
    if len(memo) < 200_000:
        memo[chunk] = out
    return out


def _reading(chunk: str, vocab, fix: Callable[[str], tuple[str, ...]]) -> tuple[list[str], str] | None:
    toks, unknown, _, path = vocab.reading(chunk, calls=False)
    if not unknown:
        return None       # words explain it all (arta + tari is not artasari)
    base = _plain_cost(path, vocab)
    sp = spell(chunk)
    if sp != chunk:
        base = min(base, _plain_cost(vocab.reading(sp, calls=False)[3], vocab))
    cost = vocab.cost
    by_len = vocab.min_cost_len

    def floor(span: str) -> float:
        """The least a word one edit from ``span`` can cost as a typo."""
        n = len(span)
        return min(by_len.get(n - 1, inf), by_len.get(n, inf), by_len.get(n + 1, inf)) + TYPO_COST

    best: tuple[float, list[str], str] | None = None

    def price(c: str) -> float:
        return cost.get(c, vocab.initial_cost) + TYPO_COST

    cs = fix(sp) if floor(sp) < base else ()
    if cs and price(cs[0]) < base:
        best = (price(cs[0]), [cs[0]], sp)
    # a span at the end or the start, the rest being words of three letters or more the
    # segmenter found: words before the first other piece, or after the last one
    start, ends = 0, []
    for end, kind, _ in path:
        ends.append((start, end, kind == "w" and end - start >= 3))
        start = end
    good = [g for _, _, g in ends]
    first_bad, last_bad = good.index(False), len(good) - 1 - good[::-1].index(False)
    splits = [(k, True) for k in range(1, first_bad + 1)] + [(k, False) for k in range(last_bad + 1, len(ends))]
    for k, words_first in splits:
        cut = ends[k][0]
        if words_first:
            span, o_cost, words = chunk[cut:], path[k - 1][2], ends[:k]
        else:
            span, o_cost, words = chunk[:cut], path[-1][2] - path[k - 1][2], ends[k:]
        if len(span) < MIN_LEN:
            continue
        s_sp = spell(span)
        if len(s_sp) < len(span) - 1 or o_cost + floor(s_sp) >= (best[0] if best else base):
            continue
        cs = fix(s_sp)
        if not cs:
            continue
        total = o_cost + price(cs[0])
        if total < (best[0] if best else base):
            o_toks = [t for s, e, _ in words for t in canon_token(chunk[s:e])]
            best = (total, o_toks + [cs[0]] if words_first else [cs[0]] + o_toks, s_sp)
    return (best[1], best[2]) if best else None
