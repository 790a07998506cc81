"""``birth_year``: any key whose block is larger than ``year_refine_min``, refined by the birth year.

The roster side indexes a large block again per birth year; an actor looks there
with the years its handle digits suggest (Budi Santoso 1985), so a common name's
block that the per-actor budget cannot take whole still yields the right employee.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import BlockingKey, mixed


class BirthYear(BlockingKey):
    def refine(self, keys: np.ndarray, years: np.ndarray) -> np.ndarray:
        """A key refined by a birth year (same on the roster and the actor side)."""
        return mixed(self.tag, keys, years)

    def roster_refine(self, K: np.ndarray, R: np.ndarray, cnt: np.ndarray, refine: np.ndarray, roster):
        """Extra (keys, rows) for the entries of the blocks marked ``refine`` (``cnt`` entries each)."""
        m = np.repeat(refine, cnt)
        yr = roster.birth_year[R[m]].astype(np.int64)
        ok = yr > 0
        return self.refine(K[m][ok], yr[ok]), R[m][ok]

    def actor_refine(self, rows: np.ndarray, keys: np.ndarray, need: np.ndarray, batch):
        """(rows, refined keys) for an actor's keys whose block was missing or large."""
        yrs = batch.years[rows[need]]
        r2 = np.repeat(rows[need], yrs.shape[1])
        k2 = np.repeat(keys[need], yrs.shape[1])
        y2 = yrs.ravel()
        ok = y2 > 0
        return r2[ok], self.refine(k2[ok], y2[ok])


BIRTH_YEAR = BirthYear("birth_year", 7, "any key of a large block, with the birth year")
