"""The roster as arrays: built once per roster, cached, read by every batch of actors.

Everything the vectorised comparisons need from the roster is precomputed here: token ids
padded into fixed-width matrices, hashes of the canonical and space-free forms, token rarity,
birth dates, unit words and titles. Building it at national scale takes a while, so ``pantau
match`` pickles it keyed by a roster fingerprint; ``RosterIndex`` stays in this module, as a
pickle names the module of its class.

The sizes, padding values and helpers that both sides share (``NT``, ``h64``, ``padded``,
``context_words``, ...) live here too: the actor side (``actors``, ``display_names``) reads
the roster's arrays, and nothing here reads an actor.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Sequence

import numpy as np

from pantau.matching import callnames
from pantau.matching import handles as handles_mod
from pantau.matching import known as known_mod
from pantau.matching import typos
from pantau.matching.normalize import (BACK_SEP, BACK_TITLES, FRONT_TITLES, canon_token, consonants, core_tokens, fold,
                                       normalise, spell, variant_key, without_gender_marker, written_forms)
from storage.records import Employee

INDEX_FORMAT = "22"
NT = 6            # name tokens kept per name
NC = 8            # context (unit/position) words kept per employee
NCA = 12          # context words kept per actor
NPL = 3           # words of a place read away from one name per display name (``display_names.without_unit_words``)
#: a unit word says where only when few employees share it (Sumedang, Pariwisata; not Dinas,
#: Kabupaten, Guru, nor the regency of a regency's own roster): at least this many bits,
#: log2(roster size / employees with the word)
PLACE_BITS = 3.0
NTI = 4           # titles kept
E_PAD = -9        # padding in employee matrices
A_PAD = -1        # padding in actor matrices
A_UNKNOWN = -2    # an actor token the roster never uses
MAX_TEXT = 80     # bytes of a canonical name kept for similarity (six tokens fit)
ABBR_CODE = 1000     # abbreviation codes (a roster token's first letters) start here; letter codes are 1..27
SKEL_CODE = 100_000  # consonant-skeleton codes (gnwn for Gunawan) start here: abbreviations too
ABBR_LEN = handles_mod.ABBR_LEN

# The kinds of office and region every unit name has (Dinas, Kabupaten, SD): no unit's own word,
# and no one's name.
_OFFICE_WORDS = ("dinas", "kantor", "kabupaten", "kab", "kota", "provinsi", "prov", "kecamatan", "kelurahan", "desa",
                 "negeri", "pemkab", "pemkot", "pemprov", "sd", "smp", "sma", "smk")
# Words of unit and position names that say nothing about where someone works.
CONTEXT_STOPWORDS = {
    *_OFFICE_WORDS, "badan", "bagian", "sub", "subbagian", "bidang", "seksi", "sekretariat",
    "daerah", "unit", "pelaksana", "teknis", "uptd", "upt", "dan", "dari", "di", "ke", "pada", "yang", "untuk",
    "dengan", "pemerintah", "umum", "staf", "staff",
    "ahli", "pertama", "muda", "madya", "utama", "terampil", "mahir", "penyelia", "pelaksana",
    "kepala", "sekretaris", "kasubag", "kasi", "kabid", "jabatan", "fungsional", "tertentu",
    "the", "of", "and", "i", "ii", "iii", "iv", "v", "a", "b", "c",
}
# ... and the words a civil servant writes after their name ("Budi Santoso ASN Pemkab", "Yanto
# PNS"): read away from a display name wherever they are no roster name, the unit's own words or
# not (and the usual short forms of big cities, Sby, Jkt, Bdg: no unit spells them so); kept in
# canonical spelling, as display names are read (PPPK is "pk")
SERVICE_WORDS = {spell(w) for w in (
    *_OFFICE_WORDS, "asn", "pns", "cpns", "pppk", "honorer", "pemda", "kemenag", "setda", "sekolah",
    "kel", "kec", "ds", "sdn", "smpn", "sman", "smkn", "mts", "mtsn",
    "sby", "jkt", "bdg", "smg", "mks", "mdn", "plg", "pku", "bpp", "btm", "mlg", "dps", "jogja", "jgj",
    # offices people are addressed by, with their name (Pak Camat Budi, Kades Budi, Pak RT); a
    # profession (Bidan Sri, Guru) stays a word of the position, evidence per employee
    "camat", "lurah", "kades", "sekdes", "kadus", "kepsek", "bupati", "wabup", "sekda", "sekcam", "kadis",
    "kapus", "rt", "rw",
    # (normaliser 8) the short names of agencies and offices people put after their name (Budi
    # Santoso Dinkes, sulastri_bkd), no one's name; where a roster's units write them so, they are
    # its unit words (``display_names.without_unit_words``). Not Bidan, Guru, Perawat: positions.
    "dinkes", "disdik", "dispendik", "diknas", "dikbud", "disdikbud", "bkd", "bkpsdm", "bkpsdmd", "bkpp",
    "bappeda", "bapenda", "bpbd", "bpkad", "bpkd", "dishub", "dinsos", "dukcapil", "disdukcapil", "satpol",
    "kemenkes", "kemendikbud", "kemendagri", "kemenkeu", "puskesmas", "pkm", "rsud", "dlh", "pupr", "dpupr",
    "disnaker", "dispar", "disperindag", "diskominfo", "kominfo", "inspektorat", "dprd", "kpu", "bawaslu")}
_WORD = re.compile(r"[a-z]+")
_NOT_ALPHA = re.compile(r"[^a-z]")


def h64(s: str) -> int:
    """A stable 63-bit hash (Python's ``hash`` changes per process; the index is cached)."""
    b = s.encode()
    return ((zlib.crc32(b) << 31) ^ zlib.crc32(b[::-1] + b"\x01")) & 0x7FFF_FFFF_FFFF_FFFF


def run_memo(roster: "RosterIndex", name: str) -> dict:
    """A memo of a run that lives on the index (an id() could be reused by the next index);
    its name begins with ``_``, so it is never pickled with the cached index."""
    m = roster.__dict__.get(name)
    if m is None:
        m = roster.__dict__[name] = {}
    return m


def fixed_bytes(strings: list[str]) -> np.ndarray:
    """Fixed-width bytes, not an object array of ``str``.

    Forked workers share the parent's roster copy-on-write; touching a Python string
    writes its reference count and copies its page, so millions of them made each
    worker a copy of the roster. A NumPy buffer is never written, so it stays shared.
    rapidfuzz compares bytes as it compares the (ASCII) text. The width is the longest
    string, so one absurd roster row must not widen millions: at most ``MAX_TEXT`` bytes
    are kept (similarity only; the exact-match hashes use the whole text).
    """
    if not strings:
        return np.zeros(0, dtype="S1")
    return np.array([s.encode()[:MAX_TEXT] for s in strings], dtype=bytes)


def padded(rows: Sequence[list[int]], width: int, pad: int, dtype=np.int32) -> np.ndarray:
    """Rows of ints cut at ``width`` and padded; one NumPy assignment, not one per row."""
    out = np.full((len(rows), width), pad, dtype=dtype)
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    if not len(rows) or not lens.any():
        return out
    if lens.max() > width:
        rows = [r[:width] for r in rows]
        lens = np.minimum(lens, width)
    flat = np.fromiter(chain.from_iterable(rows), dtype=dtype, count=int(lens.sum()))
    out[np.arange(width) < lens[:, None]] = flat
    return out


def context_words(text: str | None) -> list[str]:
    if not text:
        return []
    out = []
    for w in _WORD.findall(fold(text).lower()):
        if len(w) < 3 or w in CONTEXT_STOPWORDS:
            continue
        out.append(spell(w))
    return out


def birth_parts(emp: Employee) -> tuple[int, int]:
    """(year, month*100+day) of the birth date, from the record or the NIP's first 8 digits."""
    bd = (emp.birth_date or "").replace("-", "")
    if len(bd) < 8 and emp.nip and len(emp.nip) >= 8:
        bd = emp.nip[:8]
    try:
        y, m, d = int(bd[:4]), int(bd[4:6]), int(bd[6:8])
        if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
            return y, m * 100 + d
    except ValueError:
        pass
    return 0, 0


def _variant_sorted(tokens: list[str], ty: dict[str, str] | None = None) -> str:
    if ty:
        tokens = [ty.get(t, t) for t in tokens]
    return " ".join(sorted(variant_key(t) for t in tokens))


def spelling_forms(counts: Counter[str]) -> dict[str, str]:
    """Roster tokens whose ``c`` was an old ``tj`` that stood for t + j (= y): Prasetjo is
    Prasetyo, not Praseco. The rules read every old ``tj`` as ``c`` (Soetjipto is Sucipto);
    a token is read the other way when its ``ty`` form is a roster token more employees
    carry. A word-initial tj is always c (Tjahjo)."""
    out = {}
    for t, c in counts.items():
        i = t.find("c", 1)
        while i > 0:
            alt = t[:i] + "ty" + t[i + 1:]
            if counts.get(alt, 0) > c:
                out[t] = alt
                break
            i = t.find("c", i + 1)
    return out


def title_keys_of(titles: list[str]) -> list[str]:
    out = []
    for t in titles:
        c = _NOT_ALPHA.sub("", fold(t).lower())
        if c and (c in BACK_TITLES or c in FRONT_TITLES):
            out.append(c)
    return out


@dataclass
class RosterNames:
    """The employees' canonical names as arrays, one row per employee (what name comparisons read)."""

    tok: np.ndarray                     # n x NT token ids
    sorted: np.ndarray                  # bytes: sorted tokens joined by spaces
    compact: np.ndarray                 # bytes: tokens joined without spaces, in order
    sorted_h: np.ndarray                # hashes of the above (whole text, not cut at MAX_TEXT)
    compact_h: np.ndarray
    variant_h: np.ndarray               # hash of the sorted spelling-variant key (normalize.variant_key)
    core_h: np.ndarray                  # hash of the sorted name without regional parts (normalize.core_tokens)
    count: np.ndarray                   # employees sharing the canonical name (in any order)
    ordered_count: np.ndarray           # ... in the same order (Hendro Ridwan, not Ridwan Hendro)
    core_count: np.ndarray              # employees sharing that name without regional parts
    core_soft_h: np.ndarray             # ... keeping the words that are parts only after one (Ayu, Bagus)
    core_soft_count: np.ndarray
    bare_h: np.ndarray                  # ... without only a leading I or Ni (normalize.without_gender_marker)
    bare_count: np.ndarray
    variant_count: np.ndarray           # employees sharing the name in any spelling (variant key)
    variant_info: np.ndarray            # bits of the name, its tokens counted in either spelling
    info: np.ndarray                    # bits of information in the name


@dataclass
class RosterIndex:
    """The active roster in array form, plus the blocking index (see ``blocking``)."""

    fingerprint: str
    model_version: str
    n: int
    nips: np.ndarray                    # bytes (S18): no Python object per employee, see ``fixed_bytes``
    tok2id: dict[str, int]
    tok_count: np.ndarray
    tok_idf: np.ndarray                 # bits: log2(n / count)
    tok_first: np.ndarray               # first letter code of each token (a=1)
    tok_len: np.ndarray
    tok_call: np.ndarray                # V x callnames.FORMS call-form ids of each token (-1 padded)
    call_extra: dict[str, int]          # call forms that are not roster tokens -> their ids
    call_bits: np.ndarray               # bits of each call form (roster token ids, then call_extra's)
    call_given: np.ndarray              # n x NT: the columns of each name that hold its given names
    tok_regional: np.ndarray            # V: the token is a regional part (Ni, Wayan), nobody's given name
    tok_pre: np.ndarray                 # ABBR_CODE + id of each token's first ABBR_LEN letters (-1: too short)
    pre2id: dict[str, int]              # those first letters -> id
    typo_h: np.ndarray                  # one-letter deletions of roster tokens, hashed and sorted (typos.py)
    typo_ids: np.ndarray                # ... the token each came from
    names: RosterNames
    birth_year: np.ndarray
    birth_md: np.ndarray
    ctx2id: dict[str, int]
    ctx_idf: np.ndarray
    e_ctx: np.ndarray                   # n x NC
    title2id: dict[str, int]
    e_title: np.ndarray                 # n x NTI
    title_names: list[str]
    known_exact: dict[str, list[int]]                 # "platform|key" -> employees (platform-qualified)
    known_user: dict[str, list[tuple[int, str, str]]]  # user part -> (employee, platform or "", key)
    vocab: handles_mod.Vocabulary
    block_keys: np.ndarray = field(default=None)      # sorted unique keys
    block_start: np.ndarray = field(default=None)
    block_count: np.ndarray = field(default=None)
    block_emp: np.ndarray = field(default=None)       # employee indices grouped by key
    block_report: dict = field(default_factory=dict)
    rare_max: int = 0                                 # the rare-token limit used
    tok_var: np.ndarray = field(default=None)         # id of each token's other-spelling form (``spelling_forms``)
    tok_short_pre: np.ndarray = field(default=None)   # a 3-4 letter token that begins longer ones (Tan): their code
    # n: employees who share this one's first given name and full birth date (``blocking.dated_name``)
    dated_count: np.ndarray = field(default=None)
    e_last_written: np.ndarray = field(default=None)   # n: the code of the last name's first letters as the
    #                                                    employee's name writes them, where spelling changes them
    #                                                    (Chaniago: cha); -1 otherwise

    @property
    def log2n(self) -> float:
        return math.log2(max(self.n, 2))

    def __getstate__(self) -> dict:
        # the memos of a run (``_display_memo``, ``_typo_memo``, ...) are not part of the cached index
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def _jy(word: str) -> str:
    return word.replace("j", "y")


def spelling_ids(roster: RosterIndex) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """Per token id, the id of its class of spellings before and after 1972 (Sujono = Suyono,
    Handajani = Handayani: the old j is today's y); that id by the class's key (``_jy``), for an
    actor's token the roster does not carry as written; and per class id, whether the roster
    holds more than one spelling of it. Kept on the index like the memos.

    Narrower than the old-spelling key of a whole name (``normalize.variant_key``, which also
    reads Javanese a for o, a glide written or not, p for f): a whole name equal in that key
    is one name, but one token equal in it, beside tokens that differ, is often another name
    (Jutanah and Yutono)."""
    got = roster.__dict__.get("_spelling_ids")
    if got is None:
        by_key: dict[str, int] = {}
        ids = np.array([by_key.setdefault(_jy(w), i) for i, w in enumerate(words(roster))], dtype=np.int64)
        several = np.bincount(ids, minlength=len(ids)) > 1
        got = roster.__dict__["_spelling_ids"] = (ids, by_key, several)
    return got


def spelling_idf(roster: RosterIndex) -> np.ndarray:
    """Bits of each token counted in both spellings (``spelling_ids``; kept on the index like the memos).

    A name the account writes in another spelling than the roster (Suyono for Sujono) is as
    rare as both spellings together, not as the roster's old one."""
    got = roster.__dict__.get("_spelling_idf")
    if got is None:
        ids = spelling_ids(roster)[0]
        both = np.bincount(ids, weights=roster.tok_count, minlength=len(ids))[ids]
        got = roster.__dict__["_spelling_idf"] = np.log2(max(roster.n, 2) / np.maximum(both, 1)).astype(np.float32)
    return got


STEMS = 3
def skeleton_codes(roster: RosterIndex) -> tuple[np.ndarray, dict[str, int]]:
    """Per token id, the code of its consonants (``SKEL_CODE`` + id; -1 for words under five
    letters or with under three consonants), and the codes by consonants; kept on the index
    like the memos. A handle writes a name without its vowels (hendra.gnwn, fajar_ngrh)."""
    got = roster.__dict__.get("_skeleton_codes")
    if got is None:
        by: dict[str, int] = {}
        codes = np.full(len(roster.tok2id), -1, dtype=np.int64)
        for w, i in roster.tok2id.items():
            c = consonants(w)
            if len(w) >= 5 and len(c) >= 3 and c != w:
                codes[i] = SKEL_CODE + by.setdefault(c, len(by))
        got = roster.__dict__["_skeleton_codes"] = (codes, {c: SKEL_CODE + k for c, k in by.items()})
    return got


def stem_ids(roster: RosterIndex) -> np.ndarray:
    """V x ``STEMS``: ids of the roster words of four letters or more that begin each word
    (rahma and rahmawat... for Rahmawati, wahyu for Wahyuningsih), -1 padded; kept on the index
    like the memos. A display word that begins a roster word the display leaves out is that
    name cut short (Dwi Rahma for Dwi Rahmawati), not another person's name."""
    got = roster.__dict__.get("_stem_ids")
    if got is None:
        tok2id = roster.tok2id
        got = np.full((len(tok2id), STEMS), -1, dtype=np.int64)
        for w, i in tok2id.items():
            if len(w) < 6:
                continue
            found = [tok2id[w[:k]] for k in range(len(w) - 1, 3, -1) if w[:k] in tok2id][:STEMS]
            got[i, :len(found)] = found
        roster.__dict__["_stem_ids"] = got
    return got


def is_stem(roster: RosterIndex) -> np.ndarray:
    """Per token id, whether it begins another roster word (``stem_ids``); kept like the memos."""
    got = roster.__dict__.get("_is_stem")
    if got is None:
        stems = stem_ids(roster)
        got = np.zeros(len(stems) + 1, bool)          # the last: an actor token the roster lacks
        got[stems[stems >= 0]] = True
        roster.__dict__["_is_stem"] = got
    return got


def words(roster: RosterIndex) -> list[str]:
    """The roster's tokens by id (kept on the index like the memos, never pickled)."""
    got = roster.__dict__.get("_words")
    if got is None:
        got = roster.__dict__["_words"] = list(roster.tok2id)
    return got


def known_handle_index(employees: list[Employee]) -> tuple[dict, dict]:
    """Roster handles, read into (platform, handle): an exact index and one by user name."""
    exact: dict[str, list[int]] = {}
    user: dict[str, list[tuple[int, str, str]]] = {}
    for i, e in enumerate(employees):
        for h in e.handles or []:
            k = known_mod.parse_known_handle(h)
            if k is None:
                continue
            if k.platform:
                exact.setdefault(f"{k.platform}|{k.key}", []).append(i)
            if k.user:
                user.setdefault(k.user, []).append((i, k.platform or "", k.key))
    return exact, user


def build_roster(employees: list[Employee], *, fingerprint: str = "", model_version: str = "") -> RosterIndex:
    """Arrays of the roster. Uses the stored canonical name (``name_norm``) when it is current."""
    from pantau.matching.normalize import VERSION
    n = len(employees)
    names: list[list[str]] = []
    counts: Counter[str] = Counter()
    for e in employees:
        text = e.name_norm if e.name_norm and e.norm_version == VERSION else normalise(e.name).text
        toks = text.split()[:NT]
        names.append(toks)
        # each token once per name, in the name's order: a set's order changes with the
        # process's string hashing, and token ids (ties in ``most_common``) decide which of
        # two equally large blocks fits an actor's budget, so the candidates would too
        counts.update(dict.fromkeys(toks).keys())
    # spelling-variant keys (normalize.variant_key) join the vocabulary so they have ids
    tok2id: dict[str, int] = {}
    for t, _ in counts.most_common():
        tok2id[t] = len(tok2id)
    ty = spelling_forms(counts)
    extra = {variant_key(t) for t in counts} - set(tok2id)
    for t in sorted(extra):
        tok2id[t] = len(tok2id)
    tok_count = np.zeros(len(tok2id), dtype=np.int32)
    for t, c in counts.items():
        tok_count[tok2id[t]] = c
    tok_idf = np.log2(max(n, 2) / np.maximum(tok_count, 1)).astype(np.float32)
    words = list(tok2id)
    tok_first = np.array([ord(w[0]) - 96 if w and "a" <= w[0] <= "z" else 27 for w in words], dtype=np.int8)
    tok_len = np.array([len(w) for w in words], dtype=np.int16)

    tok_call, call_extra = callnames.build(tok2id, tok_len)
    call_bits = callnames.call_bits(tok_call, tok_count, len(tok2id) + len(call_extra), n)
    typo_h, typo_ids = typos.build(tok2id, tok_count)
    pre2id: dict[str, int] = {}
    tok_pre = np.full(len(tok2id), -1, dtype=np.int32)
    for w, i in tok2id.items():
        if p := handles_mod.abbreviation_prefix(w):
            tok_pre[i] = ABBR_CODE + pre2id.setdefault(p, len(pre2id))
    # a short roster token may also be a handle's abbreviation of a longer one ("tan" in
    # ``fediraliamtan`` for Tanuwijaya, though Tan is a name): its code, for the pairs it fits
    tok_short_pre = np.full(len(tok2id), -1, dtype=np.int32)
    for w, i in tok2id.items():
        if ABBR_LEN <= len(w) <= ABBR_LEN + 1 and w[:ABBR_LEN] in pre2id:
            tok_short_pre[i] = ABBR_CODE + pre2id[w[:ABBR_LEN]]
    e_last_written, written_prefixes = _written_last_prefixes(employees, names, pre2id)
    e_tok = padded([[tok2id[t] for t in toks] for toks in names], NT, E_PAD)
    call_given = callnames.given_columns(e_tok, words, tok_len)
    # each list of millions of strings is turned into an array and dropped at once (peak memory)
    sorted_s = [" ".join(sorted(t)) for t in names]
    e_sorted_h = np.array([h64(s) for s in sorted_s], dtype=np.int64)
    # the variant key is sorted after the change: "jusrizal nofni" -> "nofni yusrizal" (j -> y)
    e_var_h = np.array([h64(_variant_sorted(t, ty)) for t in names], dtype=np.int64)
    e_core_h = np.array([h64(" ".join(sorted(core_tokens(t)))) for t in names], dtype=np.int64)
    e_core_soft_h = np.array([h64(" ".join(sorted(core_tokens(t, soft=True)))) for t in names], dtype=np.int64)
    e_bare_h = np.array([h64(" ".join(sorted(without_gender_marker(t)))) for t in names], dtype=np.int64)
    e_sorted = fixed_bytes(sorted_s)
    del sorted_s
    compact_s = ["".join(t) for t in names]
    del names
    e_compact_h = np.array([h64(s) for s in compact_s], dtype=np.int64)
    e_compact = fixed_bytes(compact_s)
    del compact_s
    uniq, inv, cnt = np.unique(e_sorted_h, return_inverse=True, return_counts=True)
    name_count = cnt[inv].astype(np.int32)
    _, inv, cnt = np.unique(e_compact_h, return_inverse=True, return_counts=True)
    ordered_count = cnt[inv].astype(np.int32)
    # I Nyoman Wirawan and I Made Wirawan are namesakes to an account that shows only "Wirawan"
    _, inv, cnt = np.unique(e_core_h, return_inverse=True, return_counts=True)
    core_count = cnt[inv].astype(np.int32)
    _, inv, cnt = np.unique(e_core_soft_h, return_inverse=True, return_counts=True)
    core_soft_count = cnt[inv].astype(np.int32)
    _, inv, cnt = np.unique(e_bare_h, return_inverse=True, return_counts=True)
    bare_count = cnt[inv].astype(np.int32)
    idf_pad = np.append(tok_idf, np.float32(0))
    name_info = idf_pad[np.where(e_tok >= 0, e_tok, len(tok_idf))].sum(1).astype(np.float32)
    # an account "Rahayu" that fits the roster's Rahaju has every Rahayu and Rahaju for
    # namesakes, and a name as common as both together
    _, inv, cnt = np.unique(e_var_h, return_inverse=True, return_counts=True)
    variant_count = cnt[inv].astype(np.int32)
    vid = np.array([tok2id[variant_key(ty.get(w, w))] for w in words], dtype=np.int64)
    var_tok = np.bincount(vid, weights=tok_count, minlength=len(words))[vid]
    var_idf = np.append(np.log2(max(n, 2) / np.maximum(var_tok, 1)).astype(np.float32), np.float32(0))
    variant_info = var_idf[np.where(e_tok >= 0, e_tok, len(tok_idf))].sum(1).astype(np.float32)

    births = [birth_parts(e) for e in employees]
    birth_year = np.array([b[0] for b in births], dtype=np.int32)
    birth_md = np.array([b[1] for b in births], dtype=np.int32)

    ctx_rows = []
    ccount: Counter[str] = Counter()
    name_words = set(counts)
    seen: dict[tuple, list[str]] = {}       # units and positions repeat: compute each once
    for e in employees:
        key = (e.unit, e.position)
        ws = seen.get(key)
        if ws is None:
            ws = list(dict.fromkeys(w for w in context_words(f"{e.unit or ''} {e.position or ''}")
                                    if w not in name_words))[:NC]
            if len(seen) < 1_000_000:
                seen[key] = ws
        ctx_rows.append(ws)
        ccount.update(ws)
    ctx2id = {w: i for i, w in enumerate(ccount)}
    ctx_idf = np.log2(max(n, 2) / np.array([max(ccount[w], 1) for w in ctx2id] or [1], dtype=np.float64)
                      ).astype(np.float32)
    e_ctx = padded([[ctx2id[w] for w in ws] for ws in ctx_rows], NC, E_PAD)

    title2id: dict[str, int] = {}
    trows = []
    for e in employees:
        ks = list(dict.fromkeys(title_keys_of(e.titles)))
        for k in ks:
            title2id.setdefault(k, len(title2id))
        trows.append([title2id[k] for k in ks])
    e_title = padded(trows, NTI, E_PAD)

    known_exact, known_user = known_handle_index(employees)

    return RosterIndex(
        fingerprint=fingerprint, model_version=model_version, n=n,
        nips=fixed_bytes([e.nip for e in employees]),
        tok2id=tok2id, tok_count=tok_count, tok_idf=tok_idf, tok_first=tok_first, tok_len=tok_len,
        tok_call=tok_call, call_extra=call_extra, call_bits=call_bits, call_given=call_given,
        tok_regional=callnames.regional(words), typo_h=typo_h, typo_ids=typo_ids, tok_pre=tok_pre,
        pre2id=pre2id, tok_short_pre=tok_short_pre, e_last_written=e_last_written,
        names=RosterNames(tok=e_tok, sorted=e_sorted, compact=e_compact, sorted_h=e_sorted_h,
                          compact_h=e_compact_h, variant_h=e_var_h, core_h=e_core_h, count=name_count,
                          ordered_count=ordered_count,
                          core_count=core_count, core_soft_h=e_core_soft_h, core_soft_count=core_soft_count,
                          bare_h=e_bare_h, bare_count=bare_count,
                          variant_count=variant_count, variant_info=variant_info,
                          info=name_info),
        birth_year=birth_year, birth_md=birth_md, ctx2id=ctx2id, ctx_idf=ctx_idf,
        e_ctx=e_ctx, title2id=title2id, e_title=e_title, title_names=list(title2id),
        known_exact=known_exact, known_user=known_user,
        vocab=handles_mod.Vocabulary({t: int(tok_count[i]) for t, i in tok2id.items() if tok_count[i] > 0},
                                     call_extra, {alt: t for t in counts for alt in written_forms(t)},
                                     written_prefixes=written_prefixes, context=set(ctx2id) | SERVICE_WORDS),
        tok_var=vid,
    )


def _written_last_prefixes(employees: list[Employee], names: list[list[str]],
                           pre2id: dict[str, int]) -> tuple[np.ndarray, set[str]]:
    """Per employee, the code (``ABBR_CODE`` + id in ``pre2id``, which it extends) of the last
    name's first letters as the name writes them, where they differ from the spelled ones:
    "cha" for Chaniago (haniago), "sya" for Syadihendri, "ass" for Assegaf, "rac" for Rachmat;
    -1 otherwise. A handle cuts a name as it is written (``elrihendricha``), and the spelled
    form keeps other letters. Per employee, not per token: Budiarto Handra is not "cha"
    because someone else writes Chandra. The last word before the back titles is read, once
    per distinct word. Also returns the written first letters seen, for the handle reader."""
    out = np.full(len(employees), -1, dtype=np.int32)
    seen: set[str] = set()
    canon: dict[str, str] = {}
    for r, (e, toks) in enumerate(zip(employees, names)):
        if not toks or not e.name:
            continue
        last = toks[-1]
        spelled = handles_mod.abbreviation_prefix(last)
        if spelled is None:
            continue
        words = _WORD.findall(fold(BACK_SEP.split(e.name, 1)[0]).lower())
        if not words:
            continue
        w = words[-1]
        raw = w[:ABBR_LEN]
        if raw == spelled or len(w) < ABBR_LEN + 2:
            continue
        c = canon.get(w)
        if c is None:
            ct = canon_token(w)
            c = canon[w] = ct[0] if len(ct) == 1 else ""
        if c == last:
            out[r] = ABBR_CODE + pre2id.setdefault(raw, len(pre2id))
            seen.add(raw)
    return out, seen
