"""``dated_name``: the given name with the full birth date (``elis_130182``: Elis, born 13 January 1982).

A handle of one common given name and a date has no other key: the name alone is a block of
hundreds (no ``rare_token``), and there is no second token to pair it with. The date the NIP
carries narrows those hundreds to the one or two born that day. Only the first token of a
name, only where it is not rare (a rare one has its own block), only with a known birth date.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import MASK59, TAG_SHIFT, ActorSide, BlockingKey, RosterSide, variant_ids

_MIX1 = np.int64(-7046029254386353131)      # as birth_year.py: multiplication wraps in int64
_MIX2 = np.int64(0x2545F4914F6CDD1D)


class DatedName(BlockingKey):
    def _keys(self, vids: np.ndarray, dates: np.ndarray) -> np.ndarray:
        h = (vids.astype(np.int64) * _MIX1) ^ (dates.astype(np.int64) * _MIX2)
        return (np.int64(self.tag) << np.int64(TAG_SHIFT)) | (h & np.int64(MASK59))

    def roster_keys(self, rs: RosterSide):
        r = rs.roster
        ok = rs.full[:, 0] & (rs.count[:, 0] > rs.rare_max) & (r.birth_year > 0) & (r.birth_md > 0)
        dates = r.birth_year[ok].astype(np.int64) * 10000 + r.birth_md[ok]
        return [(self._keys(variant_ids(r)[rs.tok[ok, 0]], dates), rs.rows[ok])]

    def actor_keys(self, side: ActorSide):
        fulls = side.batch.fulls
        rows, vids, dates = [], [], []
        for r in np.flatnonzero(fulls[:, 0] > 0).tolist():
            for d in fulls[r].tolist():
                if d > 0:
                    for v in side.vids[r]:
                        rows.append(r)
                        vids.append(v)
                        dates.append(d)
        if not rows:
            return [], []
        return rows, self._keys(np.asarray(vids, np.int64), np.asarray(dates, np.int64)).tolist()


DATED_NAME = DatedName("dated_name", 11, "the given name with the full birth date in the handle")
