"""Blocking: candidate pairs come from shared keys, never from all pairs.

Each named key turns a name into a few 64-bit integers; an actor and an employee
become a candidate pair when they share one. Keys (tag in the top bits):

- ``rare_token``  a token that at most ``rare_token_max`` employees have (old-spelling
  variants included, so Wahjudi finds Wahyudi);
- ``token_pair``  two tokens together: the key that splits hot tokens (Sri, Budi) into
  small blocks;
- ``initial_token``  an initial and a full token (B. Santoso, bsantoso, Budi S.);
- ``roster_initial``  a roster name written with an initial (M. Rizki) found from a full
  actor token (Muhammad Rizki);
- ``space_free``  the whole name without spaces (sriwahyuningsih, however it segments);
- ``birth_year``  any of the above whose block is larger than ``year_refine_min``,
  refined by the employee's birth year; an actor looks it up with the years its
  handle digits suggest;
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
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from pantau.matching.normalize import variant_key

TAG_SHIFT = 59
T_RARE, T_PAIR, T_INIT, T_SPACE_FREE, T_ROSTER_INIT, T_YEAR = 1, 2, 3, 4, 6, 7
MASK24 = (1 << 24) - 1
MASK59 = (1 << TAG_SHIFT) - 1
NAMES = {T_RARE: "rare_token", T_PAIR: "token_pair", T_INIT: "initial_token", T_SPACE_FREE: "space_free",
         T_ROSTER_INIT: "roster_initial", T_YEAR: "birth_year"}
PAIR_TOKENS = 4     # pairs are formed among the first tokens of a name


@dataclass(frozen=True)
class BlockingKey:
    name: str
    tag: int
    description: str


DEFAULT_KEYS = (
    BlockingKey("rare_token", T_RARE, "a token few employees have, or its old-spelling variant"),
    BlockingKey("token_pair", T_PAIR, "two name tokens together"),
    BlockingKey("initial_token", T_INIT, "an initial and a full token"),
    BlockingKey("roster_initial", T_ROSTER_INIT, "a roster initial found from a full actor token"),
    BlockingKey("space_free", T_SPACE_FREE, "the whole name without spaces"),
    BlockingKey("birth_year", T_YEAR, "any key of a large block, with the birth year"),
    BlockingKey("known_handle", 0, "a handle listed for the employee in the roster"),
)


def _k(tag: int, payload):
    return (np.int64(tag) << np.int64(TAG_SHIFT)) | payload


def _pair_payload(a, b):
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    return (lo << np.int64(24)) | hi


def rare_max_for(model, n: int) -> int:
    return model.rare_token_max or max(30, n // 2000)


def variant_ids(roster) -> np.ndarray:
    """For each token id: the id of its j->y variant, or -1."""
    out = np.full(len(roster.tok2id), -1, dtype=np.int64)
    for t, i in roster.tok2id.items():
        if "j" in t:
            v = roster.tok2id.get(variant_key(t))
            if v is not None and v != i:
                out[i] = v
    return out


def build(roster, model) -> None:
    """Compute the roster's keys and store the sorted index on ``roster``."""
    enabled = {k.tag for k in model.blocking_keys}
    n = roster.n
    tok = roster.e_tok[:, :PAIR_TOKENS].astype(np.int64)
    rows_all = np.arange(n, dtype=np.int64)
    rare_max = rare_max_for(model, n)
    keys, rows = [], []
    valid = tok >= 0
    safe = np.where(valid, tok, 0)
    count = roster.tok_count[safe]
    full = valid & (roster.tok_len[safe] > 1)
    if T_RARE in enabled:
        var = variant_ids(roster)
        for j in range(tok.shape[1]):
            m = valid[:, j] & (count[:, j] <= rare_max)
            keys.append(_k(T_RARE, tok[m, j])); rows.append(rows_all[m])
            v = np.where(valid[:, j] & (count[:, j] <= rare_max), var[safe[:, j]], -1)
            m = v >= 0
            keys.append(_k(T_RARE, v[m])); rows.append(rows_all[m])
    pair_keys, pair_rows = [], []
    for j, k in combinations(range(tok.shape[1]), 2):
        m = valid[:, j] & valid[:, k]
        pair_keys.append(_k(T_PAIR, _pair_payload(tok[m, j], tok[m, k]))); pair_rows.append(rows_all[m])
    pk = np.concatenate(pair_keys) if pair_keys else np.zeros(0, np.int64)
    pr = np.concatenate(pair_rows) if pair_rows else np.zeros(0, np.int64)
    if T_PAIR in enabled:
        keys.append(pk); rows.append(pr)
    first = roster.tok_first.astype(np.int64)
    for j in range(tok.shape[1]):
        for k in range(tok.shape[1]):
            if j == k:
                continue
            m = valid[:, j] & full[:, k]
            fj = first[safe[m, j]]
            if T_INIT in enabled:
                keys.append(_k(T_INIT, (fj << np.int64(24)) | tok[m, k])); rows.append(rows_all[m])
            if T_ROSTER_INIT in enabled:
                mi = m & ~full[:, j]
                keys.append(_k(T_ROSTER_INIT, (first[safe[mi, j]] << np.int64(24)) | tok[mi, k]))
                rows.append(rows_all[mi])
    if T_SPACE_FREE in enabled:
        keys.append(_k(T_SPACE_FREE, roster.e_compact_h & MASK59)); rows.append(rows_all)
    K = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    R = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
    order = np.argsort(K, kind="stable")
    K, R = K[order], R[order]
    u, start, cnt = _groups(K)
    refined = 0
    if T_YEAR in enabled and len(K):
        # a block too large to score whole for everyone is also indexed by birth year:
        # an actor whose handle digits suggest a year looks there (Budi Santoso 1985)
        m = np.repeat(cnt > model.year_refine_min, cnt)
        yr = roster.birth_year[R[m]].astype(np.int64)
        ok = yr > 0
        yk = year_keys(K[m][ok], yr[ok])
        refined = int(len(yk))
        K = np.concatenate([K, yk])
        R = np.concatenate([R, R[m][ok]])
        order = np.argsort(K, kind="stable")
        K, R = K[order], R[order]
        u, start, cnt = _groups(K)
    tags = (u >> np.int64(TAG_SHIFT)).astype(np.int64)
    # an initial is a weak key: "B + Santoso" may be hundreds of people, which only a
    # birth date could tell apart, so such blocks are left to the other keys
    hot = (cnt > model.max_block) | ((tags == T_INIT) & (cnt > model.max_initial_block))
    report = {
        "employees": int(n), "keys": int(len(u)), "entries": int(len(K)), "rare_token_max": int(rare_max),
        "max_block": int(model.max_block), "year_refine_min": int(model.year_refine_min),
        "max_pairs_per_actor": int(model.max_pairs_per_actor), "hot_blocks_skipped": int(hot.sum()),
        "entries_refined_by_year": refined, "by_key": {}, "largest_blocks": [],
    }
    for t, name in NAMES.items():
        sel = tags == t
        if sel.any():
            report["by_key"][name] = {"blocks": int(sel.sum()), "entries": int(cnt[sel].sum()),
                                      "largest": int(cnt[sel].max()), "skipped": int((sel & hot).sum())}
    top = np.argsort(-cnt)[:10]
    report["largest_blocks"] = [{"key": NAMES.get(int(tags[i]), "?"), "size": int(cnt[i])} for i in top]
    # only the blocks that may be scored are kept; the hot ones' entries are dropped too
    keep_entries = np.repeat(~hot, cnt)
    roster.block_emp = R[keep_entries]
    kc = cnt[~hot]
    roster.block_keys = u[~hot]
    roster.block_start = (np.cumsum(kc) - kc).astype(np.int64)
    roster.block_count = kc.astype(np.int32)
    roster.block_report = report
    roster.rare_max = rare_max


def _groups(K: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unique keys, first position, count) of a sorted array (``np.unique`` hashes: slower here)."""
    if not len(K):
        return K, np.zeros(0, np.int64), np.zeros(0, np.int64)
    start = np.flatnonzero(np.r_[True, K[1:] != K[:-1]])
    return K[start], start, np.diff(np.r_[start, len(K)])


def unique_sorted(x: np.ndarray) -> np.ndarray:
    if not len(x):
        return x
    s = np.sort(x)
    return s[np.r_[True, s[1:] != s[:-1]]]


_MIX1 = np.int64(-7046029254386353131)      # 0x9E3779B97F4A7C15 as int64: multiplication wraps
_MIX2 = np.int64(0x2545F4914F6CDD1D)


def year_keys(keys: np.ndarray, years: np.ndarray) -> np.ndarray:
    """A key refined by a birth year (same on the roster and the actor side)."""
    h = (keys.astype(np.int64) * _MIX1) ^ (years.astype(np.int64) * _MIX2)
    return (np.int64(T_YEAR) << np.int64(TAG_SHIFT)) | (h & np.int64(MASK59))


def actor_keys(batch, roster, model) -> tuple[np.ndarray, np.ndarray]:
    """Keys of each actor in a batch: (row in batch, key). Python per actor, not per pair."""
    enabled = {k.tag for k in model.blocking_keys}
    tok2id = roster.tok2id
    count = roster.tok_count
    first = roster.tok_first
    rare_max = roster.rare_max
    rows: list[int] = []
    keys: list[int] = []
    shift = TAG_SHIFT
    for r in range(batch.n):
        toks = list(dict.fromkeys(batch.d_tokens[r][:PAIR_TOKENS] + batch.h_tokens[r][:PAIR_TOKENS]))
        ids = []
        inits = set()
        for t in toks:
            if len(t) == 1:
                inits.add(ord(t) - 96 if "a" <= t <= "z" else 27)
                continue
            i = tok2id.get(t)
            if i is not None:
                ids.append(i)
            if "j" in t:
                v = tok2id.get(variant_key(t))
                if v is not None and v != i:
                    ids.append(v)
        ids = list(dict.fromkeys(ids))
        ks = []
        if T_RARE in enabled:
            ks += [(T_RARE << shift) | i for i in ids if count[i] <= rare_max]
        for a, b in combinations(ids, 2):
            lo, hi = (a, b) if a < b else (b, a)
            pk = (T_PAIR << shift) | (lo << 24) | hi
            if T_PAIR in enabled:
                ks.append(pk)
            if T_ROSTER_INIT in enabled:
                ks.append((T_ROSTER_INIT << shift) | (int(first[a]) << 24) | b)
                ks.append((T_ROSTER_INIT << shift) | (int(first[b]) << 24) | a)
        if T_INIT in enabled and inits:
            ks += [(T_INIT << shift) | (L << 24) | i for L in inits for i in ids]
        if T_SPACE_FREE in enabled:
            for h in (batch.d_compact_h[r], batch.h_compact_h[r]):
                if h >= 0:
                    ks.append((T_SPACE_FREE << shift) | (int(h) & MASK59))
        rows += [r] * len(ks)
        keys += ks
    return np.asarray(rows, dtype=np.int64), np.asarray(keys, dtype=np.int64)


def _lookup(block_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pos = np.minimum(np.searchsorted(block_keys, keys), len(block_keys) - 1)
    return pos, block_keys[pos] == keys


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
        pos, found = _lookup(bk, keys)
        cnt = np.where(found, roster.block_count[pos], 0)
        rows_f, pos_f = rows[found], pos[found]
        if any(k.tag == T_YEAR for k in model.blocking_keys):
            need = ~found | (cnt > model.year_refine_min)
            yrs = batch.years[rows[need]]
            r2 = np.repeat(rows[need], yrs.shape[1])
            k2 = np.repeat(keys[need], yrs.shape[1])
            y2 = yrs.ravel()
            ok = y2 > 0
            r2 = r2[ok]
            k2 = year_keys(k2[ok], y2[ok])
            p2, f2 = _lookup(bk, k2)
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
    kr = [(r, e) for r, lst in enumerate(batch.known) for e, _ in lst]
    if kr:
        ka = np.array([x[0] for x in kr], dtype=np.int64)
        ke = np.array([x[1] for x in kr], dtype=np.int64)
        pa = np.concatenate([pa, ka])
        pe = np.concatenate([pe, ke])
    code = unique_sorted(pa * np.int64(roster.n + 1) + pe)
    pa = code // (roster.n + 1)
    pe = code % (roster.n + 1)
    stats["pairs"] += int(len(pa))
    stats["known_handle_pairs"] += len(kr)
    return pa, pe, dict(stats)
