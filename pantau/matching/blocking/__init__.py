"""Blocking: candidate pairs come from shared keys, never from all pairs.

Each named key (one module of this package, a ``BlockingKey`` with a roster-side
and an actor-side function) turns a name into a few 64-bit integers; an actor and
an employee become a candidate pair when they share one. Keys (tag in the top bits):

- ``rare_token``  a token that at most ``rare_token_max`` employees have, in its spelling-variant
  form on both sides (Wahjudi finds Wahyudi and Wahyudi finds Wahjudi);
- ``token_pair``  two tokens together, also in their spelling-variant forms: the key that splits
  hot tokens (Sri, Budi) into small blocks;
- ``initial_token``  an initial and a full token (B. Santoso, bsantoso, Budi S.);
- ``roster_initial``  a roster name written with an initial (M. Rizki) found from a full
  actor token (Muhammad Rizki);
- ``space_free``  the whole name without spaces (sriwahyuningsih, however it segments);
- ``call_name``  a call name of a roster given name (Yanto for Heryanto) with another name
  token, or alone for an employee with one given name;
- ``call_name_place``  a call name with a place of the employee's unit (Haman Sumedang);
- ``abbreviation``  a name token with the first letters of the family name (tiurmasir);
- ``birth_year``  any of the above whose block is larger than ``year_refine_min``,
  refined by the employee's birth year; an actor looks it up with the years its
  handle digits suggest;
- ``dated_name``  a common given name with the full birth date in the handle (elis_130182);
- ``call_year``  a call name with the birth year in the handle (tono.1984 for Hartono);
- ``known_handle``  a handle listed for the employee in the roster.

The roster's keys are sorted once into a CSR-like index (key -> employees); an
actor batch's keys are looked up with one ``searchsorted`` and expanded into pairs
with NumPy, so no Python code runs per pair. Each actor spends a budget of
``max_pairs_per_actor`` pairs on its blocks, smallest first; a block that does not
fit is left out (its birth-year refinement may fit). At national scale a common
name is thousands of employees: without the budget every actor so named cost
thousands of scored pairs for what is, without corroboration, a lottery among
namesakes. Blocks larger than ``max_block`` are not kept; they are counted in the
block-size report.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from pantau.matching.blocking.abbreviation import ABBREVIATION
from pantau.matching.blocking.base import (PAIR_TOKENS, TAG_SHIFT, ActorSide, BlockingKey, RosterSide, groups, lookup,
                                          unique_sorted, variant_ids)
from pantau.matching.blocking.birth_year import BIRTH_YEAR, BirthYear
from pantau.matching.blocking.call_name import CALL_NAME
from pantau.matching.blocking.call_name_place import CALL_NAME_PLACE
from pantau.matching.blocking.call_year import CALL_YEAR
from pantau.matching.blocking import dated_name
from pantau.matching.blocking.dated_name import DATED_NAME
from pantau.matching.blocking.initial_token import INITIAL_TOKEN
from pantau.matching.blocking.known_handle import KNOWN_HANDLE, KnownHandle
from pantau.matching.blocking.rare_token import RARE_TOKEN
from pantau.matching.blocking.roster_initial import ROSTER_INITIAL
from pantau.matching.blocking.space_free import SPACE_FREE
from pantau.matching.blocking.token_pair import TOKEN_PAIR
from pantau.matching.index import ABBR_CODE, run_memo
from pantau.matching.normalize import consonants, variant_key

DEFAULT_KEYS: tuple[BlockingKey, ...] = (RARE_TOKEN, TOKEN_PAIR, INITIAL_TOKEN, ROSTER_INITIAL, SPACE_FREE,
                                         CALL_NAME, CALL_NAME_PLACE, ABBREVIATION, BIRTH_YEAR, DATED_NAME,
                                         CALL_YEAR, KNOWN_HANDLE)
#: tag -> key name, for the block-size report
NAMES = {k.tag: k.name for k in DEFAULT_KEYS if k.tag}
# a key whose blocks are weak evidence gets the smaller ``max_initial_block`` limit
WEAK_TAGS = {INITIAL_TOKEN.tag, CALL_NAME.tag, CALL_NAME_PLACE.tag, ABBREVIATION.tag, CALL_YEAR.tag}

__all__ = ["BlockingKey", "DEFAULT_KEYS", "build", "candidate_pairs", "actor_keys", "rare_max_for"]


def rare_max_for(model, n: int) -> int:
    return model.rare_token_max or max(30, n // 2000)


def _refiner(model) -> BirthYear | None:
    return next((k for k in model.blocking_keys if isinstance(k, BirthYear)), None)


def _dated_tags(model) -> list[int]:
    """Tags of the keys that hold a birth date or year already (the refinement leaves them alone)."""
    return [k.tag for k in model.blocking_keys if k.dated]


def build(roster, model) -> None:
    """Compute the roster's keys and store the sorted index on ``roster``."""
    n = roster.n
    tok = roster.names.tok[:, :PAIR_TOKENS].astype(np.int64)
    valid = tok >= 0
    safe = np.where(valid, tok, 0)
    rare_max = rare_max_for(model, n)
    if not len(roster.tok_count):        # no name token in the whole roster: nothing to key
        _store(roster, np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64),
               _report(n, model, rare_max, 0, 0, 0, 0), rare_max)
        return
    rs = RosterSide(roster=roster, model=model, tok=tok, valid=valid, safe=safe, count=roster.tok_count[safe],
                    full=valid & (roster.tok_len[safe] > 1), first=roster.tok_first.astype(np.int64),
                    rows=np.arange(n, dtype=np.int64), rare_max=rare_max)
    roster.dated_count = dated_name.counts(rs)        # read by the handle's "one_token_dated" level
    parts: dict[int, list] = {}
    for bk in model.blocking_keys:
        for k, r in bk.roster_keys(rs):
            if len(k):
                parts.setdefault(int(k[0] >> np.int64(TAG_SHIFT)), []).append((k, r.astype(np.int32)))
    K, R = _sorted_by_tag(parts)
    u, start, cnt = groups(K)
    refined = 0
    year = _refiner(model)
    if year is not None and len(K):
        # a block too large to score whole for everyone is also indexed by birth year; its
        # keys carry their own tag, so they go in sorted where that tag begins
        # (not a key that holds a year already: its blocks by year again would be the same)
        refine = cnt > model.year_refine_min
        for tag in _dated_tags(model):
            refine[slice(*_tag_range(u, tag))] = False
        yk, yr = year.roster_refine(K, R, cnt, refine, roster)
        del refine
        refined = int(len(yk))
        yk, yr = _sorted_by_tag({year.tag: [(yk, yr.astype(np.int32))]})
        at = int(np.searchsorted(K, np.int64(year.tag) << np.int64(TAG_SHIFT)))
        K = np.concatenate([K[:at], yk, K[at:]])
        R = np.concatenate([R[:at], yr, R[at:]])
        del yk, yr
        u, start, cnt = groups(K)
    tags = (u >> np.int64(TAG_SHIFT)).astype(np.int64)
    # an initial is a weak key: "B + Santoso" may be hundreds of people, which only a
    # birth date could tell apart, so such blocks are left to the other keys
    weak = np.isin(tags, list(WEAK_TAGS))
    hot = (cnt > model.max_block) | (weak & (cnt > model.max_initial_block))
    report = _report(n, model, rare_max, len(u), len(K), int(hot.sum()), refined)
    for t, name in NAMES.items():
        sel = tags == t
        if sel.any():
            report["by_key"][name] = {"blocks": int(sel.sum()), "entries": int(cnt[sel].sum()),
                                      "largest": int(cnt[sel].max()), "skipped": int((sel & hot).sum())}
    top = np.argsort(-cnt)[:10]
    report["largest_blocks"] = [{"key": NAMES.get(int(tags[i]), "?"), "size": int(cnt[i])} for i in top]
    # only the blocks that may be scored are kept; the hot ones' entries are dropped too
    keep_entries = np.repeat(~hot, cnt)
    _store(roster, u[~hot], R[keep_entries], cnt[~hot], report, rare_max)


def _tag_range(u: np.ndarray, tag: int) -> tuple[int, int]:
    """Where a tag's keys lie in sorted keys (the tag is their top bits)."""
    lo = int(np.searchsorted(u, np.int64(tag) << np.int64(TAG_SHIFT)))
    top = np.int64(tag + 1) << np.int64(TAG_SHIFT) if tag + 1 < 1 << (63 - TAG_SHIFT) else None
    return lo, int(np.searchsorted(u, top)) if top is not None else len(u)


def _report(n: int, model, rare_max: int, keys: int, entries: int, hot: int, refined: int) -> dict:
    """The block-size report's head (``by_key`` and ``largest_blocks`` are filled by ``build``)."""
    return {
        "employees": int(n), "keys": int(keys), "entries": int(entries), "rare_token_max": int(rare_max),
        "max_block": int(model.max_block), "year_refine_min": int(model.year_refine_min),
        "max_pairs_per_actor": int(model.max_pairs_per_actor), "hot_blocks_skipped": int(hot),
        "entries_refined_by_year": int(refined), "by_key": {}, "largest_blocks": [],
    }


def _store(roster, keys: np.ndarray, emp: np.ndarray, count: np.ndarray, report: dict, rare_max: int) -> None:
    """The index on the roster: sorted unique keys, their employees grouped, where each group starts."""
    roster.block_emp = emp
    roster.block_keys = keys
    roster.block_start = (np.cumsum(count) - count).astype(np.int64)
    roster.block_count = count.astype(np.int32)
    roster.block_report = report
    roster.rare_max = rare_max


def _sorted_by_tag(parts: dict[int, list]) -> tuple[np.ndarray, np.ndarray]:
    """(keys, rows) sorted by key, from each tag's (keys, rows) arrays.

    The tag is a key's top bits, so sorting each tag's entries alone and laying the tags out
    in order sorts the whole: a national roster's tens of millions of entries are never argsorted
    at once (an argsort of everything held the entries about three times over)."""
    ks, rs = [], []
    for tag in sorted(parts):
        arrays = parts.pop(tag)
        k = np.concatenate([a for a, _ in arrays])
        r = np.concatenate([b for _, b in arrays])
        del arrays
        order = np.argsort(k, kind="stable")
        ks.append(k[order])
        rs.append(r[order])
        del k, r, order
    if not ks:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(ks), np.concatenate(rs)


def _token_side(t: str, tok2id: dict, var) -> tuple[int, tuple[int, ...], int | None]:
    """(the first letter's code for an initial or a name without its vowels, else 0; the token's
    roster ids, its own and its old-spelling class's; that class's id or None)."""
    if len(t) == 1 or (len(t) >= 3 and consonants(t) == t and t not in tok2id):
        # an initial, or a name without its vowels (gnwn): its first letter
        return (ord(t[0]) - 96 if "a" <= t[0] <= "z" else 27), (), None
    i = tok2id.get(t)
    ids = [i] if i is not None else []
    v = tok2id.get(variant_key(t))          # a token without a variant is its own key
    if v is not None:
        v = int(var[v])
        if v != i:
            ids.append(v)
    return 0, tuple(ids), v


def actor_side(batch, roster) -> ActorSide:
    """Per actor: its roster token ids (display name and handle, old-spelling variants) and initials."""
    tok2id = roster.tok2id
    var = variant_ids(roster)
    memo = run_memo(roster, "_token_sides")     # token -> _token_side: names repeat across actors
    side = ActorSide(batch=batch, roster=roster)
    # as Python lists: reading NumPy arrays element by element is slower than the work here
    short_pre = roster.tok_short_pre.tolist()
    h_abbr = [[c for c in row if c >= ABBR_CODE] for row in batch.h_init.tolist()]
    for r in range(batch.n):
        toks = list(dict.fromkeys(batch.d_tokens[r][:PAIR_TOKENS] + batch.h_tokens[r][:PAIR_TOKENS]))
        ids, vids = [], []
        inits = set()
        for t in toks:
            got = memo.get(t)
            if got is None:
                got = _token_side(t, tok2id, var)
                if len(memo) < 200_000:
                    memo[t] = got
            init, tids, v = got
            if init:
                inits.add(init)
                continue
            ids.extend(tids)
            if v is not None:
                vids.append(v)
        side.ids.append(list(dict.fromkeys(ids)))
        side.vids.append(list(dict.fromkeys(vids)))
        side.inits.append(inits)
        # a handle's run that cuts a name short ("sir" in tiurmasir), or a short roster token
        # that may ("tan" in fediraliamtan: Tan is a name, and the first letters of Tanuwijaya)
        abbrs = set(h_abbr[r])
        for t in batch.h_tokens[r][:PAIR_TOKENS]:
            i = tok2id.get(t)
            if i is not None and short_pre[i] >= 0:
                abbrs.add(short_pre[i])
        side.abbrs.append(abbrs)
    return side


def actor_keys(batch, roster, model) -> tuple[np.ndarray, np.ndarray]:
    """Keys of each actor in a batch: (row in batch, key). Python per actor, not per pair."""
    side = actor_side(batch, roster)
    rows: list[int] = []
    keys: list[int] = []
    for bk in model.blocking_keys:
        r, k = bk.actor_keys(side)
        rows += r
        keys += k
    return np.asarray(rows, dtype=np.int64), np.asarray(keys, dtype=np.int64)


def candidate_pairs(batch, roster, model) -> tuple[np.ndarray, np.ndarray, dict]:
    """Unique (actor row, employee index) pairs of a batch, known-handle pairs included.

    Each actor has a budget of ``max_pairs_per_actor`` pairs, spent on its blocks
    smallest first (the most specific keys); a block that does not fit is not scored,
    but its birth-year refinement is looked up when the handle's digits suggest a
    year. So a common name costs at most the budget, never the whole namesake crowd.
    """
    rows, keys = actor_keys(batch, roster, model)
    stats = Counter()
    bk = roster.block_keys
    if len(keys) and bk is not None and len(bk):
        pos, found = lookup(bk, keys)
        cnt = np.where(found, roster.block_count[pos], 0)
        rows_f, pos_f = rows[found], pos[found]
        year = _refiner(model)
        if year is not None:
            dated = np.isin(keys >> np.int64(TAG_SHIFT), _dated_tags(model))
            r2, k2 = year.actor_refine(rows, keys, (~found | (cnt > model.year_refine_min)) & ~dated, batch)
            p2, f2 = lookup(bk, k2)
            rows_f = np.concatenate([rows_f, r2[f2]])
            pos_f = np.concatenate([pos_f, p2[f2]])
        # a block found twice for one actor (a year read from two digit runs) counts once
        code = unique_sorted(rows_f * np.int64(len(bk)) + pos_f)
        rows, pos_f = code // len(bk), code % len(bk)
        cnt = roster.block_count[pos_f].astype(np.int64)
        start = roster.block_start[pos_f]
        order = np.lexsort((cnt, rows))
        rows, cnt, start = rows[order], cnt[order], start[order]
        csum = np.cumsum(cnt)
        grp_start = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.zeros(0, np.int64)
        base = np.repeat(csum[grp_start] - cnt[grp_start], np.diff(np.r_[grp_start, len(rows)]))
        keep = csum - base <= model.max_pairs_per_actor
        stats["pairs_capped"] += int(cnt[~keep].sum())
        stats["blocks_over_budget"] += int((~keep).sum())
        rows, cnt, start = rows[keep], cnt[keep], start[keep]
        total = int(cnt.sum())
        pa = np.repeat(rows, cnt)
        offs = np.repeat(start - (np.cumsum(cnt) - cnt), cnt) + np.arange(total, dtype=np.int64)
        pe = roster.block_emp[offs].astype(np.int64)
    else:
        pa = np.zeros(0, np.int64)
        pe = np.zeros(0, np.int64)
    stats["pairs_before_dedup"] += int(len(pa))
    direct = 0
    for key in model.blocking_keys:
        if isinstance(key, KnownHandle):
            ka, ke = key.direct_pairs(batch)
            direct += len(ka)
            pa = np.concatenate([pa, ka])
            pe = np.concatenate([pe, ke])
    code = unique_sorted(pa * np.int64(roster.n + 1) + pe)
    pa = code // (roster.n + 1)
    pe = code % (roster.n + 1)
    stats["pairs"] += int(len(pa))
    stats["known_handle_pairs"] += direct
    return pa, pe, dict(stats)
