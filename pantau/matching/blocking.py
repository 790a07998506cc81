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
- ``pair_birth_year``  a token pair too common to score whole (``max_block``), refined by
  the birth year the actor's handle digits suggest;
- ``known_handle``  a handle listed for the employee in the roster.

The roster's keys are sorted once into a CSR-like index (key -> employees); an
actor batch's keys are looked up with one ``searchsorted`` and expanded into pairs
with NumPy, so no Python code runs per pair. Blocks larger than ``max_block`` are
never scored whole; they are counted in the block-size report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from pantau.matching.normalize import variant_key

TAG_SHIFT = 59
T_RARE, T_PAIR, T_INIT, T_SPACE_FREE, T_PAIR_YEAR, T_ROSTER_INIT = 1, 2, 3, 4, 5, 6
MASK24 = (1 << 24) - 1
MASK59 = (1 << TAG_SHIFT) - 1
NAMES = {T_RARE: "rare_token", T_PAIR: "token_pair", T_INIT: "initial_token", T_SPACE_FREE: "space_free",
         T_PAIR_YEAR: "pair_birth_year", T_ROSTER_INIT: "roster_initial"}
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
    BlockingKey("pair_birth_year", T_PAIR_YEAR, "a hot token pair with the birth year"),
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
    # hot pairs are refined by birth year
    hot_pairs = np.zeros(0, np.int64)
    if T_PAIR_YEAR in enabled and len(pk):
        u, c = np.unique(pk, return_counts=True)
        hot_pairs = u[c > model.max_block]
        if len(hot_pairs):
            m = np.isin(pk, hot_pairs)
            yr = roster.birth_year[pr[m]].astype(np.int64)
            ok = yr > 1900
            payload = ((yr[ok] - 1900) << np.int64(48)) | (pk[m][ok] & ((1 << 48) - 1))
            keys.append(_k(T_PAIR_YEAR, payload)); rows.append(pr[m][ok])
    K = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    R = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
    order = np.argsort(K, kind="stable")
    K, R = K[order], R[order]
    # the same employee twice under one key (a name repeating a token) counts once
    u, start, cnt = np.unique(K, return_index=True, return_counts=True)
    tags_all = (u >> np.int64(TAG_SHIFT)).astype(np.int64)
    # an initial is a weak key: "B + Santoso" may be hundreds of people, which only a
    # birth date could tell apart, so such blocks are left to the other keys
    hot = (cnt > model.max_block) | ((tags_all == T_INIT) & (cnt > model.max_initial_block))
    report = {
        "employees": int(n), "keys": int(len(u)), "entries": int(len(K)), "rare_token_max": int(rare_max),
        "max_block": int(model.max_block), "hot_blocks_skipped": int(hot.sum()),
        "hot_pairs_refined_by_year": int(len(hot_pairs)),
        "by_key": {}, "largest_blocks": [],
    }
    tags = (u >> np.int64(TAG_SHIFT)).astype(np.int64)
    for t, name in NAMES.items():
        sel = tags == t
        if sel.any():
            report["by_key"][name] = {"blocks": int(sel.sum()), "entries": int(cnt[sel].sum()),
                                      "largest": int(cnt[sel].max()), "skipped": int((sel & hot).sum())}
    top = np.argsort(-cnt)[:10]
    report["largest_blocks"] = [{"key": NAMES.get(int(tags[i]), "?"), "size": int(cnt[i])} for i in top]
    roster.block_keys = u[~hot]
    roster.block_start = start[~hot].astype(np.int64)
    roster.block_count = cnt[~hot].astype(np.int64)
    roster.block_emp = R
    roster.block_report = report
    roster.hot_pairs = hot_pairs
    roster.rare_max = rare_max


def actor_keys(batch, roster, model) -> tuple[np.ndarray, np.ndarray]:
    """Keys of each actor in a batch: (row in batch, key). Python per actor, not per pair."""
    enabled = {k.tag for k in model.blocking_keys}
    tok2id = roster.tok2id
    count = roster.tok_count
    first = roster.tok_first
    rare_max = roster.rare_max
    hot_pairs = set(roster.hot_pairs.tolist()) if len(roster.hot_pairs) else set()
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
        years = [int(y) for y in batch.years[r] if y]
        for a, b in combinations(ids, 2):
            lo, hi = (a, b) if a < b else (b, a)
            pk = (T_PAIR << shift) | (lo << 24) | hi
            if T_PAIR in enabled:
                ks.append(pk)
            if years and pk in hot_pairs:
                ks += [(T_PAIR_YEAR << shift) | ((y - 1900) << 48) | (lo << 24) | hi for y in years]
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


def candidate_pairs(batch, roster, model) -> tuple[np.ndarray, np.ndarray, dict]:
    """Unique (actor row, employee index) pairs of a batch, known-handle pairs included."""
    rows, keys = actor_keys(batch, roster, model)
    stats = Counter()
    if len(keys) and len(roster.block_keys):
        pos = np.searchsorted(roster.block_keys, keys)
        pos = np.minimum(pos, len(roster.block_keys) - 1)
        found = roster.block_keys[pos] == keys
        rows, pos = rows[found], pos[found]
        cnt = roster.block_count[pos]
        start = roster.block_start[pos]
        # per-actor cap: smallest blocks first, so a rare key is never crowded out by a hot one
        order = np.lexsort((cnt, rows))
        rows, cnt, start = rows[order], cnt[order], start[order]
        csum = np.cumsum(cnt)
        grp_start = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.zeros(0, np.int64)
        base = np.repeat(csum[grp_start] - cnt[grp_start], np.diff(np.r_[grp_start, len(rows)]))
        before = csum - cnt - base
        keep = before < model.max_pairs_per_actor
        stats["pairs_capped"] += int(cnt[~keep].sum())
        rows, cnt, start = rows[keep], cnt[keep], start[keep]
        total = int(cnt.sum())
        pa = np.repeat(rows, cnt)
        offs = np.repeat(start - (np.cumsum(cnt) - cnt), cnt) + np.arange(total, dtype=np.int64)
        pe = roster.block_emp[offs].astype(np.int64)
    else:
        pa = np.zeros(0, np.int64)
        pe = np.zeros(0, np.int64)
    stats["pairs_before_dedup"] += int(len(pa))
    kr = [(r, e) for r, lst in enumerate(batch.known) for e in lst]
    if kr:
        ka = np.array([x[0] for x in kr], dtype=np.int64)
        ke = np.array([x[1] for x in kr], dtype=np.int64)
        pa = np.concatenate([pa, ka])
        pe = np.concatenate([pe, ke])
    code = np.unique(pa * np.int64(roster.n + 1) + pe)
    pa = code // (roster.n + 1)
    pe = code % (roster.n + 1)
    stats["pairs"] += int(len(pa))
    stats["known_handle_pairs"] += len(kr)
    return pa, pe, dict(stats)
