"""Unit and position words in the bio or handle against the employee's unit and position.

Points per bit of the matched words' rarity in the roster (``guru`` says little,
``bappeda`` more, a regency name more still), at most ``CAP``.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.comparisons.base import Comparison, Level, all_present
from pantau.matching.comparisons.features import PairFeatures

CAP = 20.0            # points at most
STRONG_POINTS = 5.0   # from this many points the words corroborate


def _hits(f: PairFeatures) -> dict:
    got = f.cache.get("unit")
    if got is None:
        A = f.batch.ctx[f.pa]
        E = f.roster.e_ctx[f.pe]
        a_hit = np.zeros(A.shape, bool)
        e_hit = np.zeros(E.shape, bool)
        for i in range(A.shape[1]):
            col = A[:, i]
            if not (col >= 0).any():
                continue
            for k in range(E.shape[1]):
                m = col == E[:, k]
                a_hit[:, i] |= m
                e_hit[:, k] |= m
        idf = np.where(E >= 0, f.roster.ctx_idf[np.where(E >= 0, E, 0)], 0.0)
        got = {"a_hit": a_hit, "bits": (idf * e_hit).sum(1).astype(np.float32)}
        f.cache["unit"] = got
    return got


class UnitComparison(Comparison):
    def points(self, f: PairFeatures, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        # level weights are points per bit
        return np.minimum(CAP, w * _hits(f)["bits"]).astype(np.float32)

    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        r = int(f.pa[i])
        hits = _hits(f)["a_hit"][i]
        return {"words": [w for w, hit in zip(f.batch.ctx_words[r], hits) if hit]}


_PER_BIT = 2.5
UNIT = UnitComparison(
    name="unit", subject="Unit or position", role="add",
    present=all_present,
    levels=(
        Level("words of the employee's unit or position (points per bit of rarity)",
              lambda f: _PER_BIT * _hits(f)["bits"] >= STRONG_POINTS, _PER_BIT, code="", corroborates=True,
              feature="unit"),
        Level("a common word of the employee's unit or position (points per bit)",
              lambda f: _hits(f)["bits"] > 0, _PER_BIT, code="", feature="unit"),
        Level("no unit or position word", None, 0.0, code="none", feature="unit"),
    ),
)
