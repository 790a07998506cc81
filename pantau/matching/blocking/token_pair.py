"""``token_pair``: two name tokens together, the key that splits hot tokens (Sri, Budi) into small blocks.

Tokens are taken in their spelling-variant form on both sides (``base.variant_ids``), so one key
holds Herjanto Soedarmaji and Heryanto Sudarmaji whichever side wrote the old spelling;
the Joko/Yoko pairs this also joins are few, and scoring tells them apart.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key, variant_ids


def pair_payload(a, b):
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    return (lo << np.int64(24)) | hi


class TokenPair(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        vt = variant_ids(rs.roster)[rs.safe]
        for j, k in combinations(range(rs.tok.shape[1]), 2):
            m = rs.valid[:, j] & rs.valid[:, k]
            out.append((key(self.tag, pair_payload(vt[m, j], vt[m, k])), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        rows, keys = [], []
        for r, ids in enumerate(side.vids):
            for a, b in combinations(ids, 2):
                lo, hi = (a, b) if a < b else (b, a)
                rows.append(r)
                keys.append(tag | (lo << 24) | hi)
        return rows, keys


TOKEN_PAIR = TokenPair("token_pair", 2, "two name tokens together")
