"""``dated_name``: the given name with the full birth date (``elis_130182``: Elis, born 13 January 1982).

A handle of one common given name and a date has no other key: the name alone is a block of
hundreds (no ``rare_token``), and there is no second token to pair it with. The date the NIP
carries narrows those hundreds to the one or two born that day. Only the first given name (the
first token that is no regional part: not the I of I Made Wirawan), only where it is not rare
(a rare one has its own block), only with a known birth date. ``counts`` says how many
employees share a given name and a birth date: the handle level that reads such a pair
(``comparisons.handle``, "one_token_dated") holds only where that is one.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import ActorSide, BlockingKey, RosterSide, mixed, variant_ids, with_dates


def first_given(rs: RosterSide) -> tuple[np.ndarray, np.ndarray]:
    """Per employee: the column of the first full token that is no regional part (-1: none),
    and that token's variant id (-1: none)."""
    r = rs.roster
    ok = rs.full & ~r.tok_regional[rs.safe]
    col = np.where(ok.any(1), ok.argmax(1), -1)
    rows = np.arange(len(col))
    vid = np.where(col >= 0, variant_ids(r)[rs.safe[rows, np.maximum(col, 0)]], -1)
    return col, vid


def birth_dates(roster) -> np.ndarray:
    """Per employee: the birth date the NIP carries as yyyymmdd (0 where it is unknown), as a
    handle's digits are read (``actors.digit_evidence``)."""
    return np.where((roster.birth_year > 0) & (roster.birth_md > 0),
                    roster.birth_year.astype(np.int64) * 10000 + roster.birth_md, 0)


def counts(rs: RosterSide) -> np.ndarray:
    """Per employee: how many employees share its first given name (in any spelling) and its full
    birth date; 0 where either is unknown."""
    _, vid = first_given(rs)
    dates = birth_dates(rs.roster)
    ok = (vid >= 0) & (dates > 0)
    out = np.zeros(len(vid), np.int32)
    if ok.any():
        _, inv, cnt = np.unique(vid[ok] * np.int64(100_000_000) + dates[ok], return_inverse=True, return_counts=True)
        out[ok] = cnt[inv]
    return out


class DatedName(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        col, vid = first_given(rs)
        common = rs.count[np.arange(len(col)), np.maximum(col, 0)] > rs.rare_max
        dates = birth_dates(rs.roster)
        ok = (col >= 0) & common & (dates > 0)
        return [(mixed(self.tag, vid[ok], dates[ok]), rs.rows[ok])]

    def actor_keys(self, side: ActorSide):
        return with_dates(self.tag, side.batch.fulls, lambda r: side.vids[r])


DATED_NAME = DatedName("dated_name", 11, "the given name with the full birth date in the handle", dated=True)
