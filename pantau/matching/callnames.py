"""Call names (nama panggilan) derived from the structure of a given name, never from a list of people.

Indonesians are called by a part of their given name: the last two syllables
(Heryanto -> Yanto, Kartini -> Tini, Fransiska -> Siska) or the name without its first
syllable (Suparman -> Parman, Sulastri -> Lastri), or the first two syllables (Hendrawan ->
Hendra). The blocking key indexes the first two kinds only (the third is mostly another
given name already, and the index must stay small at national scale). The rules follow Indonesian syllable structure (a boundary
before a consonant that a vowel follows; ng, ny, kh, sy stay whole) as described in
public grammars of Indonesian nicknames; they were written from those, not from any
labelled set. A call form shorter than three letters, or not two letters shorter
than the name, is not kept (it would say nothing).

The index keeps, per roster token, up to ``FORMS`` call-form ids; a form that is itself
a roster token ("yanto") uses that token's id, others get ids after the vocabulary.
"""

from __future__ import annotations

import numpy as np

FORMS = 3
BLOCKING_FORMS = 2       # forms the blocking key indexes (the index stays small at national scale)
_DIGRAPHS = ("ng", "ny", "kh", "sy")
_VOWELS = set("aeiou")


def syllables(word: str) -> list[str]:
    units, i = [], 0
    while i < len(word):
        step = 2 if word[i:i + 2] in _DIGRAPHS else 1
        units.append(word[i:i + step])
        i += step
    vowel = [u[-1] in _VOWELS for u in units]
    out, cur, seen = [], "", False
    for k, u in enumerate(units):
        if not vowel[k] and seen and k + 1 < len(units) and vowel[k + 1]:
            out.append(cur)
            cur, seen = "", False
        cur += u
        seen |= vowel[k]
    if cur:
        out.append(cur)
    return out


def call_forms(token: str) -> list[str]:
    """The call names a given name yields (at most ``FORMS``), most usual first."""
    syl = syllables(token)
    if len(syl) < 2:
        return []
    forms = ["".join(syl[-2:]), "".join(syl[1:]), "".join(syl[:2])]
    out = []
    for f in forms:
        if len(f) >= 3 and len(token) - len(f) >= 2 and f != token and f not in out:
            out.append(f)
    return out[:FORMS]


def build(tok2id: dict[str, int], tok_len: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """(V x FORMS call-form ids per roster token, -1 padded; ids of forms that are not roster tokens)."""
    extra: dict[str, int] = {}
    table = np.full((len(tok2id), FORMS), -1, dtype=np.int32)
    for t, i in tok2id.items():
        if len(t) < 5:
            continue
        for j, f in enumerate(call_forms(t)):
            cid = tok2id.get(f)
            if cid is None:
                cid = extra.setdefault(f, len(tok2id) + len(extra))
            table[i, j] = cid
    return table, extra


def call_bits(tok_call: np.ndarray, tok_count: np.ndarray, n_forms: int, n: int) -> np.ndarray:
    """Bits of information in each call form: ``log2(n / employees who may be so called)``.

    Everyone carrying the form as a name and everyone with a given name that yields it
    answers to it (Yanto: every Yanto, Heryanto, Suryanto...), so a form many names share
    says little, and one that only an unusual name yields says nearly as much as the name.
    """
    count = np.zeros(n_forms, dtype=np.float64)
    count[: len(tok_count)] += tok_count
    has = tok_call >= 0
    rows = np.nonzero(has)[0]
    np.add.at(count, tok_call[has], tok_count[rows])
    return np.log2(max(n, 2) / np.maximum(count, 1)).astype(np.float32)


def call_id(token: str, tok2id: dict[str, int], extra: dict[str, int]) -> int:
    """The id an actor token has as a possible call form (-1: none)."""
    if len(token) < 3:
        return -1
    i = tok2id.get(token)
    if i is not None:
        return i
    return extra.get(token, -1)
