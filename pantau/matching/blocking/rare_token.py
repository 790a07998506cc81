"""``rare_token``: a token that at most ``rare_max`` employees have, in its spelling-variant form.

Both sides key a token by its spelling-variant form (``base.variant_ids``), so Wahjudi finds
Wahyudi and Wahyudi finds Wahjudi. The block of a form holds only the employees whose
token is rare: an actor's common Rahayu still finds the few employees written Rahaju,
without the crowd of Rahayu.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key, variant_ids


def rare_forms(roster, rare_max: int) -> np.ndarray:
    """For each token id: whether some rare roster token has it as its variant form (it has a block)."""
    cache = roster.__dict__.get("_rare_forms")
    if cache is not None and cache[0] == rare_max and len(cache[1]) == len(roster.tok2id):
        return cache[1]
    var = variant_ids(roster)
    count = roster.tok_count
    out = np.zeros(len(var), dtype=bool)
    out[var[(count > 0) & (count <= rare_max)]] = True
    roster.__dict__["_rare_forms"] = (rare_max, out)
    return out


class RareToken(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        var = variant_ids(rs.roster)
        for j in range(rs.tok.shape[1]):
            rare = rs.valid[:, j] & (rs.count[:, j] <= rs.rare_max)
            out.append((key(self.tag, var[rs.tok[rare, j]]), rs.rows[rare]))
        return out

    def actor_keys(self, side: ActorSide):
        has_block, tag = rare_forms(side.roster, side.roster.rare_max), self.tag << TAG_SHIFT
        rows, keys = [], []
        for r, vids in enumerate(side.vids):
            for v in vids:
                if has_block[v]:
                    rows.append(r)
                    keys.append(tag | v)
        return rows, keys


RARE_TOKEN = RareToken("rare_token", 1, "a token few employees have, in any of its spellings")
