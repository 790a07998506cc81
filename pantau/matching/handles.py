"""Handles -> name tokens: Unicode folding, separators, digits (kept as evidence), segmentation, initials.

``budi.santoso88``, ``BudiSantoso_88``, ``𝓫𝓾𝓭𝓲𝓼𝓪𝓷𝓽𝓸𝓼𝓸`` and ``bsantoso`` all say something
about a name. Separators and digit runs split a handle into chunks; a chunk that
is not a roster token is segmented by dynamic programming over the roster's own
token vocabulary, each word costing ``-log(frequency)`` (so the likeliest split
wins, as in word segmentation of run-together text). A letter left alone is an
initial; the digits are returned for the birth-date check in scoring.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

import ahocorasick

from pantau.matching import typos
from storage.platforms import PLATFORMS
from pantau.matching.normalize import (ACCOUNT_NUMBERS, BACK_TITLES, DEGREES, FAMILIES, FRONT_TITLES, MARGA_SHORT,
                                       REGIONAL_SHORT, canon_token, consonants, fold, has_variant, spell,
                                       variant_key, written_forms)

# Bluesky's default suffix and common top-level labels of custom-domain handles.
_DOMAIN_SUFFIXES = (".bsky.social",)
_TLDS = {"com", "id", "net", "org", "co", "social", "xyz", "dev", "me", "io", "info", "my", "web",
         "go", "ac", "sch", "or", "biz", "site", "online", "app"}
_CHUNK = re.compile(r"[a-z]+|[0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DOTTED_DEGREE = re.compile(r"(?<![a-z])([a-z]{1,2})\.([a-z]{1,4})(?:\.([a-z]{1,4}))?(?![a-z])")


def _joined_degree(m: re.Match) -> str:
    joined = "".join(g for g in m.groups() if g)
    return joined if joined in DEGREES else m[0]


_GEMINABLE = re.compile(r"(?<=[aeiou])[bcdfjklmnprstz](?=[aeiou])")


def _geminated(word: str) -> list[str]:
    """The word with one consonant between vowels doubled, for each such consonant."""
    return [word[:m.start()] + m[0] + word[m.start():] for m in _GEMINABLE.finditer(word)]
_MAX_WORD = 16
_VOWELS = set("aeiou")
# Words people put around the name in a handle (pak_budi, budisantoso_official, itsbudi,
# sitichannel): forms of address and account words. They are segmented like words and
# then dropped, so the rest of the handle compares as the name it is.
# (Not R.Ay., Raden Ayu: its form "rai" is a name, the Balinese Rai of Made Rai; nor Ny., Nn., Tn.:
# letters that begin names, nyoman or tnur.)
AFFIX_WORDS = {w for w in FRONT_TITLES if len(w) >= 2 and w not in {"ray", "ny", "nn", "tn"}} | {
    "official", "ofc", "offc", "real", "its", "iam", "im", "the", "mr", "mrs", "channel", "chanel", "tv",
    "vlog", "vlogs", "yt", "ig", "tiktok", "fb", "asli", "resmi", "akun", "new", "baru", "id", "indo", "ind",
    "gallery", "shop", "story", "daily", "real", "personal", "pribadi", "ku", "nya",
    "asn", "pns", "cpns", "pppk",       # budisantoso_asn: what its owner is, not a name
    # (normaliser 8) a family's account: Keluarga Budi Hermawan, budi.family (not a shop's: see below)
    "family", "fams", "keluarga", "sekeluarga",
}
AFFIXES = {t for w in AFFIX_WORDS for t in canon_token(w) if len(t) >= 2}
# ... and in a handle only, what Indonesian accounts add to a name: praise (budi_ganteng, ayu_cans),
# "just" (rina_aja), a family or a hobby (teguh.family, andi.gaming). In a display name "Sri Manis"
# and "Yuli Keren" are names; in a handle such a word is a name where the roster has it as one.
# Not a shop's words (rahayu_olshop, _store: a shop, not its owner) nor a fan's (rina_fans, _lovers).
HANDLE_WORDS = {t for w in (
    "aja", "doang", "banget", "bgt", "gans", "ganteng", "cantik", "cans", "manis", "kece", "keren",
    "fam", "family", "love", "mom", "art", "arts", "photo", "foto", "music", "musik", "gaming", "gamer",
    # a second or restored account (normaliser 7): rina.ori, budi_backup, itsme.budi, budi.reborn
    "ori", "original", "backup", "bckp", "itsme", "reborn", "ofcl", "second",
) for t in canon_token(w)} - AFFIXES
HANDLE_AFFIXES = AFFIXES | HANDLE_WORDS
ABBR_LEN = 3      # a name cut short in a handle keeps this many letters (``tiurmasir``: Siregar)


def abbreviation_prefix(word: str) -> str | None:
    """The first letters a handle may keep of a roster word it cuts short; a word of four
    letters or fewer is written whole."""
    return word[:ABBR_LEN] if len(word) >= ABBR_LEN + 2 else None


@dataclass(slots=True)
class HandleInfo:
    tokens: list[str] = field(default_factory=list)     # canonical name tokens, initials included
    digits: list[str] = field(default_factory=list)     # digit runs, in order
    compact: str = ""                                     # letters only, spelling rules applied
    unknown: list[str] = field(default_factory=list)    # letter runs no vocabulary word explains
    affixes: list[str] = field(default_factory=list)    # words around the name (pak_, _official) dropped
    typos: int = 0                                        # letter runs read as a roster token one edit away
    titles: list[str] = field(default_factory=list)     # degrees written as parts (budi_spd, rina.amdkeb)

    @property
    def initials(self) -> list[str]:
        return [t for t in self.tokens if len(t) == 1]


class Vocabulary:
    """The roster's canonical tokens with their frequencies: what a handle may be made of."""

    def __init__(self, counts: dict[str, int], call_forms: Iterable[str] = (),
                 alternatives: dict[str, str] | None = None, written_prefixes: Iterable[str] = (),
                 context: Iterable[str] = ()):
        self.counts = counts
        self.total = max(sum(counts.values()), 1)
        logt = math.log(self.total + 1)
        self.cost = {w: logt - math.log(c + 0.5) for w, c in counts.items() if len(w) > 1}
        # another spelling of a roster word (heryanto for the roster's Herjanto, santosa for
        # Santoso) is a word of the handle, a little dearer than the roster's own: read as that
        # spelling, not as a typo; the roster index passes its own (``normalize.written_forms``),
        # else they are derived here
        if alternatives is None:
            alternatives = {alt: w for w in counts for alt in written_forms(w)}
        for alt, word in alternatives.items():
            if word in self.cost and alt not in self.cost and len(alt) > 1:
                self.cost[alt] = self.cost[word] + 1.0
        # a final i written y (Hendry, Rudy, Junady for the roster's canonical Hendri, Rudi,
        # Junadi): inside a run-together handle no whole-word rule turns it back
        for w in counts:
            if len(w) >= 3 and w[-1] == "i" and w[-2] != "i" and w in self.cost:
                self.cost.setdefault(w[:-1] + "y", self.cost[w] + 1.0)
        # the spelling-variant keys of the words: a run that is none of them may still be one in
        # another spelling (``_other_spelling_of_words``)
        self.variant_keys = {variant_key(w) for w in self.cost}
        # abbreviations a handle may use for a family (muh, moh, abd) or a regional part (wyn, gst,
        # kt: niwynsudiarti) cost like a common word
        # (not two-letter family forms: md inside hamdani is no Muhammad)
        for abbr, full in (*((a, f) for a, f in FAMILIES.items() if len(a) > 2), *REGIONAL_SHORT.items()):
            if full in self.cost and abbr not in self.cost and len(abbr) > 1:
                self.cost[abbr] = self.cost[full] + 1.0
        # a consonant doubled or not between vowels (Muhammad = Muhamad, Abdullah, Hasanuddin,
        # Fattah: Arabic names written with or without their doubled letter); the canonical form
        # writes one, so without these a run-together muhammadrizki read muh + ammad + rizki
        for w in [w for w in self.cost if len(w) >= 4]:
            for g in _geminated(w):
                self.cost.setdefault(g, self.cost[w] + 1.0)
        # a roster word without its vowels (gnwn for Gunawan, ngrh for Nugroho), dearer than the
        # word: read whole, the actor side codes it as the word's abbreviation (index.skeleton_codes)
        for w in counts:
            c = consonants(w)
            if len(w) >= 5 and len(c) >= 3 and c != w and w in self.cost:
                self.cost.setdefault(c, self.cost[w] + 2.0)
        # call names of roster given names (callnames.py: rani for Yorani, yanto for Heryanto)
        # are words of a handle too, costed like a word seen once: "rani.wijaya" is rani, not
        # ra + ni, and "kangyanto" is kang + yanto
        rare = logt - math.log(1.5)
        self.calls: set[str] = set()
        for w in call_forms:
            if len(w) >= 3 and w not in self.cost:
                self.cost[w] = rare
                self.calls.add(w)
        # words of units and service that are no roster word (sleman, dinas) are words of a
        # handle too, dearer than any name: budisantososleman is a name and where its owner
        # works (``actors._handle_without_unit_words``), not sle + man; rodidinasutanto is still
        # Rodidina Sutanto. Shorter ones (sman, guru, kab) are too often the letters of a name:
        # with sman, ysmanis (a slip of Yusmanis) read as y + sman + is. A part of its own
        # (budi_santoso_guru) needs no word: it is read whole.
        self.context = {w for w in context if len(w) >= 5 and w not in self.cost}
        # ... and all of them, short ones too, for a part of a handle (budihermawan_bkd: no b + k + d)
        self.unit_words = frozenset(w for w in context if w not in self.counts)
        for w in self.context:
            self.cost[w] = logt + 3.0
        # a long affix inside a run-together handle (budiofficial), unless it begins a roster word:
        # cantikputri is a slip of Cantika Putri, not cantik + putri
        begins = sorted(counts)
        for w in HANDLE_AFFIXES:
            if len(w) >= 4 and w not in self.cost and not _begins_a_word(w, begins):
                self.cost[w] = logt + 3.0
        self.initial_cost = logt + 2.0     # about as costly as a word seen once
        # the cheapest word of each length: a typo reading that cannot beat the plain one is not looked up
        self.min_cost_len: dict[int, float] = {}
        for w, c in self.cost.items():
            if c < self.min_cost_len.get(len(w), math.inf):
                self.min_cost_len[len(w)] = c
        self.unknown_cost = logt + 4.0     # per letter: prefer any word or initial
        # every word's beginnings, each with its cost as a word (inf if it is none): whether a
        # run begins a word (``abbreviated``), and the words of the segmenter (``automaton``)
        self.prefixes: dict[str, float] = dict.fromkeys(
            (w[:k] for w in self.cost for k in range(2, min(len(w), _MAX_WORD) + 1)), math.inf)
        for w in self.prefixes:
            self.prefixes[w] = self.cost.get(w, math.inf)
        # the first letters of the roster words a handle may cut short (``abbreviated``)
        self.abbreviations = {p for w in counts if (p := abbreviation_prefix(w))}
        # ... and as the roster writes them where spelling changes them (cha of Chaniago)
        self.abbreviations |= set(written_prefixes)
        self._memo: dict[str, tuple[list[str], list[str], float, tuple]] = {}
        self._completions: dict[str, str | None] | None = None    # built when first asked
        self.typo_memo: dict = {}          # typos.reading's answers, per run of letters

    def segment(self, chunk: str, calls: bool = True) -> tuple[list[str], list[str]]:
        """Split a run of letters into canonical tokens; returns (tokens, unexplained runs).

        ``calls=False`` leaves the call forms out (a typo of a roster word must not be read
        as a call form and stray letters: ``prnomo`` is purnomo, not p + r + nomo)."""
        toks, unknown, _, _ = self.reading(chunk, calls)
        return toks, unknown

    def completion(self, run: str) -> str | None:
        """The one roster word that begins with ``run`` (four letters or more), if only one does."""
        if len(run) < 4:
            return None
        if getattr(self, "_completions", None) is None:      # (an index pickled before it)
            comp: dict[str, str | None] = {}
            for w in self.counts:
                for k in range(4, len(w)):
                    p = w[:k]
                    comp[p] = w if comp.get(p, w) == w else None
            self._completions = comp
        return self._completions.get(run)

    def abbreviated(self, chunk: str) -> list[str] | None:
        """The words of a name whose last word is cut short (``tituaman`` for Titua Manullang,
        ``lularysal`` for Lulary Salim), when words explain every other letter; else None.

        The likeliest split may explain more letters another way (ti + tuaman, leaving "ti");
        a name and the first letters of a roster word explain them all."""
        for k in (ABBR_LEN, ABBR_LEN + 1):
            head, tail = chunk[:-k], chunk[-k:]
            if (len(head) < ABBR_LEN or tail[:ABBR_LEN] not in self.abbreviations
                    or (k > ABBR_LEN and tail not in self.prefixes) or (tail in self.cost and tail not in self.calls)):
                continue
            toks, unknown = self.segment(head, calls=False)
            if toks and not unknown and all(len(t) > 1 for t in toks):
                return toks + [tail]
        return None

    def __getstate__(self) -> dict:
        # the word automaton is built again where it is needed, never cached with the index
        return {k: v for k, v in self.__dict__.items() if k != "_automaton"}

    def automaton(self) -> ahocorasick.Automaton:
        """Every word a handle may be made of (two to ``_MAX_WORD`` letters, finite cost), as
        an Aho-Corasick automaton: (length, cost, is a call form) per word.

        One pass in C finds every word inside a run of letters; probing each run's beginnings
        in a dict, letter by letter, was the hottest line of actor preparation. Built once
        per index, in the parent before the workers fork (``display_names.before_fork``)."""
        got = self.__dict__.get("_automaton")
        if got is None:
            got = ahocorasick.Automaton()
            calls = self.calls
            for w, c in self.prefixes.items():
                if c != math.inf:
                    got.add_word(w, (len(w), c, w in calls))
            got.make_automaton()
            self._automaton = got
        return got

    def reading(self, chunk: str, calls: bool = True) -> tuple[list[str], list[str], float, tuple]:
        """``segment`` with the cost of the likeliest split (-log probability, as the words cost)
        and its pieces: (end, kind, cost up to the end) for words ("w"), initials and unknown letters.

        Ties go to the word that starts first, then to a word over an initial (the order
        the split has always been chosen in: the labelled sets depend on it)."""
        memo_key = chunk if calls or not self.calls else "!" + chunk
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        n = len(chunk)
        if n > 40:
            chunk, n = chunk[:40], 40
        skip_calls = not calls
        # the words ending at each position: (start, cost)
        ends: list[list[tuple[int, float]] | None] = [None] * (n + 1)
        for e, (length, c, is_call) in self.automaton().iter(chunk):
            if is_call and skip_calls:
                continue
            e += 1
            got = ends[e]
            if got is None:
                ends[e] = [(e - length, c)]
            else:
                got.append((e - length, c))
        best = [0.0] * (n + 1)
        back: list[tuple[int, str]] = [(0, "?")] * (n + 1)
        init_c = self.initial_cost
        # a letter that no word explains costs as an initial (an unknown letter costs more and
        # never wins; runs of them become unexplained runs below)
        for i in range(1, n + 1):
            b, k = best[i - 1] + init_c, (i - 1, "i")
            ws = ends[i]
            if ws is not None:
                if len(ws) > 1:
                    ws.sort()         # (the automaton reports the longest first; not promised)
                wb, wj = math.inf, 0
                for j, c in ws:
                    v = best[j] + c
                    if v < wb:
                        wb, wj = v, j
                if wb <= b:
                    b, k = wb, (wj, "w")
            best[i], back[i] = b, k
        pieces: list[tuple[str, str]] = []
        path = []
        i = n
        while i > 0:
            j, kind = back[i]
            pieces.append((chunk[j:i], kind))
            path.append((i, kind, best[i]))
            i = j
        pieces.reverse()
        path.reverse()
        # two or more letters in a row that are not words are not initials ("guru" in a
        # roster without that word): they form one unexplained run
        merged: list[tuple[str, str]] = []
        for text, kind in pieces:
            if kind in "i?" and merged and merged[-1][1] in "i?" and not (
                    kind == "i" and merged[-1][1] == "?" and False):
                merged[-1] = (merged[-1][0] + text, "?")
            else:
                merged.append((text, kind))
        tokens: list[str] = []
        unknown: list[str] = []
        for text, kind in merged:
            if kind == "w":
                tokens.extend(canon_token(text))
            elif kind == "i" or len(text) == 1:
                tokens.append(text)
            else:
                unknown.append(text)
        # a lone unexplained run of 1 letter is an initial; longer ones stay unknown
        out = (tokens, unknown, best[n], tuple(path))
        if len(self._memo) < 500_000:
            self._memo[memo_key] = out
        return out


def _completed(chunk: str, vocab: Vocabulary) -> list[str] | None:
    """A run cut at the platform's limit read as roster words and the one word its last letters
    begin (``nurhayatisimanj``: nurhayati + Simanjuntak, not nur + hayati + sima + ni), the
    longest such ending whose head roster words explain whole; None when there is none."""
    for k in range(3, len(chunk) - 3):
        # in current spelling as inside a word (a letter after it keeps "simanj" from ending in i)
        word = vocab.completion(chunk[k:]) or vocab.completion(spell(chunk[k:] + "a")[:-1])
        if word is None:
            continue
        toks, unknown = vocab.segment(chunk[:k], calls=False)
        if not unknown and toks and all(len(t) > 1 for t in toks):
            return toks + [word]
    return None


def strip_domain(platform: str, handle: str) -> str:
    """The user part of a handle: no ``@``, no Mastodon server, no Bluesky/custom domain."""
    h = handle.strip().lstrip("@")
    if "@" in h:
        h = h.split("@", 1)[0]
    low = h.lower()
    for suf in _DOMAIN_SUFFIXES:
        if low.endswith(suf):
            return h[: -len(suf)]
    if platform == "bluesky" and "." in h:
        labels = h.split(".")
        while len(labels) > 1 and labels[-1].lower() in _TLDS:
            labels.pop()
        h = ".".join(labels)
    return h


def _other_spelling_of_words(run: str, vocab: Vocabulary) -> bool:
    """A run that spells roster words another way (``wahjudi`` for Wahyudi, old j = y; see
    ``normalize.variant_key``): a spelling, not a typo."""
    toks = canon_token(run)
    return any(has_variant(t) for t in toks) and all(variant_key(t) in vocab.variant_keys for t in toks)


def _account_word(t: str, vocab: Vocabulary) -> bool:
    """A word around the name, not of it; a handle-only one the roster has as a name (a Keren,
    a Manis) is a name."""
    return t in AFFIXES or (t in HANDLE_WORDS and t not in vocab.counts)


def _begins_a_word(w: str, words: list[str]) -> bool:
    """``w`` begins some word of ``words`` (sorted) other than itself."""
    i = bisect.bisect_right(words, w)
    return i < len(words) and words[i].startswith(w)


def _is_degree(chunk: str, chunks: list[str], vocab: Vocabulary) -> bool:
    """A part of a handle in ``DEGREES`` that is a degree (``budisantoso_spd``, ``rina.amdkeb``,
    ``teguh_skom``), as teachers, nurses and clerks write theirs: a title, not three initials or
    unknown letters. Not one the roster has as a name, nor the handle's only name. (Short ones
    that need their dots, S.T. or M.A., are no ``DEGREES``: ``budi_st`` may be initials.)"""
    if any(t in vocab.counts for t in canon_token(chunk)):
        return False
    return any(c != chunk and not c.isdigit() and c not in BACK_TITLES for c in chunks)


def _degree_at_end(chunk: str, vocab: Vocabulary) -> tuple[str, str, list[str]] | None:
    """A degree run together after a name (``budisantosospd``): (the name's letters, the degree,
    the name's words) when roster words of two letters or more explain every letter before it."""
    for k in (6, 5, 4, 3):
        head, tail = chunk[:-k], chunk[-k:]
        if len(head) < 5 or tail not in DEGREES:
            continue
        toks, unknown = vocab.segment(head, calls=False)
        if toks and not unknown and all(len(t) > 1 for t in toks):
            return head, tail, toks
    return None


def analyse(handle: str | None, vocab: Vocabulary, platform: str = "",
            fix: Callable[[str], tuple[str, ...]] | None = None, shown: str = "") -> HandleInfo:
    """Name tokens, digits and the space-free form of a handle.

    ``fix``, when given, gives the roster tokens one edit from a run of letters, most
    frequent first: a run the vocabulary does not explain is read as the first
    (``prnomo`` -> ``purnomo``), and so is a mistyped name the vocabulary splits into
    short words (``sturisno``; ``typos.reading``). See ``typos.py``. Letters that
    ``shown`` (the display name's letters) also has are no slip: two typings agree on them.
    """
    if not handle:
        return HandleInfo()
    h = fold(strip_domain(platform, handle))
    # a handle as long as the platform allows may have cut its last name short (X: 15 letters,
    # nurhayatisimanj): a last run no word explains is read as the one roster word it begins
    limit = PLATFORMS[platform].handle_max if platform in PLATFORMS else None
    at_limit = limit is not None and len(h) >= limit
    h = _CAMEL.sub(" ", h)            # BudiSantoso -> Budi Santoso
    low = _DOTTED_DEGREE.sub(_joined_degree, h.lower())   # rina_s.pd: the degree S.Pd., not s + pd
    info = HandleInfo()
    letters = []
    chunks = _CHUNK.findall(low)
    last = max((i for i, c in enumerate(chunks) if not c.isdigit()), default=-1)
    for ci, chunk in enumerate(chunks):
        if chunk.isdigit():
            info.digits.append(chunk)
            continue
        if chunk in DEGREES and _is_degree(chunk, chunks, vocab):
            info.titles.append(chunk)
            continue
        if chunk in ACCOUNT_NUMBERS and ci == last and ci > 0:
            continue                    # sulastrisasmito_ii: a second account, not the initial I
        letters.append(chunk)
        if len(chunk) == 1:
            info.tokens.append(chunk)
            continue
        whole = canon_token(chunk)
        # a known word (or compound of known words); a doubled first letter may be an initial
        if chunk[0] != chunk[1] and all(w in vocab.cost for w in whole):
            info.tokens.extend(whole)
            continue
        # segment the chunk as written (keeps "ssihombing" = s + sihombing) unless that leaves
        # letters unexplained; then in current spelling (budisoeharto -> budi + suharto)
        toks, unknown = vocab.segment(chunk, calls=False)
        lone = [k for k in range(1, len(toks)) if len(toks[k]) == 1]
        if not unknown and lone and not any(k + 1 < len(toks) and toks[k + 1][0] == toks[k] for k in lone):
            # a letter the current spelling leaves out (sitikhadijah: siti + hadijah, not siti + k +
            # hadijah; achmadrifai) is no initial: read so when that explains every letter with
            # fewer lone letters; an initial before a word it begins stays (budissantoso: Budi S.
            # Santoso, which the spelling rules would squeeze)
            sp = spell(chunk)
            if sp != chunk:
                t2, u2 = vocab.segment(sp, calls=False)
                if not u2 and sum(len(t) == 1 for t in t2) < sum(len(t) == 1 for t in toks):
                    toks = t2
        if unknown and (cut := _degree_at_end(chunk, vocab)) is not None:
            chunk, degree, toks = cut          # budisantosospd: Budi Santoso, S.Pd.
            info.titles.append(degree)
            letters[-1], unknown = chunk, []
        if unknown:
            # also try current spelling (budisoeharto -> budi + suharto), and an initial in
            # front of it (ssyahputra -> s + sahputra, which collapsing "ss" would hide)
            options = [(sum(map(len, unknown)), len(toks), toks, unknown)]
            sp = spell(chunk)
            # a letter squeezed away (doubled, or sy -> s) is not a letter explained: at the seam
            # of two parts (dusacep + per, malalacih + hid, masrinis + yus) squeezing only
            # shortens what is left unexplained
            squeezed = len(chunk) - len(sp)
            if sp != chunk:
                t2, u2 = vocab.segment(sp, calls=False)
                options.append((sum(map(len, u2)) + (squeezed if u2 else 0), len(t2), t2, u2))
            if len(chunk) > 3 and chunk[0] == chunk[1]:
                t3, u3 = vocab.segment(spell(chunk[1:]), calls=False)
                if not u3:
                    # after a doubled first letter the initial reading wins (ssihombing)
                    options.append((0, 0 if chunk[0] == chunk[1] else len(t3) + 1, [chunk[0]] + t3, u3))
            _, _, toks, unknown = min(options, key=lambda o: (o[0], o[1]))
            # call forms of roster names (rani for Yorani) explain what roster words leave
            # unexplained, unless it is a typo of a roster word (prnomo is purnomo, not p + r + nomo)
            if unknown and vocab.calls and not (
                    fix is not None and all(len(u) >= typos.MIN_LEN and fix(u) for u in unknown)):
                # they fill gaps between the roster words found, never break one up (arnefri +
                # yus is not arnef + ri + us); a lone letter between call forms (muha + m + mad
                # for muhammad) is no better than two letters left unexplained
                words = {t for t in toks if len(t) >= 4}
                left = sum(map(len, unknown)) + 2 * sum(len(t) == 1 for t in toks)
                for c in dict.fromkeys((chunk, sp)):
                    t4, u4 = vocab.segment(c)
                    n4 = sum(map(len, u4)) + 2 * sum(len(t) == 1 for t in t4) + (
                        squeezed if u4 and c != chunk else 0)
                    if n4 < left and words <= set(t4):
                        toks, unknown, left = t4, u4, n4
        if (fix is not None and unknown and len(chunk) >= typos.MIN_LEN
                and not all(_other_spelling_of_words(u, vocab) for u in unknown)):
            # a mistyped name split into short words (sturisno = stur + is + no): read it whole;
            # letters in old spelling of roster words (wahjudi for Wahyudi) are no typo
            typo = typos.reading(chunk, vocab, fix)
            if typo is not None and not (shown and typo[1] in shown):
                toks, unknown = typo[0], []
                info.typos += 1
        if unknown and vocab.abbreviations:
            short = vocab.abbreviated(chunk)
            if short is not None:
                toks, unknown = short, []
        if at_limit and ci == last and (unknown or (toks and len(toks[-1]) <= 2)):
            read = _completed(chunk, vocab)
            if read is not None:
                toks, unknown = read, []
        info.tokens.extend(toks)
        info.unknown.extend(unknown)
        # letters no roster word explains stay in the name ("ratnarohawijaya" is not "ratna wijaya")
        for u in unknown:
            if _other_spelling_of_words(u, vocab):  # wahjudi for the roster's Wahyudi: not a typo
                info.tokens.extend(canon_token(u))
                continue
            cs = (fix(u) if fix is not None and len(u) >= typos.MIN_LEN and not (shown and spell(u) in shown)
                  else ())
            if cs:
                info.tokens.append(cs[0])
                info.typos += 1
                continue
            if u in HANDLE_AFFIXES:               # "rusdi_tv", "budi.yt": an account word, not t + v
                info.tokens.append(u)
            elif len(u) >= 3 and u == chunk and u in vocab.unit_words:
                # "budihermawan_bkd": a unit's word (read away later); two letters (agus_bp, dewi_rw)
                # stay initials
                info.tokens.append(u)
            elif u in MARGA_SHORT and ci == last and chunk.endswith(u) and any(len(t) > 1 for t in info.tokens):
                # the last word after a name: a Batak marga written short (ahmadfauzihsb, rinasari_nst:
                # Hasibuan, Nasution) says its first letter, as Hsb does in a display name
                # (``display_names.consonant_initial``)
                info.tokens.append(u[0])
            elif len(u) <= 3 and not _VOWELS.intersection(u):
                info.tokens.extend(u)             # "heryanto.pn": initials, not a word
            elif len(u) >= 2:
                info.tokens.extend(canon_token(u))
    info.tokens = list(dict.fromkeys(info.tokens))      # "ngatijo_ngatijo" says one name once
    names = [t for t in info.tokens if not _account_word(t, vocab)]
    if names and any(len(t) > 1 for t in names) and len(names) < len(info.tokens):
        info.affixes = [t for t in info.tokens if _account_word(t, vocab)]
        info.tokens = names
        info.unknown = [u for u in info.unknown if not _account_word(u, vocab)]
    # the letters of the name: a part that is an account word (budi_santoso_official) is none
    named = [c for c in letters if not (info.affixes and all(_account_word(t, vocab) for t in canon_token(c)))]
    info.compact = "".join(spell(c) for c in (named or letters))
    return info
