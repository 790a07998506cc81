"""``abbreviation``: a name token with the first letters of the family name (``tiurmasir`` for
Tiurma Siregar, ``elfiracan`` for Elfira Caniago, ``lindagun`` for Linda Fransiska Gunadi).

A handle that cuts the last name short says three letters of it, far more than an initial:
the initial key does not see such a run, and the given name alone is too common for the
rare-token key. Only the last name is keyed, as handles cut it (``retnocah``), with each of
the first four other tokens, by its first letters as spelled now and, where they differ, as
the employee's name writes them: mostly one or two keys per employee, at most eight, which
the national index can afford.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key, variant_ids
from pantau.matching.index import ABBR_CODE


class Abbreviation(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        roster = rs.roster
        tok_all = roster.names.tok
        n_tok = (tok_all >= 0).sum(1)
        last = tok_all[rs.rows, np.maximum(n_tok - 1, 0)]
        vt = variant_ids(roster)[rs.safe].astype(np.int64)
        regional = roster.tok_regional[rs.safe]
        out = []
        spelled = np.where(last >= 0, roster.tok_pre[np.maximum(last, 0)], -1).astype(np.int64)
        # the first letters as spelled now and, where spelling changes them, as the name writes them
        # (cha of Chaniago)
        for pre in (spelled, roster.e_last_written.astype(np.int64)):
            for j in range(rs.tok.shape[1]):
                m = rs.full[:, j] & ~regional[:, j] & (pre >= 0) & (j < n_tok - 1)
                out.append((key(self.tag, (vt[m, j] << np.int64(24)) | (pre[m] - ABBR_CODE)), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        rows, keys = [], []
        for r, (vids, abbrs) in enumerate(zip(side.vids, side.abbrs)):
            for a in abbrs:
                for i in vids:
                    rows.append(r)
                    keys.append(tag | (i << 24) | (a - ABBR_CODE))
        return rows, keys


ABBREVIATION = Abbreviation("abbreviation", 10, "a name token with the first letters of the family name")
