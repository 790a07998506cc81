"""Actors as arrays, built per batch: what blocking and the comparisons read of an actor.

Each actor becomes one row, read against the roster's vocabulary (``index``): its display
name (``display_names``), its handle's tokens, digits, unit words, titles and known handles.
A batch's rows become padded NumPy arrays shaped like the roster's. A row depends only on the
actor's platform, handle, display name and bio, so rows and their parts are memoised on the
index (bounded, never pickled): namesakes, brands and bots repeat, and the forked workers of
the match job inherit the rows its EM sample prepared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from pantau.matching import callnames
from pantau.matching import handles as handles_mod
from pantau.matching import known as known_mod
from pantau.matching import typos
from pantau.matching.display_names import (consonant_initial, has_affixes, name_segment, normalised, without_affixes,
                                           without_unit_words)
from pantau.matching.index import (A_PAD, A_UNKNOWN, ABBR_CODE, ABBR_LEN, NCA, NPL, NT, NTI, SERVICE_WORDS, RosterIndex,
                                   context_words, fixed_bytes, h64, padded, run_memo, skeleton_codes, spelling_ids,
                                   title_keys_of, words)
from pantau.matching.normalize import ADDRESS_PARTS, consonants, variant_key, without_patronymic
from storage.records import Actor


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
    d_place: np.ndarray        # n x NPL ctx ids of a place read away from one name (-1 none; ``without_unit_words``)
    d_sorted_whole: np.ndarray  # bytes: the display name's sorted tokens with those words (= d_sorted without)
    d_address_h: np.ndarray = field(default=None)  # sorted tokens before a form of address (Daeng) or a
                                                   # patronymic (bin Abdullah) was read away, -9 none
    d_var: np.ndarray = field(default=None)    # n x NT spelling ids of d_tok's tokens (index.spelling_ids; _ids)
    h_var: np.ndarray = field(default=None)    # ... of h_tok's
    d_start: np.ndarray = field(default=None)  # n x NT: a 3- or 4-letter word the roster lacks coded as
                                               # index.tok_pre codes roster words' first letters (Pras), -1


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


def _actor_variant_sorted(tokens: list[str], roster: "RosterIndex") -> str:
    """An actor's old-spelling key, with the roster's readings of its tokens (``spelling_forms``)."""
    tok2id, var, id2tok = roster.tok2id, roster.tok_var, words(roster)
    out = []
    for t in tokens:
        i = tok2id.get(t)
        out.append(id2tok[var[i]] if i is not None else variant_key(t))
    return " ".join(sorted(out))


def known_kinds(a: Actor, roster: RosterIndex) -> list[tuple[int, int]]:
    """(employee, kind) for each employee with a known handle like this actor's; strongest kind per employee.

    Kinds (``known.KNOWN_*``): certain (the handle on its platform, and server for
    Mastodon), bare (the roster names no platform), no server (Mastodon without one),
    other server, other platform.
    """
    if not (roster.known_exact or roster.known_user):
        return []                  # (most rosters list no handle: nothing to read)
    ah = known_mod.actor_handle(a.platform, a.handle)
    if ah is None:
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


def _ids(tokens: list[str], roster: RosterIndex, pre2id: dict[str, int] | None = None
         ) -> tuple[list[int], list[int], list[int], list[int]]:
    """(full token ids, initials and abbreviations, first letters, the full tokens' spelling ids).
    With ``pre2id`` (handles), a 3- or 4-letter run the roster does not know but that begins a
    longer roster token ("sir" in ``tiurmasir``) is an abbreviation: it counts like an initial,
    for the tokens it begins.

    A full token's spelling id is the id of its class of spellings (``index.spelling_ids``), also
    for a token the roster does not carry as written (Suyono, where the roster has Sujono)."""
    tok2id = roster.tok2id
    sp_ids, sp_key, _ = spelling_ids(roster)
    skel = skeleton_codes(roster)[1] if pre2id is not None else {}
    full, init, first, spelled = [], [], [], []
    for t in tokens:
        if len(t) == 1:
            init.append(ord(t) - 96 if "a" <= t <= "z" else 27)
        elif t in skel and t not in tok2id and consonants(t) == t:
            init.append(skel[t])           # a name without its vowels (gnwn for Gunawan): an abbreviation
        elif pre2id is not None and (code := _abbreviation_code(t, tok2id, pre2id)) > 0:
            init.append(code)
        else:
            i = tok2id.get(t)
            full.append(A_UNKNOWN if i is None else i)
            first.append(ord(t[0]) - 96 if "a" <= t[0] <= "z" else 27)
            s = sp_key.get(t.replace("j", "y")) if i is None else int(sp_ids[i])
            spelled.append(A_UNKNOWN if s is None else s)
    return full, init, first, spelled


def _abbreviation_code(t: str, tok2id: dict[str, int], pre2id: dict[str, int]) -> int:
    """A 3- or 4-letter word the roster does not know coded as ``index.tok_pre`` codes the roster
    words it begins (``sir`` for Siregar, ``pras`` for Prasetyo); -1 otherwise."""
    if ABBR_LEN <= len(t) <= ABBR_LEN + 1 and t not in tok2id and t[:ABBR_LEN] in pre2id:
        return ABBR_CODE + pre2id[t[:ABBR_LEN]]
    return -1


def _typo_candidates(t: str, roster: RosterIndex) -> tuple[str, ...]:
    """The roster tokens one edit from ``t``, most frequent first (memoised per index)."""
    return _remembered(run_memo(roster, "_typo_memo"), t, lambda: typos.candidates(
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


def _remembered(memo: dict, key, make, limit: int | None = None):
    """``memo[key]``, made by ``make()`` the first time; a full memo (``limit``, default
    ``_MEMO_MAX``) stops taking new keys."""
    got = memo.get(key)
    if got is None:
        got = make()
        if len(memo) < (_MEMO_MAX if limit is None else limit):
            memo[key] = got
    return got


def _handle_without_unit_words(h: list[str], roster: RosterIndex) -> tuple[list[str], list[str]]:
    """A handle's name tokens without the words of units and service (``budisantoso.sleman``,
    ``sutrisno.pemkab``), and those words. As in a display name, service words go wherever a
    name remains (``rina_bkd``: normaliser 8); one name and a place (``lestari_garut``) stay as
    they are."""
    if len(h) < 2 or (len(h) == 2 and SERVICE_WORDS.isdisjoint(h)):
        return h, []           # (two parts: only a service word goes, so most handles stop here)
    kept, placed = without_unit_words(h, roster)
    if placed or len(kept) == len(h):
        return h, []
    return kept, [t for t in h if t not in kept]


def _display_part(name: str | None, roster: RosterIndex) -> tuple:
    """What a batch needs from a display name: display names repeat (namesakes, brands, bots)."""
    tok2id = roster.tok2id
    name, said, said_titles = name_segment(name, roster) if name else (name, [], [])
    nd = normalised(name) if name else None
    d = nd[0].split() if nd else []
    if has_affixes(d):
        d = without_affixes(d)                                         # "Budi (akun pribadi)"
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
        d[-1] = consonant_initial(d[-1], tok2id)
    shown_tokens = d[:NT]
    unknown = [t for t in shown_tokens if t not in tok2id and len(t) > 2] + said
    shown = "".join(shown_tokens)     # every letter the display name spells, unit words included
    whole = " ".join(sorted(shown_tokens))
    d, placed = without_unit_words(d, roster)
    d = d[:NT]
    place = [roster.ctx2id[t] for t in placed][:NPL]
    full, init, first, spelled = _ids(d, roster)
    call = [callnames.call_id(t, tok2id, roster.call_extra) for t in d if len(t) > 1]
    # a word of three or four letters the roster does not know, coded by its letters as the
    # roster's longer words are (index.tok_pre): "Eko Pras" shows Eko Prasetyo's name cut short
    starts = [_abbreviation_code(t, tok2id, roster.pre2id) for t in d if len(t) > 1]
    srt, comp = " ".join(sorted(d)), "".join(d)
    return (d, full, init, first, call, spelled, starts, srt, h64(srt) if srt else -1, h64(comp) if comp else -2,
            h64(_actor_variant_sorted(d, roster)) if d else -3, unknown,
            title_keys_of(list(nd[1]) + said_titles) if nd else [], shown, place, whole if place else srt,
            address_h)


def _handle_part(h: list[str], roster: RosterIndex) -> tuple:
    """What a batch needs from a handle's tokens: handles differ, their tokens often do not
    (budi.santoso88, budisantoso, Budi_Santoso)."""
    tok2id = roster.tok2id
    full, init, first, spelled = _ids(h, roster, roster.pre2id)
    call = [callnames.call_id(t, tok2id, roster.call_extra) for t in h if len(t) > 1]
    comp, srt = "".join(h), " ".join(sorted(h))
    return (full, init, first, call, spelled, comp, srt, h64(comp) if comp else -4, h64(srt) if srt else -5,
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
    (d, dfull, dinit, dfirst, dcall, dvar, dstart, d_sorted, d_sorted_h, d_compact_h, d_var_h, d_unknown, d_titles,
     shown, d_place, d_whole, d_address_h) = dp
    # a handle that spells a name as the display name does (Kartosih, kartosih) spells it
    # as its owner does: two typings agreeing are not a slip, however near a roster name
    info = handles_mod.analyse(a.handle, roster.vocab, a.platform, fix, shown)
    h, h_fixed = _fix_typos(info.tokens[:NT], roster, shown)
    h_fixed = h_fixed or info.typos > 0
    h, h_said = _handle_without_unit_words(h, roster)
    hp = _remembered(handles, tuple(h), lambda: _handle_part(h, roster))
    hfull, hinit, hfirst, hcall, hvar, h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h, h_unknown = hp
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
    tk = ([k for k in dict.fromkeys(d_titles + bio_titles + info.titles) if k in title2id]
          if d_titles or bio_titles or info.titles else [])
    return (d, h, a.handle or "", a.platform, dfull, dinit, dfirst, dcall, hcall, False, h_fixed,
            hfull, hinit, hfirst, d_sorted, d_sorted_h, d_compact_h, d_var_h,
            h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h,
            years, mds, fulls, claimed, info.digits, [ctx2id[w] for w in cw], cw, [title2id[k] for k in tk], tk,
            known_kinds(a, roster), d_place, d_whole, d_address_h, dvar, hvar, dstart)


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

    displays, handles, bios = (run_memo(roster, name) for name in ("_display_memo", "_handle_memo", "_bio_memo"))
    known = run_memo(roster, "_row_memo")
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
    known = run_memo(roster, "_row_memo")
    for a, row in zip(actors, rows):
        if len(known) >= _MEMO_MAX:
            break
        known.setdefault((a.platform, a.handle, a.display_name, a.bio), row)


def batch_of(rows: Sequence[tuple], ids: Sequence[int]) -> ActorBatch:
    """The arrays of a batch from its prepared rows."""
    (dt, ht, hs, platforms, dfull, dinit, dfirst, dcall, hcall, dtypo, htypo, hfull, hinit, hfirst, d_sorted,
     d_sorted_h, d_compact_h, d_var_h, h_compact, h_sorted, h_compact_h, h_sorted_h, h_var_h, years, mds, fulls,
     claimed, digits, ctx, ctxw, titles, ttext, known_rows, dplace, dwhole, daddr, dvar, hvar, dstart) = (
        zip(*rows) if rows else ([],) * 39)
    n = len(rows)
    return ActorBatch(
        ids=np.asarray(ids, dtype=np.int64), n=n, d_tokens=list(dt), h_tokens=list(ht), handles=list(hs),
        platforms=list(platforms),
        d_tok=padded(dfull, NT, A_PAD), d_init=padded(dinit, 3, 0, np.int32), d_first=padded(dfirst, NT, 0, np.int8),
        d_call=padded(dcall, NT, -1), h_call=padded(hcall, NT, -1),
        d_typo=np.array(dtypo, dtype=bool), h_typo=np.array(htypo, dtype=bool),
        h_tok=padded(hfull, NT, A_PAD), h_init=padded(hinit, 3, 0, np.int32), h_first=padded(hfirst, NT, 0, np.int8),
        d_sorted=fixed_bytes(list(d_sorted)), d_sorted_h=np.array(d_sorted_h, dtype=np.int64),
        d_compact_h=np.array(d_compact_h, dtype=np.int64), d_var_h=np.array(d_var_h, dtype=np.int64),
        h_compact=fixed_bytes(list(h_compact)), h_sorted=fixed_bytes(list(h_sorted)),
        h_compact_h=np.array(h_compact_h, dtype=np.int64), h_sorted_h=np.array(h_sorted_h, dtype=np.int64),
        h_var_h=np.array(h_var_h, dtype=np.int64),
        years=padded(years, 3, 0), mds=padded(mds, 3, 0), fulls=padded(fulls, 3, 0), claimed=padded(claimed, 3, 0),
        digits=list(digits),
        ctx=padded(ctx, NCA, A_PAD), ctx_words=list(ctxw), titles=padded(titles, NTI, A_PAD), title_text=list(ttext),
        known=list(known_rows), d_place=padded(dplace, NPL, A_PAD), d_sorted_whole=fixed_bytes(list(dwhole)),
        d_address_h=np.array(daddr, dtype=np.int64),
        d_var=padded(dvar, NT, A_PAD), h_var=padded(hvar, NT, A_PAD), d_start=padded(dstart, NT, A_PAD),
    )
