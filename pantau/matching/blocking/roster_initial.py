"""``roster_initial``: a roster name written with an initial (M. Rizki) found from a full actor token (Muhammad Rizki)."""

from __future__ import annotations

from itertools import combinations

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key


class RosterInitial(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        out = []
        n = rs.tok.shape[1]
        for j in range(n):
            for k in range(n):
                if j != k:
                    m = rs.valid[:, j] & rs.full[:, k] & ~rs.full[:, j]
                    out.append((key(self.tag, (rs.first[rs.safe[m, j]] << 24) | rs.tok[m, k]), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        first = side.roster.tok_first
        rows, keys = [], []
        for r, ids in enumerate(side.ids):
            for a, b in combinations(ids, 2):
                rows += [r, r]
                keys.append(tag | (int(first[a]) << 24) | b)
                keys.append(tag | (int(first[b]) << 24) | a)
        return rows, keys


ROSTER_INITIAL = RosterInitial("roster_initial", 6, "a roster initial found from a full actor token")
