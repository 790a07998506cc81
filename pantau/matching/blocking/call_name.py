"""``call_name``: a call name of a roster given name (Yanto for Heryanto) with another name token,
or alone for an employee with one name besides the regional parts (Parman for Suparman, Wira for
I Wayan Artamawira)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key
from pantau.matching.callnames import BLOCKING_FORMS, FORMS


def given_calls(rs: RosterSide, given: int = 2) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """(form kind, column, call id, has one) per employee for each of its first ``given`` given
    names and each kind of call form.

    Call names come from the given names (callnames.given_columns: Adtamawati in Ni Luh Wayan
    Adtamawati, not its regional parts)."""
    given_cols = rs.roster.call_given[:, :rs.tok.shape[1]]
    rank = np.cumsum(given_cols, 1)
    rows = np.arange(len(rs.rows))
    for g in range(1, given + 1):
        this = given_cols & (rank == g)
        has_g = this.any(1)
        col = this.argmax(1)
        # the g-th given name's forms only (n x FORMS): all tokens' forms at once (n x
        # PAIR_TOKENS x FORMS) held most of a gigabyte at national scale
        calls = rs.roster.tok_call[rs.safe[rows, col]]
        calls = np.where(rs.valid[rows, col][:, None], calls, -1).astype(np.int64)
        for c in range(FORMS):
            cid = calls[:, c]
            yield c, col, cid, has_g & (cid >= 0)


class CallName(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        ncol = rs.tok.shape[1]
        n_given = rs.roster.call_given[:, :ncol].sum(1)     # 1: one name besides the regional parts
        regional = rs.roster.tok_regional[rs.safe]      # "Wayan" + a call name: the alone key's work
        for c, col, cid, has in given_calls(rs):
            if not has.any():
                continue
            # alone: the one name an employee has besides regional parts (any of its forms,
            # Hendra for Hendrawan too); with another token: the usual forms only
            m = has & (n_given == 1)
            out.append((key(self.tag, cid[m] << np.int64(24)), rs.rows[m]))
            if c >= BLOCKING_FORMS:
                continue
            for k in range(ncol):
                m = has & rs.full[:, k] & ~regional[:, k] & (col != k)
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
