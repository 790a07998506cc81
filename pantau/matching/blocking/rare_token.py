"""``rare_token``: a token that at most ``rare_max`` employees have, or its old-spelling variant (Wahjudi finds Wahyudi)."""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key
from pantau.matching.normalize import variant_key


def variant_ids(roster) -> np.ndarray:
    """For each token id: the id of its j->y variant, or -1."""
    out = np.full(len(roster.tok2id), -1, dtype=np.int64)
    for t, i in roster.tok2id.items():
        if "j" in t:
            v = roster.tok2id.get(variant_key(t))
            if v is not None and v != i:
                out[i] = v
    return out


class RareToken(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        var = variant_ids(rs.roster)
        for j in range(rs.tok.shape[1]):
            rare = rs.valid[:, j] & (rs.count[:, j] <= rs.rare_max)
            out.append((key(self.tag, rs.tok[rare, j]), rs.rows[rare]))
            v = np.where(rare, var[rs.safe[:, j]], -1)
            m = v >= 0
            out.append((key(self.tag, v[m]), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        count, rare_max, tag = side.roster.tok_count, side.roster.rare_max, self.tag << TAG_SHIFT
        rows, keys = [], []
        for r, ids in enumerate(side.ids):
            for i in ids:
                if count[i] <= rare_max:
                    rows.append(r)
                    keys.append(tag | i)
        return rows, keys


RARE_TOKEN = RareToken("rare_token", 1, "a token few employees have, or its old-spelling variant")
