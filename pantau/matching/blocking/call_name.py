"""``call_name``: a call name of a roster given name (Yanto for Heryanto) with another name token,
or alone for an employee with one name besides the regional parts (Parman for Suparman, Wira for
I Wayan Artamawira)."""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key
from pantau.matching.callnames import BLOCKING_FORMS, FORMS
from pantau.matching.normalize import core_tokens


def _maybe_part(word: str) -> bool:
    """Whether ``core_tokens`` may drop the word (I, Ni, Wayan, Bagus after Ida): probed, not listed
    again here, so the key follows whatever the normaliser counts as a regional part."""
    return (word not in core_tokens([word, "x"]) or word not in core_tokens(["x", word])
            or word not in core_tokens(["i", word, "x"]))


def core_columns(rs: RosterSide) -> np.ndarray:
    """n x PAIR_TOKENS: the full tokens that are the name itself, regional parts left out.

    Only names with a possible regional part are read token by token (a few per cent)."""
    roster = rs.roster
    words = roster.__dict__.get("_words")            # a cache on the index object itself
    if words is None:
        words = roster.__dict__["_words"] = list(roster.tok2id)
    maybe = np.fromiter((_maybe_part(w) for w in words), bool, len(words))
    core = rs.full.copy()
    for r in np.flatnonzero((maybe[rs.safe] & rs.valid).any(1)):
        cols = [k for k in range(rs.tok.shape[1]) if rs.valid[r, k]]
        kept = core_tokens([words[rs.tok[r, k]] for k in cols])
        p = 0
        for k in cols:
            if p < len(kept) and words[rs.tok[r, k]] == kept[p]:
                p += 1
            else:
                core[r, k] = False
    return core


class CallName(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        calls = rs.roster.tok_call[rs.safe]                 # n x PAIR_TOKENS x FORMS
        calls = np.where(rs.valid[:, :, None], calls, -1).astype(np.int64)
        core = core_columns(rs)
        n_core = core.sum(1)
        rank = np.cumsum(core, 1)
        ncol = rs.tok.shape[1]
        n = len(rs.rows)
        # call names come from the given names: the first two tokens of the name itself
        # (Adtamawati in Ni Luh Wayan Adtamawati), not its regional parts
        for g in (1, 2):
            given = core & (rank == g)
            has_g = given.any(1)
            col = given.argmax(1)
            for c in range(FORMS):
                cid = calls[np.arange(n), col, c]
                has = has_g & (cid >= 0)
                if not has.any():
                    continue
                # alone: the one name an employee has besides regional parts (any of its forms,
                # Hendra for Hendrawan too); with another token: the usual forms only
                m = has & (n_core == 1)
                out.append((key(self.tag, cid[m] << np.int64(24)), rs.rows[m]))
                if c >= BLOCKING_FORMS:
                    continue
                for k in range(ncol):
                    m = has & rs.full[:, k] & (col != k)
                    out.append((key(self.tag, (cid[m] << np.int64(24)) | rs.tok[m, k]), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        b = side.batch
        rows, keys = [], []
        for r in range(b.n):
            cids = {int(c) for c in b.d_call[r] if c >= 0} | {int(c) for c in b.h_call[r] if c >= 0}
            for c in cids:
                rows.append(r)
                keys.append(tag | (c << 24))
                for i in side.ids[r]:
                    if i != c:
                        rows.append(r)
                        keys.append(tag | (c << 24) | i)
        return rows, keys


CALL_NAME = CallName("call_name", 8, "a call name of a roster given name, with another name token")
