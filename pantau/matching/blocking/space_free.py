"""``space_free``: the whole name without spaces (sriwahyuningsih, however it segments)."""

from __future__ import annotations

from pantau.matching.blocking.base import MASK59, TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key


class SpaceFree(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        return [(key(self.tag, rs.roster.names.compact_h & MASK59), rs.rows)]

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        b = side.batch
        rows, keys = [], []
        for r in range(b.n):
            for h in (b.d_compact_h[r], b.h_compact_h[r]):
                if h >= 0:
                    rows.append(r)
                    keys.append(tag | (int(h) & MASK59))
        return rows, keys


SPACE_FREE = SpaceFree("space_free", 4, "the whole name without spaces")
