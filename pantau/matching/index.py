"""The roster as arrays (built once, cached) and actors as arrays (built per batch).

Everything the vectorised comparisons need is precomputed here: token ids padded
into fixed-width matrices, hashes of the canonical and space-free forms, token
rarity, birth dates, unit words and titles. Building it at national scale takes
a while, so ``pantau match`` pickles it keyed by a roster fingerprint.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Sequence

import numpy as np

from pantau.matching import callnames
from pantau.matching import handles as handles_mod
from pantau.matching import known as known_mod
from pantau.matching import typos
from pantau.matching.normalize import (ADDRESS_PARTS, BACK_SEP, BACK_TITLES, FRONT_TITLES, canon_token, core_tokens,
                                       display_segments, fold, has_aside, is_back_title, normalise, spell,
                                       variant_key, without_patronymic, written_forms)
from storage.records import Actor, Employee

INDEX_FORMAT = "18"
NT = 6            # name tokens kept per name
NC = 8            # context (unit/position) words kept per employee
NCA = 12          # context words kept per actor
NPL = 3           # words of a place read away from one name per display name (``_without_unit_words``)
#: a unit word says where only when few employees share it (Sumedang, Pariwisata; not Dinas,
#: Kabupaten, Guru, nor the regency of a regency's own roster): at least this many bits,
#: log2(roster size / employees with the word)
PLACE_BITS = 3.0
NTI = 4           # titles kept
E_PAD = -9        # padding in employee matrices
A_PAD = -1        # padding in actor matrices
A_UNKNOWN = -2    # an actor token the roster never uses
MAX_TEXT = 80     # bytes of a canonical name kept for similarity (six tokens fit)

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
    "kapus", "rt", "rw")}
_WORD = re.compile(r"[a-z]+")
_NOT_ALPHA = re.compile(r"[^a-z]")


def h64(s: str) -> int:
    """A stable 63-bit hash (Python's ``hash`` changes per process; the index is cached)."""
    b = s.encode()
    return ((zlib.crc32(b) << 31) ^ zlib.crc32(b[::-1] + b"\x01")) & 0x7FFF_FFFF_FFFF_FFFF


def _bytes(strings: list[str]) -> np.ndarray:
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


def digit_evidence(digits: list[str]) -> tuple[list[int], list[int], list[int]]:
    """Digit runs of a handle -> candidate (years, month-days, full dates as yyyymmdd).

    Years from a 2-digit run come last: ``years[:1]`` of a 4-, 6- or 8-digit run is what
    ``claimed_years`` uses to notice a handle that states another birth year.
    """
    years: list[int] = []
    mds: list[int] = []
    fulls: list[int] = []

    def md_ok(m: int, d: int) -> bool:
        return 1 <= m <= 12 and 1 <= d <= 31

    def y2(v: int) -> int:
        return 1900 + v if v >= 40 else 2000 + v

    for run in digits:
        n = len(run)
        if n == 8:
            for y, m, d in ((int(run[:4]), int(run[4:6]), int(run[6:])),
                            (int(run[4:]), int(run[2:4]), int(run[:2]))):
                if 1930 <= y <= 2010 and md_ok(m, d):
                    fulls.append(y * 10000 + m * 100 + d)
                    years.append(y)
                    mds.append(m * 100 + d)
        elif n == 6:
            for y, m, d in ((y2(int(run[:2])), int(run[2:4]), int(run[4:])),
                            (y2(int(run[4:])), int(run[2:4]), int(run[:2]))):
                if md_ok(m, d):
                    fulls.append(y * 10000 + m * 100 + d)
                    years.append(y)
                    mds.append(m * 100 + d)
        elif n == 4:
            v = int(run)
            if 1930 <= v <= 2010:
                years.append(v)
            a, b = int(run[:2]), int(run[2:])
            if md_ok(b, a):
                mds.append(b * 100 + a)          # ddmm
            if md_ok(a, b):
                mds.append(a * 100 + b)          # mmdd
        elif n == 2:
            years.append(y2(int(run)))
    return years[:3], mds[:3], fulls[:3]


def claimed_years(digits: list[str]) -> list[int]:
    """Birth years a handle states unambiguously: a 4-digit year, or a full date."""
    out = []
    for run in digits:
        if len(run) == 4 and 1955 <= int(run) <= 2005:
            out.append(int(run))
        elif len(run) in (6, 8):
            ys, _, fu = digit_evidence([run])
            if fu:
                out.extend(ys)
    return out[:3]


def _variant_sorted(tokens: list[str], ty: dict[str, str] | None = None) -> str:
    if ty:
        tokens = [ty.get(t, t) for t in tokens]
    return " ".join(sorted(variant_key(t) for t in tokens))


def _actor_variant_sorted(tokens: list[str], roster: "RosterIndex") -> str:
    """An actor's old-spelling key, with the roster's readings of its tokens (``spelling_forms``)."""
    tok2id, var, id2tok = roster.tok2id, roster.tok_var, words(roster)
    out = []
    for t in tokens:
        i = tok2id.get(t)
        out.append(id2tok[var[i]] if i is not None else variant_key(t))
    return " ".join(sorted(out))


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


def _pad(rows: Sequence[list[int]], width: int, pad: int, dtype=np.int32) -> np.ndarray:
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
    variant_count: np.ndarray           # employees sharing the name in any spelling (variant key)
    variant_info: np.ndarray            # bits of the name, its tokens counted in either spelling
    info: np.ndarray                    # bits of information in the name


@dataclass
class RosterIndex:
    """The active roster in array form, plus the blocking index (see ``blocking``)."""

    fingerprint: str
    model_version: str
    n: int
    nips: np.ndarray                    # bytes (S18): no Python object per employee, see ``_bytes``
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
    e_last_written: np.ndarray = field(default=None)   # n: the code of the last name's first letters as the
    #                                                    employee's name writes them, where spelling changes them
    #                                                    (Chaniago: cha); -1 otherwise

    @property
    def log2n(self) -> float:
        return math.log2(max(self.n, 2))

    def __getstate__(self) -> dict:
        # the memos of a run (``_display_memo``, ``_typo_memo``, ...) are not part of the cached index
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


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


def known_kinds(a: Actor, roster: RosterIndex) -> list[tuple[int, int]]:
    """(employee, kind) for each employee with a known handle like this actor's; strongest kind per employee.

    Kinds (``known.KNOWN_*``): certain (the handle on its platform, and server for
    Mastodon), bare (the roster names no platform), no server (Mastodon without one),
    other server, other platform.
    """
    ah = known_mod.actor_handle(a.platform, a.handle)
    if ah is None or not (roster.known_exact or roster.known_user):
        return []
    best: dict[int, int] = {}
    for e in roster.known_exact.get(f"{ah.platform}|{ah.key}", ()):
        best[e] = known_mod.KNOWN_CERTAIN
    for e, platform, key in roster.known_user.get(ah.user, ()):
        if not platform:
            kind = known_mod.KNOWN_BARE
        elif platform != ah.platform:
            kind = known_mod.KNOWN_OTHER_PLATFORM
        elif key == ah.key:
            kind = known_mod.KNOWN_CERTAIN
        elif platform == "mastodon" and "@" not in key:
            kind = known_mod.KNOWN_NO_SERVER
        else:
            kind = known_mod.KNOWN_OTHER_SERVER
        if kind < best.get(e, 99):
            best[e] = kind
    return list(best.items())


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
    e_tok = _pad([[tok2id[t] for t in toks] for toks in names], NT, E_PAD)
    call_given = callnames.given_columns(e_tok, words, tok_len)
    # each list of millions of strings is turned into an array and dropped at once (peak memory)
    sorted_s = [" ".join(sorted(t)) for t in names]
    e_sorted_h = np.array([h64(s) for s in sorted_s], dtype=np.int64)
    # the variant key is sorted after the change: "jusrizal nofni" -> "nofni yusrizal" (j -> y)
    e_var_h = np.array([h64(_variant_sorted(t, ty)) for t in names], dtype=np.int64)
    e_core_h = np.array([h64(" ".join(sorted(core_tokens(t)))) for t in names], dtype=np.int64)
    e_core_soft_h = np.array([h64(" ".join(sorted(core_tokens(t, soft=True)))) for t in names], dtype=np.int64)
    e_sorted = _bytes(sorted_s)
    del sorted_s
    compact_s = ["".join(t) for t in names]
    del names
    e_compact_h = np.array([h64(s) for s in compact_s], dtype=np.int64)
    e_compact = _bytes(compact_s)
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
    e_ctx = _pad([[ctx2id[w] for w in ws] for ws in ctx_rows], NC, E_PAD)

    title2id: dict[str, int] = {}
    trows = []
    for e in employees:
        ks = list(dict.fromkeys(title_keys_of(e.titles)))
        for k in ks:
            title2id.setdefault(k, len(title2id))
        trows.append([title2id[k] for k in ks])
    e_title = _pad(trows, NTI, E_PAD)

    known_exact, known_user = known_handle_index(employees)

    return RosterIndex(
        fingerprint=fingerprint, model_version=model_version, n=n,
        nips=_bytes([e.nip for e in employees]),
        tok2id=tok2id, tok_count=tok_count, tok_idf=tok_idf, tok_first=tok_first, tok_len=tok_len,
        tok_call=tok_call, call_extra=call_extra, call_bits=call_bits, call_given=call_given,
        tok_regional=callnames.regional(words), typo_h=typo_h, typo_ids=typo_ids, tok_pre=tok_pre,
        pre2id=pre2id, tok_short_pre=tok_short_pre, e_last_written=e_last_written,
        names=RosterNames(tok=e_tok, sorted=e_sorted, compact=e_compact, sorted_h=e_sorted_h,
                          compact_h=e_compact_h, variant_h=e_var_h, core_h=e_core_h, count=name_count,
                          ordered_count=ordered_count,
                          core_count=core_count, core_soft_h=e_core_soft_h, core_soft_count=core_soft_count,
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


@dataclass
class ActorBatch:
    """A batch of actors in array form (rows in input order)."""

    ids: np.ndarray
    n: int
    d_tokens: list[list[str]]
    h_tokens: list[list[str]]
    handles: list[str]
    platforms: list[str]
    d_tok: np.ndarray          # n x NT ids of full display-name tokens (A_UNKNOWN if not in roster)
    d_init: np.ndarray         # n x 3 letter codes of display-name initials
    d_first: np.ndarray        # n x NT first-letter codes of full tokens
    d_call: np.ndarray         # n x NT call-form ids of the full tokens (callnames.call_id; -1 none)
    h_call: np.ndarray
    d_typo: np.ndarray         # a display-name token was read as the roster token one edit away
    h_typo: np.ndarray
    h_tok: np.ndarray
    h_init: np.ndarray
    h_first: np.ndarray
    d_sorted: np.ndarray       # bytes, like the roster's
    d_sorted_h: np.ndarray
    d_compact_h: np.ndarray
    d_var_h: np.ndarray
    h_compact: np.ndarray      # bytes
    h_sorted: np.ndarray       # bytes
    h_compact_h: np.ndarray
    h_sorted_h: np.ndarray
    h_var_h: np.ndarray        # the handle's sorted tokens in the roster's spelling-variant key
    years: np.ndarray          # n x 3
    mds: np.ndarray            # n x 3
    fulls: np.ndarray          # n x 3
    claimed: np.ndarray        # n x 3 years the handle states unambiguously
    digits: list[list[str]]
    ctx: np.ndarray            # n x NCA
    ctx_words: list[list[str]]
    titles: np.ndarray         # n x NTI
    title_text: list[list[str]]
    known: list[list[tuple[int, int]]]   # (employee, known.KNOWN_* kind) whose known handles fit this actor's
    d_place: np.ndarray        # n x NPL ctx ids of a place read away from one name (-1 none; ``_without_unit_words``)
    d_sorted_whole: np.ndarray  # bytes: the display name's sorted tokens with those words (= d_sorted without)
    d_address_h: np.ndarray = field(default=None)  # sorted tokens before a form of address (Daeng) or a
                                                   # patronymic (bin Abdullah) was read away, -9 none


@lru_cache(maxsize=200_000)
def _normalised(name: str) -> tuple[str, tuple[str, ...]]:
    """Display names repeat (namesakes, brands): normalise each once per process."""
    n = normalise(name)
    return n.text, tuple(n.titles)


ABBR_CODE = 1000     # abbreviation codes (a roster token's first letters) start here; letter codes are 1..27
ABBR_LEN = handles_mod.ABBR_LEN


def _ids(tokens: list[str], tok2id: dict[str, int], pre2id: dict[str, int] | None = None
         ) -> tuple[list[int], list[int], list[int]]:
    """(full token ids, initials and abbreviations, first letters). With ``pre2id`` (handles), a
    3- or 4-letter run the roster does not know but that begins a longer roster token ("sir" in
    ``tiurmasir``) is an abbreviation: it counts like an initial, for the tokens it begins."""
    full, init, first = [], [], []
    for t in tokens:
        if len(t) == 1:
            init.append(ord(t) - 96 if "a" <= t <= "z" else 27)
        elif (pre2id is not None and ABBR_LEN <= len(t) <= ABBR_LEN + 1 and t not in tok2id
              and t[:ABBR_LEN] in pre2id):
            init.append(ABBR_CODE + pre2id[t[:ABBR_LEN]])
        else:
            full.append(tok2id.get(t, A_UNKNOWN))
            first.append(ord(t[0]) - 96 if "a" <= t[0] <= "z" else 27)
    return full, init, first


def _typo_candidates(t: str, roster: RosterIndex) -> tuple[str, ...]:
    """The roster tokens one edit from ``t``, most frequent first (memoised per index)."""
    return _remembered(_memo(roster, "_typo_memo"), t, lambda: typos.candidates(
        t, roster.typo_h, roster.typo_ids, roster.tok_count, words(roster).__getitem__), limit=200_000)


def _fix_typos(tokens: list[str], roster: RosterIndex, shown: str = "") -> tuple[list[str], bool]:
    """Tokens the roster does not know, read as the roster token one edit away (typos.py),
    unless the display name (its letters: ``shown``) spells them so too."""
    tok2id = roster.tok2id

    def known(t: str) -> bool:
        # wahjudi for the roster's Wahyudi is another spelling (old j = y), not a typo
        return t in tok2id or t in roster.call_extra or variant_key(t) in tok2id
    if all(len(t) < typos.MIN_LEN or known(t) for t in tokens):
        return tokens, False
    out, fixed = [], False
    for t in tokens:
        if len(t) >= typos.MIN_LEN and not known(t) and t not in shown:
            c = _typo_candidates(t, roster)
            if c:
                out.append(c[0])
                fixed = True
                continue
        out.append(t)
    return list(dict.fromkeys(out)), fixed


_MEMO_MAX = 100_000     # entries per memo below: repeats are what they are for, memory stays bounded


def _memo(roster: RosterIndex, name: str) -> dict:
    """A memo that lives on the index (an id() could be reused by the next index; not pickled)."""
    m = roster.__dict__.get(name)
    if m is None:
        m = roster.__dict__[name] = {}
    return m


def _remembered(memo: dict, key, make, limit: int | None = None):
    """``memo[key]``, made by ``make()`` the first time; a full memo (``limit``, default
    ``_MEMO_MAX``) stops taking new keys."""
    got = memo.get(key)
    if got is None:
        got = make()
        if len(memo) < (_MEMO_MAX if limit is None else limit):
            memo[key] = got
    return got


def words(roster: RosterIndex) -> list[str]:
    """The roster's tokens by id (kept on the index like the memos, never pickled)."""
    got = roster.__dict__.get("_words")
    if got is None:
        got = roster.__dict__["_words"] = list(roster.tok2id)
    return got


def _without_unit_words(d: list[str], roster: RosterIndex) -> tuple[list[str], list[str]]:
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
    named = [t for t in d if t in roster.tok2id or t not in SERVICE_WORDS]
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


def _without_affixes(d: list[str]) -> list[str]:
    """A display name without the account words and forms of address around it ("Budi Santoso
    Official", "Kak Budi"); one inside the name is a name (Made Rai Sukadana, Siti Uni Rahayu)."""
    s, e = 0, len(d)
    while s < e and d[s] in handles_mod.AFFIXES:
        s += 1
    while e > s and d[e - 1] in handles_mod.AFFIXES:
        e -= 1
    return d[s:e] or d


_VOWELS = re.compile(r"[aeiou]")


def _consonant_initial(t: str, tok2id: dict[str, int]) -> str:
    """A last word of two to four consonants the roster does not know, read as an initial: a
    Batak marga written short (Hrp for Harahap, Nst for Nasution, Srg for Siregar) says its
    first letter, as "H." would; a school or a city written short (SDN, Sby) is no marga."""
    if 2 <= len(t) <= 4 and t not in tok2id and t not in SERVICE_WORDS and not _VOWELS.search(t) and t.isalpha():
        return t[0]
    return t


def _handle_without_unit_words(h: list[str], roster: RosterIndex) -> tuple[list[str], list[str]]:
    """A handle's name tokens without the words of units and service (``budisantoso.sleman``,
    ``sutrisno.pemkab``), and those words. As in a display name, service words go wherever a
    name remains; one name and a place (``lestari_garut``) stay as they are."""
    if len(h) < 3:
        return h, []
    kept, placed = _without_unit_words(h, roster)
    if placed or len(kept) == len(h):
        return h, []
    return kept, [t for t in h if t not in kept]


MAX_NAME_PARTS = 4      # words of a name written across separators (see _name_segment)


def _name_segment(name: str, roster: RosterIndex) -> tuple[str, list[str], list[str]]:
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
    toks = [_normalised(p)[0].split() for p in parts]
    known = [sum(t in tok2id for t in ts) for ts in toks]
    usable = [not any(t in SERVICE_WORDS and t not in tok2id for t in ts) for ts in toks]
    # the first part that reads as a full name, else the one with the most roster names: a place
    # after the name is made of name words too (Siti Aminah | Kel. Tanjung Sari Jaya)
    k = next((i for i in range(len(parts)) if usable[i] and known[i] >= 2), None)
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
    copy-on-write instead of each building its own (at national scale 8.6M name hashes)."""
    _roster_name_hashes(roster)


def _roster_name_hashes(roster: RosterIndex) -> np.ndarray:
    """The sorted hashes of every roster name and name core, built once per index (not pickled)."""
    got = roster.__dict__.get("_name_hashes")
    if got is None:
        got = np.unique(np.concatenate([roster.names.sorted_h, roster.names.core_h]))
        roster.__dict__["_name_hashes"] = got
    return got


def _display_part(name: str | None, roster: RosterIndex) -> tuple:
    """What a batch needs from a display name: display names repeat (namesakes, brands, bots)."""
    tok2id = roster.tok2id
    name, said, said_titles = _name_segment(name, roster) if name else (name, [], [])
    nd = _normalised(name) if name else None
    d = nd[0].split() if nd else []
    if len(d) > 1 and (d[0] in handles_mod.AFFIXES or d[-1] in handles_mod.AFFIXES):
        d = _without_affixes(d)                                         # "Budi (akun pribadi)"
    # "Daeng Nasalis" shows the name Nasalis; for an employee written Daeng Mattiro the display
    # "Daeng Mattiro" still spells the whole name (``d_address_h``)
    address_h = -9
    if len(d) > 1 and d[0] in ADDRESS_PARTS:
        address_h = h64(" ".join(sorted(d[:NT])))
        d = d[1:]
    # "Muhammad Yusuf bin Abdullah" shows the name Muhammad Yusuf (rosters seldom write the
    # father's name), and still spells the whole name of an employee written so
    named = without_patronymic(d)
    if len(named) < len(d):
        if address_h == -9:
            address_h = h64(" ".join(sorted(d[:NT])))
        d = named
    if len(d) > 1:
        d[-1] = _consonant_initial(d[-1], tok2id)
    shown_tokens = d[:NT]
    unknown = [t for t in shown_tokens if t not in tok2id and len(t) > 2] + said
    shown = "".join(shown_tokens)     # every letter the display name spells, unit words included
    whole = " ".join(sorted(shown_tokens))
    d, placed = _without_unit_words(d, roster)
    d = d[:NT]
    place = [roster.ctx2id[t] for t in placed][:NPL]
    full, init, first = _ids(d, tok2id)
    call = [callnames.call_id(t, tok2id, roster.call_extra) for t in d if len(t) > 1]
    srt, comp = " ".join(sorted(d)), "".join(d)
    return (d, full, init, first, call, srt, h64(srt) if srt else -1, h64(comp) if comp else -2,
            h64(_actor_variant_sorted(d, roster)) if d else -3, unknown,
            title_keys_of(list(nd[1]) + said_titles) if nd else [], shown, place, whole if place else srt,
            address_h)


def _handle_part(h: list[str], roster: RosterIndex) -> tuple:
    """What a batch needs from a handle's tokens: handles differ, their tokens often do not
    (budi.santoso88, budisantoso, Budi_Santoso)."""
    tok2id = roster.tok2id
    full, init, first = _ids(h, tok2id, roster.pre2id)
    call = [callnames.call_id(t, tok2id, roster.call_extra) for t in h if len(t) > 1]
    comp, srt = "".join(h), " ".join(sorted(h))
    return (full, init, first, call, comp, srt, h64(comp) if comp else -4, h64(srt) if srt else -5,
            h64(_actor_variant_sorted(h, roster)) if h else -8, [t for t in h if t not in tok2id and len(t) > 2])


def _bio_part(bio: str | None) -> tuple[list[str], list[str]]:
    """Unit words and written titles of a bio (bios repeat: "Mahasiswa", "Akun resmi")."""
    if not bio:
        return [], []
    return context_words(bio), title_keys_of([w for w in bio.split()[:60] if "." in w and len(w) <= 12])


def _actor_row(a: Actor, roster: RosterIndex, fix, displays: dict, handles: dict, bios: dict) -> tuple:
    """One actor's row of the batch, in the order ``prepare_actors`` unpacks it; a function of the
    actor's platform, handle, display name and bio only (the memos rely on it)."""
    dp = _remembered(displays, a.display_name, lambda: _display_part(a.display_name, roster))
    (d, dfull, dinit, dfirst, dcall, d_sorted, d_sorted_h, d_compact_h, d_var_h, d_unknown, d_titles, shown,
     d_place, d_whole, d_address_h) = dp
    # a handle that spells a name as the display name does (Kartosih, kartosih) spells it
    # as its owner does: two typings agreeing are not a slip, however near a roster name
    info = handles_mod.analyse(a.handle, roster.vocab, a.platform, fix, shown)
    h, h_fixed = _fix_typos(info.tokens[:NT], roster, shown)
    h_fixed = h_fixed or info.typos > 0
    h, h_said = _handle_without_unit_words(h, roster)
    hp = _remembered(handles, tuple(h), lambda: _handle_part(h, roster))
    hfull, hinit, hfirst, hcall, h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h, h_unknown = hp
    if info.digits:
        years, mds, fulls = digit_evidence(info.digits)
        claimed = claimed_years(info.digits)
    else:
        years, mds, fulls, claimed = [], [], [], []
    bio_words, bio_titles = _remembered(bios, a.bio, lambda: _bio_part(a.bio))
    ctx2id = roster.ctx2id
    said = bio_words + info.unknown + h_unknown + h_said + d_unknown
    cw = list(dict.fromkeys(w for w in said if w in ctx2id))[:NCA]
    title2id = roster.title2id
    tk = [k for k in dict.fromkeys(d_titles + bio_titles) if k in title2id] if d_titles or bio_titles else []
    return (d, h, a.handle or "", a.platform, dfull, dinit, dfirst, dcall, hcall, False, h_fixed,
            hfull, hinit, hfirst, d_sorted, d_sorted_h, d_compact_h, d_var_h,
            h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h,
            years, mds, fulls, claimed, info.digits, [ctx2id[w] for w in cw], cw, [title2id[k] for k in tk], tk,
            known_kinds(a, roster), d_place, d_whole, d_address_h)


def prepare_actors(actors: list[Actor], ids: list[int], roster: RosterIndex, *,
                   remember: bool = False) -> ActorBatch:
    """Normalise display names, analyse handles, collect digits, words and titles of a batch.

    ``remember`` keeps these actors' rows on the index (up to ``_MEMO_MAX``): the match
    job prepares its EM sample first and then every actor, in forked workers that
    inherit the rows. A row depends only on the actor's platform, handle, display name
    and bio, which is its key.
    """
    return batch_of(actor_rows(actors, roster, remember=remember), ids)


def actor_rows(actors: Sequence[Actor], roster: RosterIndex, *, remember: bool = False) -> list[tuple]:
    """The prepared rows of ``actors`` (see ``prepare_actors``); rows remembered on the index are reused."""
    def fix(run: str) -> tuple[str, ...]:
        if run in roster.call_extra or run in roster.tok2id:
            return ()
        return _typo_candidates(run, roster)

    displays, handles, bios = (_memo(roster, name) for name in ("_display_memo", "_handle_memo", "_bio_memo"))
    known = _memo(roster, "_row_memo")
    rows = []
    for a in actors:
        key = (a.platform, a.handle, a.display_name, a.bio)
        row = known.get(key) if known else None
        if row is None:
            row = _actor_row(a, roster, fix, displays, handles, bios)
            if remember and len(known) < _MEMO_MAX:
                known[key] = row
        rows.append(row)
    return rows


def remember_rows(actors: Sequence[Actor], rows: Sequence[tuple], roster: RosterIndex) -> None:
    """Keep rows prepared elsewhere (a forked worker's) on the index, as ``remember`` does."""
    known = _memo(roster, "_row_memo")
    for a, row in zip(actors, rows):
        if len(known) >= _MEMO_MAX:
            break
        known.setdefault((a.platform, a.handle, a.display_name, a.bio), row)


def batch_of(rows: Sequence[tuple], ids: Sequence[int]) -> ActorBatch:
    """The arrays of a batch from its prepared rows."""
    (dt, ht, hs, platforms, dfull, dinit, dfirst, dcall, hcall, dtypo, htypo, hfull, hinit, hfirst, d_sorted,
     d_sorted_h, d_compact_h, d_var_h, h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h, years, mds, fulls,
     claimed, digits, ctx, ctxw, titles, ttext, known_rows, dplace, dwhole, daddr) = zip(*rows) if rows else ([],) * 36
    n = len(rows)
    return ActorBatch(
        ids=np.asarray(ids, dtype=np.int64), n=n, d_tokens=list(dt), h_tokens=list(ht), handles=list(hs),
        platforms=list(platforms),
        d_tok=_pad(dfull, NT, A_PAD), d_init=_pad(dinit, 3, 0, np.int32), d_first=_pad(dfirst, NT, 0, np.int8),
        d_call=_pad(dcall, NT, -1), h_call=_pad(hcall, NT, -1),
        d_typo=np.array(dtypo, dtype=bool), h_typo=np.array(htypo, dtype=bool),
        h_tok=_pad(hfull, NT, A_PAD), h_init=_pad(hinit, 3, 0, np.int32), h_first=_pad(hfirst, NT, 0, np.int8),
        d_sorted=_bytes(list(d_sorted)), d_sorted_h=np.array(d_sorted_h, dtype=np.int64),
        d_compact_h=np.array(d_compact_h, dtype=np.int64), d_var_h=np.array(d_var_h, dtype=np.int64),
        h_compact=_bytes(list(h_compact)), h_sorted=_bytes(list(h_sorted)),
        h_compact_h=np.array(h_compact_h, dtype=np.int64), h_sorted_h=np.array(h_sorted_h, dtype=np.int64),
        h_var_h=np.array(h_var_h, dtype=np.int64),
        years=_pad(years, 3, 0), mds=_pad(mds, 3, 0), fulls=_pad(fulls, 3, 0), claimed=_pad(claimed, 3, 0),
        digits=list(digits),
        ctx=_pad(ctx, NCA, A_PAD), ctx_words=list(ctxw), titles=_pad(titles, NTI, A_PAD), title_text=list(ttext),
        known=list(known_rows), d_place=_pad(dplace, NPL, A_PAD), d_sorted_whole=_bytes(list(dwhole)),
        d_address_h=np.array(daddr, dtype=np.int64),
    )
