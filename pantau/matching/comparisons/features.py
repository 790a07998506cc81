"""Pair features: every measurement of a batch of (actor, employee) pairs, as arrays.

The comparisons (one module each in this package) read these arrays; nothing here
decides a level or a weight. Work is column by column over whole arrays, never
pair by pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from pantau.matching.actors import ActorBatch
from pantau.matching.callnames import BLOCKING_FORMS
from pantau.matching.comparisons.names import initials
from pantau.matching.index import (ABBR_CODE, PLACE_BITS, RosterIndex, is_stem, skeleton_codes, spelling_idf,
                                   spelling_ids, stem_ids)
from pantau.matching.rows import row_any, row_count, row_has, row_sum

INITIAL_BITS = 3.0


@dataclass
class TokenOverlap:
    """How the actor's tokens from one field cover the employee's name tokens."""

    n_a: np.ndarray          # actor full tokens
    n_init: np.ndarray       # actor initials
    n_e: np.ndarray          # employee tokens
    full_a: np.ndarray       # actor full tokens equal to an employee token
    full_e: np.ndarray       # employee tokens equal to an actor token
    init_a: np.ndarray       # actor initials that stand for an unmatched employee token
    covered_e: np.ndarray    # employee tokens matched fully or by an initial
    roster_init: np.ndarray  # roster initials (M. Rizki) covered by an actor full token (one each, Muhammad)
    info: np.ndarray         # bits of the employee tokens matched fully
    abbr_a: np.ndarray = None   # actor abbreviations ("sir" for Siregar) that stand for a roster token
    call_a: np.ndarray = None   # actor tokens that are a call name of an unmatched roster given name
    call_usual: np.ndarray = None   # ... by one of its usual forms (callnames.BLOCKING_FORMS: not Ani for Anisa)
    core_full: np.ndarray = None    # roster tokens matched fully that are not regional parts (Ni, Wayan)
    call_e: np.ndarray = None   # P x NT: roster tokens so called
    call_info: np.ndarray = None
    regional_left: np.ndarray = None    # roster regional parts (Ni, Wayan, br.) nothing covers
    by_init: np.ndarray = None   # P x NT: roster tokens an initial, an abbreviation or a short token stands for
    full_mask: np.ndarray = None     # P x NT: roster tokens the actor has in full
    spelled: np.ndarray = None       # a token matched in another spelling only (Suyono for Sujono)
    a_full: np.ndarray = None        # P x KA: actor tokens that are one of the roster tokens (in any spelling)


@dataclass
class EmployeeTokens:
    """The employee's name tokens of each pair and what the roster knows of them: gathered once
    for both the display name's overlap and the handle's (they are the largest gathers here)."""

    tok: np.ndarray          # P x NT token ids, padding < 0
    valid: np.ndarray        # a token, not padding
    first: np.ndarray        # its first letter's code (-1: padding)
    pre: np.ndarray          # its abbreviation code (index.ABBR_CODE + id; -1: padding)
    is_init: np.ndarray      # an initial on the roster (M. Rizki)
    idf: np.ndarray          # its bits (0: padding)
    regional: np.ndarray     # a regional part (Ni, Wayan, br.)
    skel: np.ndarray = None  # its consonants' code (index.skeleton_codes; -1: none)

    @classmethod
    def of(cls, E: np.ndarray, roster: RosterIndex) -> "EmployeeTokens":
        valid = E >= 0
        safe = np.where(valid, E, 0)
        return cls(tok=E, valid=valid, first=np.where(valid, roster.tok_first[safe], -1),
                   pre=np.where(valid, roster.tok_pre[safe], -1), is_init=valid & (roster.tok_len[safe] == 1),
                   idf=np.where(valid, roster.tok_idf[safe], 0.0), regional=valid & roster.tok_regional[safe],
                   skel=np.where(valid, skeleton_codes(roster)[0][safe], -1))


def token_overlap(A: np.ndarray, A_init: np.ndarray, A_first: np.ndarray, e: EmployeeTokens,
                  roster: RosterIndex, short_abbr: bool = False, written: np.ndarray | None = None,
                  A_var: np.ndarray | None = None) -> TokenOverlap:
    """Column by column (a few dozen whole-array operations), never pair by pair.

    ``short_abbr`` (handles): a short roster token that is none of the employee's names but
    begins one of them ("tan" in ``fediraliamtan`` for Fediraliam Tanuwijaya) may be that name
    cut short (which one depends on the pair), beside a name the pair shares (alone, "kaja" is
    read as a call name of Kajatun, not as nothing). It counts as an initial, not as an
    abbreviation (``abbr_a``): it is a whole name too, and ``sribudi`` is first Sri Budi's."""
    P, ka = A.shape
    E, e_valid, e_first, e_pre, e_is_init = e.tok, e.valid, e.first, e.pre, e.is_init
    ke = E.shape[1]
    # the last name's first letters as the employee's name writes them (``written``, per pair)
    e_raw = np.full_like(e_pre, -1)
    if written is not None and P:
        e_raw[np.arange(P), np.maximum(row_count(e_valid) - 1, 0)] = written
    a_used = [A[:, i] != -1 for i in range(ka)]
    used = [i for i in range(ka) if a_used[i].any()]
    a_cols = [A[:, i] for i in used]
    e_full = np.zeros((P, ke), bool, order="F")
    a_hit = np.zeros(P, np.int64)
    a_full = np.zeros((P, ka), bool, order="F")
    for i, col in zip(used, a_cols):
        hit = np.zeros(P, bool)
        for k in range(ke):
            m = col == E[:, k]
            e_full[:, k] |= m
            hit |= m
        a_hit += hit
        a_full[:, i] = hit
    e_spelled = (_spelled_otherwise(A, A_var, E, e_valid, roster, e_full, a_full, a_hit) if A_var is not None
                 else np.zeros(E.shape, bool))
    init_cols = [A_init[:, i] for i in range(A_init.shape[1]) if (A_init[:, i] > 0).any()]
    e_by_init = np.zeros((P, ke), bool, order="F")
    init_a = np.zeros(P, np.int64)
    abbr_a = np.zeros(P, np.int64)
    for col in init_cols:
        hit = np.zeros(P, bool)
        for k in range(ke):
            m = ((col == e_first[:, k]) | (col == e_pre[:, k]) | (col == e_raw[:, k]) | (col == e.skel[:, k])) & (
                col > 0) & ~e_full[:, k]
            e_by_init[:, k] |= m
            hit |= m
        init_a += hit
        abbr_a += hit & (col >= ABBR_CODE)
    n_a = sum(u.astype(np.int64) for u in a_used) if ka else np.zeros(P, np.int64)
    n_init = row_count(A_init > 0)
    a_abbr = np.zeros((P, ka), bool, order="F")
    if short_abbr:
        for i, col in zip(used, a_cols):
            alt = np.where(col >= 0, roster.tok_short_pre[np.maximum(col, 0)], -1)
            if not (alt > 0).any():
                continue
            # not a token the pair has already (in any spelling: juni is Yuni, not Yunita cut short)
            alt = np.where(a_full[:, i] | (a_hit == 0), -1, alt)
            hit = np.zeros(P, bool)
            for k in range(ke):
                m = (alt == e_pre[:, k]) & (alt > 0) & ~e_full[:, k] & ~e_by_init[:, k] & ~hit
                e_by_init[:, k] |= m
                hit |= m
            init_a += hit
            n_a = n_a - hit
            n_init = n_init + hit
            a_abbr[:, i] = hit
    e_init_cov = np.zeros((P, ke), bool, order="F")
    if e_is_init.any():
        # a roster initial (M. Rizki) stands for an actor token the roster name does not have in
        # full (Muhammad), one for one: "Pratama" is not both P. and Pratama
        free = e_is_init & ~e_full & ~e_by_init
        for i in range(A_first.shape[1]):
            col = np.where(a_full[:, i] | a_abbr[:, i], -1, A_first[:, i])
            hit = np.zeros(P, bool)
            for k in range(ke):
                m = (col == e_first[:, k]) & (col > 0) & free[:, k] & ~e_init_cov[:, k] & ~hit
                e_init_cov[:, k] |= m
                hit |= m
    covered = e_full | e_by_init | e_init_cov
    regional_left = row_count(e.regional & ~covered)
    return TokenOverlap(
        n_a=n_a, n_init=n_init, n_e=row_count(e_valid),
        full_a=a_hit, full_e=row_count(e_full), init_a=init_a, covered_e=row_count(covered),
        roster_init=row_count(e_init_cov), abbr_a=abbr_a, regional_left=regional_left, by_init=e_by_init,
        full_mask=e_full, spelled=row_any(e_spelled), a_full=a_full,
        # an initial says about one letter's worth (~3 bits), however rare the token it stands for
        info=row_sum(_token_bits(e, e_spelled, roster) * e_full) + INITIAL_BITS * (init_a + row_count(e_init_cov)),
    )


def _spelled_otherwise(A: np.ndarray, A_var: np.ndarray, E: np.ndarray, e_valid: np.ndarray, roster: RosterIndex,
                       e_full: np.ndarray, a_full: np.ndarray, a_hit: np.ndarray) -> np.ndarray:
    """Actor tokens that are a roster token in the other spelling of j and y (Suyono for the
    roster's Sujono, Warwiwayem for Warwiwajem; ``index.spelling_ids``), into the masks and
    counts: a full token, as the whole name in another spelling already is (``variant_key``).

    Without this, an account that both spells a name its own way and leaves a name out
    ("Suyono Pranoto" for Sujono Hadi Pranoto) shared one token and read as another person's
    name. Only pairs with an actor token and a roster token left unmatched are looked at.
    Returns the roster tokens (P x NT) matched so."""
    P, ka = A.shape
    spelled = np.zeros(E.shape, bool)
    # only a token whose class holds another spelling can meet one: most pairs have none
    ids, _, several = spelling_ids(roster)
    may = (A_var >= 0) & ~a_full & ((A < 0) | several[np.maximum(A_var, 0)])
    rows = np.flatnonzero(row_any(may) & row_any(e_valid & ~e_full))
    if not len(rows):
        return spelled
    Er = E[rows]
    Av = np.where(A_var[rows] >= 0, A_var[rows], -3)
    Ev = np.where(Er >= 0, ids[np.maximum(Er, 0)], -4)
    ef, af = e_full[rows], a_full[rows]
    for i in range(ka):
        col = np.where(af[:, i], -3, Av[:, i])
        if not (col >= 0).any():
            continue
        hit = np.zeros(len(rows), bool)
        for k in range(E.shape[1]):
            m = (col == Ev[:, k]) & ~ef[:, k] & ~hit
            ef[:, k] |= m
            hit |= m
        af[:, i] |= hit
    spelled[rows] = ef & ~e_full[rows]
    e_full[rows] = ef
    a_full[rows] = af
    a_hit[rows] = row_count(af)
    return spelled


def _cut_short(A: np.ndarray, A_start: np.ndarray, e: EmployeeTokens, o: TokenOverlap,
               roster: RosterIndex, among: np.ndarray) -> np.ndarray:
    """Pairs (of ``among``) where every display word the roster name does not have begins one of
    its words the display leaves out (Dwi Rahma for Dwi Rahmawati, Ayu Lestari for Ayu
    Lestariningsih: a roster word, ``index.stem_ids``; Eko Pras for Eko Prasetyo: three or four
    letters the roster does not know): a name cut short, not another person's name."""
    out = np.zeros(len(A), bool)
    words = (A != -1) & ~o.a_full
    # only pairs whose every such word may be one cut short (begins a roster word, or is three
    # or four letters the roster lacks): most are not, and the stems are read for the few
    stem = is_stem(roster)
    may = (A_start > 0) | stem[np.where(A >= 0, A, len(stem) - 1)]
    rows = np.flatnonzero(among & row_any(words) & ~row_any(words & ~may))
    if not len(rows):
        return out
    A, A_start, words = A[rows], A_start[rows], words[rows]
    left = (e.valid & ~o.full_mask & ~o.by_init)[rows]
    pre = e.pre[rows]
    stems = stem_ids(roster)[np.maximum(e.tok[rows], 0)]        # R x NT x STEMS
    ok = np.ones(len(rows), bool)
    any_cut = np.zeros(len(rows), bool)
    for i in range(A.shape[1]):
        word = words[:, i]
        if not word.any():
            continue
        col, start = A[:, i], A_start[:, i]
        cut = np.zeros(len(rows), bool)
        for k in range(stems.shape[1]):
            m = (start == pre[:, k]) & (start > 0)
            for j in range(stems.shape[2]):
                m |= (col == stems[:, k, j]) & (col >= 0)
            cut |= m & left[:, k]
        ok &= ~word | cut
        any_cut |= word & cut
    out[rows] = ok & any_cut
    return out


def _token_bits(e: EmployeeTokens, spelled: np.ndarray, roster: RosterIndex) -> np.ndarray:
    """Bits of each roster token of the pairs; a token matched in another spelling counts both."""
    if not spelled.any():
        return e.idf
    return np.where(spelled, spelling_idf(roster)[np.maximum(e.tok, 0)], e.idf)


def call_overlap(A_call: np.ndarray, e: EmployeeTokens, G: np.ndarray, roster: RosterIndex,
                 o: TokenOverlap) -> None:
    """Actor tokens that are a call name of a roster given name (Yanto for Heryanto), into ``o``.

    ``G`` marks the given names among the roster tokens (``callnames.given_columns``): a call
    name comes from a given name, not from a family name or a regional part. The
    information is the call form's own (``callnames.call_bits``: how many employees answer
    to it), not the given name's: "Yanto" says little even for a rare Supriyanto.
    """
    P, ka = A_call.shape
    E = e.tok
    ke = E.shape[1]
    o.call_a = np.zeros(P, np.int64)
    o.call_usual = np.zeros(P, np.int64)
    o.call_e = np.zeros((P, ke), bool)
    o.call_info = np.zeros(P, np.float32)
    o.core_full = row_count(o.full_mask & ~e.regional)
    cols = [j for j in range(ka) if (A_call[:, j] >= 0).any()]
    if not cols or not P:
        return
    taken = o.by_init & initials(o)[:, None]
    info = np.zeros(P, np.float64)
    for j in cols:
        col = A_call[:, j]
        # only pairs where this actor token may be a call name: it has a call id and is not
        # itself one of the employee's tokens (a call id is the token's own id when the roster
        # has the token; most pairs share their tokens outright)
        rows = np.flatnonzero(col >= 0)
        rows = rows[~row_has(E[rows], col[rows])]
        if o.spelled.any():
            # nor another spelling of one of them (Suyono for the roster's Sujono)
            sp = rows[o.spelled[rows]]
            sp_ids = spelling_ids(roster)[0]
            cv = np.where(col[sp] < len(sp_ids), sp_ids[np.minimum(col[sp], len(sp_ids) - 1)], -5)
            ev = np.where(o.full_mask[sp], sp_ids[np.maximum(E[sp], 0)], -6)
            rows = np.setdiff1d(rows, sp[row_has(ev, cv)], assume_unique=True)
        if not len(rows):
            continue
        c = col[rows]
        Er = E[rows]
        # P x NT: a roster token one of whose usual call forms (or any) is this actor token;
        # form by form, as a reduction over a short last axis is slow in NumPy
        safe = np.where(Er >= 0, Er, 0)
        cc = c[:, None]
        usual = roster.tok_call[:, 0][safe] == cc
        for f in range(1, BLOCKING_FORMS):
            usual |= roster.tok_call[:, f][safe] == cc
        forms = usual.copy()
        for f in range(BLOCKING_FORMS, roster.tok_call.shape[1]):
            forms |= roster.tok_call[:, f][safe] == cc
        # one actor token is one reading of a roster token: where the initials reading
        # covers the whole name ("agus" for Agustina in fransiskaagus), not a call name
        # too; else both stay and the levels take the one that fits ("luki" alone is
        # Lukifuddin's call name, "purri" + Sasmito for Purriman Heryanto Sasmito too)
        m = forms & G[rows] & ~o.call_e[rows] & ~taken[rows]
        o.call_e[rows] |= m
        hit = row_any(m)
        o.call_a[rows] += hit
        o.call_usual[rows] += row_any(m & usual)
        info[rows] += np.where(hit, roster.call_bits[c], 0.0)
    o.call_info = info.astype(np.float32)


class PairFeatures:
    """Every measurement of a batch of pairs, as arrays aligned with ``pa``/``pe``."""

    def __init__(self, batch: ActorBatch, roster: RosterIndex, pa: np.ndarray, pe: np.ndarray,
                 workers: int = -1):
        self.batch, self.roster = batch, roster
        self.pa, self.pe = pa, pe
        self.cache: dict = {}            # comparisons keep what they computed for the pairs here
        self.n = len(pa)
        # each per-pair gather once: they are the largest arrays here
        e_tok, d_tok, h_tok = (np.asfortranarray(x) for x in (roster.names.tok[pe], batch.d_tok[pa], batch.h_tok[pa]))
        e = EmployeeTokens.of(e_tok, roster)
        self.d = token_overlap(d_tok, batch.d_init[pa], batch.d_first[pa], e, roster, A_var=batch.d_var[pa])
        self.h = token_overlap(h_tok, batch.h_init[pa], batch.h_first[pa], e, roster, short_abbr=True,
                               written=roster.e_last_written[pe], A_var=batch.h_var[pa])
        given = roster.call_given[pe]
        call_overlap(batch.d_call[pa], e, given, roster, self.d)
        call_overlap(batch.h_call[pa], e, given, roster, self.h)
        self.d_present = batch.d_sorted_h[pa] >= 0
        # a display name that reads as a person's name: two or more words, one of them a roster
        # name token ("Herman Sasiwan"); "Hamba Allah" or "Pejuang Rupiah" are not
        known = row_count(d_tok >= 0)
        words = row_count(d_tok != -1)
        # one name and a place ("Haman Sumedang") is read as the name only for the employees
        # whose own unit holds the place (display_names.without_unit_words); for every other employee
        # the display name is what it says, a name and another word
        place = batch.d_place[pa]
        has_place = place >= 0
        placed = np.flatnonzero(has_place[:, 0])
        unplaced = np.zeros(self.n, bool)
        self.d_placed = np.zeros(self.n, bool)
        if len(placed):
            pl, has = place[placed], has_place[placed]
            own = (pl[:, :, None] == roster.e_ctx[pe[placed]][:, None, :]).any(2)
            unplaced[placed] = row_any(has & ~own)
            # ... and for those it is a name and where its owner works ("Haman Sumedang": Haman of
            # Sumedang), when one word of the place says where: not the regency of a regency's own
            # roster, nor "Guru Pendidikan", two words that say little each
            bits = np.where(has, roster.ctx_idf[np.where(has, pl, 0)], 0.0).max(1)
            self.d_placed[placed] = ~unplaced[placed] & (bits >= PLACE_BITS)
        extra = np.where(unplaced, row_count(has_place), 0)
        self.d.n_a = self.d.n_a + extra
        words = words + extra
        self.d_known = np.where((known >= 1) & (words >= 2), words, 0)
        # read only where the display would be "another person's name" (display_name's level)
        self.d_cut = _cut_short(d_tok, batch.d_start[pa], e, self.d, roster,
                                (self.d.full_e >= 1) & (self.d_known >= 2))
        self.h_present = batch.h_compact_h[pa] >= 0
        self.d_exact = ((batch.d_sorted_h[pa] == roster.names.sorted_h[pe]) | (
            batch.d_compact_h[pa] == roster.names.compact_h[pe]) | (
            batch.d_address_h[pa] == roster.names.sorted_h[pe])) & ~unplaced
        self.d_variant = (batch.d_var_h[pa] == roster.names.variant_h[pe]) & ~unplaced
        self.d_typo = batch.d_typo[pa]           # a token was read as the roster token one edit away
        self.h_typo = batch.h_typo[pa]
        # the account dropped the roster name's regional parts (Wirawan for I Nyoman Wirawan);
        # an account that has other ones (I Made Wirawan) is another person
        # (Ayu Kartika for Ni Luh Putu Ayu Kartika: Ayu, a part after Putu, kept as a given name)
        names = roster.names
        d_soft = (batch.d_sorted_h[pa] == names.core_soft_h[pe]) & ~unplaced
        h_soft = (batch.h_sorted_h[pa] == names.core_soft_h[pe])
        d_strict = (batch.d_sorted_h[pa] == names.core_h[pe]) & ~unplaced
        h_strict = batch.h_sorted_h[pa] == names.core_h[pe]
        # ... or only the I or Ni in front (Putu Sukadana for I Putu Sukadana)
        d_bare = (batch.d_sorted_h[pa] == names.bare_h[pe]) & ~unplaced
        h_bare = batch.h_sorted_h[pa] == names.bare_h[pe]
        self.d_core = d_strict | d_soft | d_bare
        self.h_core = h_strict | h_soft | h_bare
        self.h_exact = (batch.h_compact_h[pa] == roster.names.compact_h[pe]) | (
            batch.h_sorted_h[pa] == roster.names.sorted_h[pe])
        # heryanto_sudarmaji for the roster's Herjanto Soedarmaji: j = y, not a typo
        self.h_variant = (batch.h_var_h[pa] == roster.names.variant_h[pe]) & ~self.h_exact
        # rapidfuzz is given lists of bytes: from a NumPy bytes array it makes one object per
        # element itself, more slowly; the scores are the same
        es = roster.names.sorted[pe].tolist()
        if self.n:
            d_sorted = batch.d_sorted[pa].tolist()
            for i in np.flatnonzero(unplaced).tolist():
                d_sorted[i] = batch.d_sorted_whole[pa[i]]
            self.d_ratio = process.cpdist(d_sorted, es, scorer=fuzz.ratio, workers=workers, dtype=np.float32)
            hc = process.cpdist(batch.h_compact[pa].tolist(), roster.names.compact[pe].tolist(), scorer=fuzz.ratio,
                                workers=workers, dtype=np.float32)
            hs = process.cpdist(batch.h_sorted[pa].tolist(), es, scorer=fuzz.ratio, workers=workers,
                                dtype=np.float32)
            self.h_ratio = np.maximum(hc, hs)
        else:
            self.d_ratio = np.zeros(0, np.float32)
            self.h_ratio = np.zeros(0, np.float32)
        # employees who carry the name the account shows: without regional parts when only
        # that form fits (an account "Wirawan" has I Nyoman and I Made Wirawan for namesakes)
        core_only = (self.d_core | self.h_core) & ~(self.d_exact | self.h_exact | self.d_variant | self.h_variant)
        soft_only = core_only & ~(d_strict | h_strict)
        bare_only = soft_only & ~(d_soft | h_soft)
        # a name shown in the roster's order has for namesakes those who carry it in that order:
        # Ridwan Hendro is another person to an account "Hendro Ridwan" that fits Hendro Ridwan
        ordered = ((batch.d_compact_h[pa] == names.compact_h[pe]) & ~unplaced) | (
            batch.h_compact_h[pa] == names.compact_h[pe])
        self.name_count = np.where(bare_only, names.bare_count[pe],
                                   np.where(soft_only, names.core_soft_count[pe],
                                            np.where(core_only, names.core_count[pe],
                                                     np.where(ordered, names.ordered_count[pe], names.count[pe]))))
        self.name_info = roster.names.info[pe]
        # ... in either spelling when only the old-spelling form fits (Rahayu for the roster's Rahaju)
        variant_only = (self.d_variant | self.h_variant) & ~(self.d_exact | self.h_exact)
        self.name_count = np.where(variant_only, roster.names.variant_count[pe], self.name_count)
        self.name_info = np.where(variant_only, roster.names.variant_info[pe], self.name_info)


