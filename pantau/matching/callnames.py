"""Call names (nama panggilan) derived from the structure of a given name, never from a list of people.

Indonesians are called by a part of their given name: the last two syllables
(Heryanto -> Yanto, Kartini -> Tini, Fransiska -> Siska) or the name without its first
syllable (Suparman -> Parman, Sulastri -> Lastri), or the first two syllables (Hendrawan ->
Hendra). The first two kinds are the usual ones: the blocking key pairs them with the
other name tokens and the comparison's "call name and another token" needs one (the third
is mostly another given name already: Hadi, Budi, Ani); the third counts for a call name
alone. The rules follow Indonesian syllable structure (a boundary
before a consonant that a vowel follows; ng, ny, kh, sy stay whole) as described in
public grammars of Indonesian nicknames; they were written from those, not from any
labelled set. A call form shorter than three letters, or not two letters shorter
than the name, is not kept (it would say nothing).

The index keeps, per roster token, ``FORMS`` call-form ids by kind (-1: none); a form that is itself
a roster token ("yanto") uses that token's id, others get ids after the vocabulary.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.normalize import core_tokens

# The short forms of Catholic and Protestant baptismal names, as Flores, Timor, Papua, Maluku,
# Manado and Batak Christians are called (Frans Seran for Fransiskus Xaverius Seran, Goris for
# Gregorius, Piter for Petrus): Latin names whose short forms follow no Indonesian syllable rule.
# A closed list of names (the canonical spellings a roster's forms take), from public lists of
# baptismal names; their forms are usual call names, before the syllable ones.
BAPTISMAL: dict[str, tuple[str, ...]] = {
    "fransiskus": ("frans", "fransis"), "fransiscus": ("frans", "fransis"), "franciscus": ("frans", "fransis"),
    "stefanus": ("stef", "stefan"), "yohanes": ("yohan", "hans"), "johanes": ("yohan", "hans"),
    "petrus": ("piter", "peter"), "paulus": ("paul",), "ferdinandus": ("ferdi", "nando"),
    "gregorius": ("goris", "gorius"), "aloysius": ("alo", "lois"), "aloisius": ("alo", "lois"),
    "benediktus": ("beni", "bene"), "agustinus": ("agus", "tinus"), "martinus": ("martin", "tinus"),
    "yakobus": ("kobus", "yakob"), "jakobus": ("kobus", "yakob"), "antonius": ("anton", "toni"),
    "bernardus": ("bernard", "nardus"), "hendrikus": ("hendrik", "hengki"), "wilhelmus": ("wilem", "wili"),
    "nikolaus": ("niko", "klaus"), "leonardus": ("leo", "nardus"), "dominikus": ("domi", "niko"),
    "kornelius": ("kornel", "nelis"), "ignasius": ("ignas", "igo"), "emanuel": ("nuel", "eman"),
    "fransiska": ("siska", "fransi"), "fransisca": ("siska", "fransi"), "yosefina": ("yosi", "fina"),
    "katarina": ("katrin",), "magdalena": ("lena", "magda"), "elisabet": ("lisa", "elis"),
    "veronika": ("vero", "nika"), "teresia": ("tere", "resi"), "bernadeta": ("deta", "berna"),
}

FORMS = 3
BLOCKING_FORMS = 2       # the usual kinds (last two syllables, without the first): the blocking key
                         # pairs them with other tokens; the comparison's "call name and another token" needs one
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


def form_kinds(token: str) -> list[str | None]:
    """The call names of a given name by kind (``FORMS`` slots, ``None`` when a kind says nothing):
    the last two syllables, the name without its first syllable, the first two syllables.

    The kind, not the position in a list, is what says how usual a form is: for
    Hadijah the last two syllables and the name without its first are both Dijah, and the
    first two (Hadi) are still mostly another person's given name."""
    syl = syllables(token)
    if len(syl) < 2:
        return [None] * FORMS
    forms = ["".join(syl[-2:]), "".join(syl[1:]), "".join(syl[:2])]
    out: list[str | None] = []
    for f in forms:
        ok = len(f) >= 3 and len(token) - len(f) >= 2 and f != token and f not in out
        out.append(f if ok else None)
    return out


def call_forms(token: str) -> list[str]:
    """The call names a given name yields (at most ``FORMS``), most usual first."""
    return [f for f in form_kinds(token) if f is not None]


def build(tok2id: dict[str, int], tok_len: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """(V x FORMS call-form ids per roster token by kind, -1 when none; ids of forms that are not roster tokens)."""
    extra: dict[str, int] = {}
    table = np.full((len(tok2id), FORMS), -1, dtype=np.int32)
    for t, i in tok2id.items():
        if len(t) < 5:
            continue
        kinds = form_kinds(t)
        # a three-syllable name has one "last two" form (Wijarti: Jarti); its first two
        # syllables (Wijar) are then usual too, unless they are a roster name of their own
        # (Hadi for Hadijah: mostly someone named Hadi)
        if kinds[1] is None and kinds[2] is not None and kinds[2] not in tok2id:
            kinds[1], kinds[2] = kinds[2], None
        if t in BAPTISMAL:
            listed = [f for f in BAPTISMAL[t] if len(f) >= 3][:BLOCKING_FORMS]
            rest = [f for f in kinds if f is not None and f not in listed]
            kinds = (listed + rest + [None] * FORMS)[:FORMS]
        for j, f in enumerate(kinds):
            if f is None:
                continue
            cid = tok2id.get(f)
            if cid is None:
                cid = extra.setdefault(f, len(tok2id) + len(extra))
            table[i, j] = cid
    return table, extra


def regional(words: list[str]) -> np.ndarray:
    """Per word, whether ``normalize.core_tokens`` drops it between other words (Ni, Wayan, Gede).

    Probed, not listed again, so the call names follow whatever the normaliser counts as a
    regional part. A regional part is nobody's given name and says little: "Ni Komang" and
    a call name is not "a call name and another name token"."""
    return np.fromiter((w not in core_tokens(["x", w, "x"]) for w in words), bool, len(words))


def _maybe_part(word: str) -> bool:
    return (word not in core_tokens([word, "x"]) or word not in core_tokens(["x", word])
            or word not in core_tokens(["i", word, "x"]))


def given_columns(tok: np.ndarray, words: list[str], tok_len: np.ndarray) -> np.ndarray:
    """n x k: which columns of each name (token ids, negative = none) hold its given names.

    People are called by a part of a given name, and the given names are the first two
    tokens of the name itself: regional parts left out (Adtamawati in Ni Luh Wayan
    Adtamawati, Aryarisa in I Gede Aryarisa), not the family name or marga after them (Jaya
    is not a call name of Janijaya in Rustrayani Indah Janijaya). Only names with a possible
    regional part are read token by token (a few per cent)."""
    valid = tok >= 0
    if not len(tok_len):                 # a roster whose names hold no name token at all
        return np.zeros(tok.shape, bool)
    safe = np.where(valid, tok, 0)
    core = valid & (tok_len[safe] > 1)
    if len(words):
        maybe = np.fromiter((_maybe_part(w) for w in words), bool, len(words))
        for r in np.flatnonzero((maybe[safe] & valid).any(1)):
            cols = [k for k in range(tok.shape[1]) if valid[r, k]]
            kept = core_tokens([words[tok[r, k]] for k in cols])
            p = 0
            for k in cols:
                if p < len(kept) and words[tok[r, k]] == kept[p]:
                    p += 1
                else:
                    core[r, k] = False
    return core & (np.cumsum(core, 1) <= 2)


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
