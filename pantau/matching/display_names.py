"""Reading a display name: which of its words are the name, and what the others say.

A display name is written for people, not for a roster: "Budi Santoso | ASN Pemkab Sleman",
"Kak Budi", "Hendra - Gunawan Saputra", "Sutrisno Hrp". These rules find the part that holds
the name and read away the words no roster name has (account words, forms of address, places
and offices), which stay evidence for the unit and title comparisons instead of spoiling the
name's. They read the roster index (its tokens, unit words and names) and build nothing per
batch; ``actors`` memoises what they read per display name.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from pantau.matching import handles as handles_mod
from pantau.matching.index import SERVICE_WORDS, RosterIndex, context_words, h64
from pantau.matching.normalize import (canon_token, display_segments, has_aside, is_back_title, names_two_people,
                                       normalise)


@lru_cache(maxsize=200_000)
def normalised(name: str) -> tuple[str, tuple[str, ...]]:
    """Display names repeat (namesakes, brands): normalise each once per process."""
    n = normalise(name)
    return n.text, tuple(n.titles)


def without_unit_words(d: list[str], roster: RosterIndex) -> tuple[list[str], list[str]]:
    """The display name read without words of the roster's units and positions that are no
    one's name, and the words so read away when they apply per employee.

    "Budi Santoso Sleman", "Budi Santoso Guru" are a name and where or what its owner works:
    the place is the unit comparison's evidence, not a third name token that no roster name
    has, whoever the employee. One name and a place ("Haman Sumedang", "Sulastri Madiun") is
    read so only for the employees whose own unit holds the place (``PairFeatures``): "Dewi
    Melati", with a Puskesmas Melati in the roster and nobody named Melati, may be a woman
    called so, and read as "Dewi" for everyone it would equal every employee with that one
    name. (``ctx2id`` holds no roster name token: Jaya or Agung, once someone is called so,
    stay name tokens.)"""
    if len(d) < 2:
        return d, []
    # a service word the roster's units or positions use (BKPSDM, Puskesmas, Camat) says where, per
    # employee, as the unit words below do; the others (PNS, Dinkes) go wherever a name remains
    named = [t for t in d if t in roster.tok2id or t not in SERVICE_WORDS or t in roster.ctx2id]
    if named and len(named) < len(d):
        d = named
        if len(d) < 2:
            return d, []
    kept = [t for t in d if t in roster.tok2id or t not in roster.ctx2id]
    if not kept or len(kept) == len(d):
        return d, []
    if len(kept) >= 2:
        return kept, []
    return kept, [t for t in d if t not in kept]


#: a parent named after their child, after their own name: "Sulastri Sasmito Mama Kenzo" (normaliser 8)
#: (Not Umi or Abi, names too: Siti Nur Umi Kalsum; their -nya forms are none.)
PARENT_OF = {*(t for w in ("mama", "mamah", "mami", "bunda", "papa", "papah", "papi", "ayah", "emak", "mom")
               for t in (*canon_token(w), *canon_token(w + "nya"))),          # Mamanya Kenzo
             *(t for w in ("uminya", "umminya", "abinya", "abahnya") for t in canon_token(w))}


def has_affixes(d: list[str]) -> bool:
    """Whether ``without_affixes`` may change ``d``."""
    return len(d) > 1 and (d[0] in handles_mod.AFFIXES or d[-1] in handles_mod.AFFIXES
                           or (len(d) >= 3 and d[-2] in PARENT_OF))


def without_affixes(d: list[str]) -> list[str]:
    """A display name without the account words and forms of address around it ("Budi Santoso
    Official", "Kak Budi"); one inside the name is a name (Made Rai Sukadana, Siti Uni Rahayu).
    A child's name after a parent's word goes too ("Rina Mama Kenzo")."""
    if len(d) >= 3 and d[-2] in PARENT_OF:
        d = d[:-2]
    s, e = 0, len(d)
    while s < e and d[s] in handles_mod.AFFIXES:
        s += 1
    while e > s and d[e - 1] in handles_mod.AFFIXES:
        e -= 1
    return d[s:e] or d


_VOWELS = re.compile(r"[aeiou]")


def consonant_initial(t: str, tok2id: dict[str, int]) -> str:
    """A last word of two to four consonants the roster does not know, read as an initial: a
    Batak marga written short (Hrp for Harahap, Nst for Nasution, Srg for Siregar) says its
    first letter, as "H." would; a school or a city written short (SDN, Sby) is no marga."""
    if 2 <= len(t) <= 4 and t not in tok2id and t not in SERVICE_WORDS and not _VOWELS.search(t) and t.isalpha():
        return t[0]
    return t


MAX_NAME_PARTS = 4      # words of a name written across separators (see name_segment)


def name_segment(name: str, roster: RosterIndex) -> tuple[str, list[str], list[str]]:
    """The part of a display name that holds the name, and the words and titles of the others.

    "Budi Santoso | ASN Pemkab Sleman" is a name and what its owner says about their work:
    read as one name it holds three words no roster name has. The name is the first part that
    reads as a full name, two roster names and no service word ("Abdi Negara | Budi Santoso" is
    Budi Santoso's, though Abdi is a name too), else the part with the most roster names; the
    rest are words for the unit comparison, as a bio's are, and their titles written with a
    dot the account's ("Budi Santoso | S.Pd")."""
    parts = display_segments(name)
    if len(parts) < 2:
        return name, [], []
    tok2id = roster.tok2id
    toks = [normalised(p)[0].split() for p in parts]
    known = [sum(t in tok2id for t in ts) for ts in toks]
    usable = [not any(t in SERVICE_WORDS and t not in tok2id for t in ts) for ts in toks]
    # the first part that reads as a full name, else the one with the most roster names: a place
    # after the name is made of name words too (Siti Aminah | Kel. Tanjung Sari Jaya)
    k = next((i for i in range(len(parts)) if usable[i] and known[i] >= 2), None)
    if names_two_people(name):
        # "Rina ❤️ Budi Santoso" is Rina's, not her husband's: the first person with a roster name
        k = next((i for i in range(len(parts)) if usable[i] and known[i] >= 1), k)
    if k is None:
        k = max(range(len(parts)), key=lambda i: (usable[i] and known[i] > 0, known[i], -i))
    if not known[k]:
        return name, [], []
    # a name written across a separator (Hendra - Gunawan Saputra, Rina · Marlina): parts of
    # roster names only next to it, when together they are someone's whole name (a repeat, a
    # nickname, a second person or a place made of name words stays apart: Budi Santoso | Sari)
    span = _name_across(toks, known, k, roster) if not has_aside(name) else None
    if span is not None:
        lo, hi = span
        shown = " ".join(parts[lo:hi + 1])
        rest = [p for i, p in enumerate(parts) if not lo <= i <= hi]
    else:
        shown = parts[k]
        rest = [p for i, p in enumerate(parts) if i != k and not set(toks[i]) <= set(toks[k])]
    # written with a dot: a bare "SH" or "MA" there is as often SH Terate or a Madrasah Aliyah
    titles = [w for p in rest for w in p.replace(",", " ").split() if "." in w and is_back_title(w)]
    return shown, context_words(" ".join(rest)), titles


def _name_across(toks: list[list[str]], known: list[int], k: int, roster: RosterIndex) -> tuple[int, int] | None:
    """The widest run of parts around part ``k``, all of roster names, up to ``MAX_NAME_PARTS``
    words, whose words are one employee's name (or its core); None if there is none."""
    if known[k] != len(toks[k]):
        return None
    lo = k
    while lo > 0 and known[lo - 1] == len(toks[lo - 1]) > 0:
        lo -= 1
    hi = k
    while hi + 1 < len(toks) and known[hi + 1] == len(toks[hi + 1]) > 0:
        hi += 1
    if lo == hi:
        return None
    names = _roster_name_hashes(roster)
    spans = sorted(((a, b) for a in range(lo, k + 1) for b in range(k, hi + 1) if b > a),
                   key=lambda ab: ab[0] - ab[1])
    for a, b in spans:
        words = [t for ts in toks[a:b + 1] for t in ts]
        if len(words) <= MAX_NAME_PARTS:
            h = h64(" ".join(sorted(words)))
            at = int(np.searchsorted(names, h))
            if at < len(names) and names[at] == h:
                return a, b
    return None


def before_fork(roster: RosterIndex) -> None:
    """Build what every worker needs from the index in the parent, so forked workers share it
    copy-on-write instead of each building its own (at national scale 8.6M name hashes; the
    handle segmenter's word automaton)."""
    _roster_name_hashes(roster)
    roster.vocab.automaton()


def _roster_name_hashes(roster: RosterIndex) -> np.ndarray:
    """The sorted hashes of every roster name and name core, built once per index (not pickled)."""
    got = roster.__dict__.get("_name_hashes")
    if got is None:
        got = np.unique(np.concatenate([roster.names.sorted_h, roster.names.core_h]))
        roster.__dict__["_name_hashes"] = got
    return got
