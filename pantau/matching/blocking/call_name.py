"""``call_name``: a call name of a roster given name (Yanto for Heryanto) with another name token,
or alone for a one-name employee (Parman for Suparman)."""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key
from pantau.matching.callnames import BLOCKING_FORMS


class CallName(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        calls = rs.roster.tok_call[rs.safe]                 # n x PAIR_TOKENS x FORMS
        calls = np.where(rs.valid[:, :, None], calls, -1).astype(np.int64)
        n_full = rs.full.sum(1)
        ncol = rs.tok.shape[1]
        for j in range(min(ncol, 2)):            # call names come from the given names: the first two
            for c in range(BLOCKING_FORMS):
                cid = calls[:, j, c]
                has = cid >= 0
                if not has.any():
                    continue
                m = has & (n_full == 1)
                out.append((key(self.tag, cid[m] << np.int64(24)), rs.rows[m]))
                for k in range(ncol):
                    if k != j:
                        m = has & rs.full[:, k]
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
