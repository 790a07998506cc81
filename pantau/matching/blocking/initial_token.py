"""``initial_token``: an initial and a full token (B. Santoso, bsantoso, Budi S.).

The full token is taken in its spelling-variant form on both sides (``base.variant_ids``):
``bheryanto`` finds B. Herjanto, ``bherjanto`` finds B. Heryanto.
"""

from __future__ import annotations

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key, variant_ids


class InitialToken(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        n = rs.tok.shape[1]
        vt = variant_ids(rs.roster)[rs.safe]
        for j in range(n):
            for k in range(n):
                if j != k:
                    m = rs.valid[:, j] & rs.full[:, k]
                    out.append((key(self.tag, (rs.first[rs.safe[m, j]] << 24) | vt[m, k]), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        rows, keys = [], []
        for r, (ids, inits) in enumerate(zip(side.vids, side.inits)):
            for L in inits:
                for i in ids:
                    rows.append(r)
                    keys.append(tag | (L << 24) | i)
        return rows, keys


INITIAL_TOKEN = InitialToken("initial_token", 3, "an initial and a full token")
