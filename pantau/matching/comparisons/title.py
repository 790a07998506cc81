"""Academic and religious titles in the display name, bio or handle (budi_spd) that the employee also has."""

from __future__ import annotations

import numpy as np

from pantau.matching.comparisons.base import Comparison, Level, all_present
from pantau.matching.comparisons.features import PairFeatures
from pantau.matching.rows import row_count


def _hits(f: PairFeatures) -> np.ndarray:
    got = f.cache.get("title")
    if got is None:
        TA = f.batch.titles[f.pa]
        TE = f.roster.e_title[f.pe]
        got = np.zeros(TA.shape, bool)
        for i in range(TA.shape[1]):
            col = TA[:, i]
            if not (col >= 0).any():
                continue
            for k in range(TE.shape[1]):
                got[:, i] |= col == TE[:, k]
        f.cache["title"] = got
    return got


class TitleComparison(Comparison):
    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        r = int(f.pa[i])
        return {"titles": [t for t, hit in zip(f.batch.title_text[r], _hits(f)[i]) if hit]}


TITLE = TitleComparison(
    name="title", subject="Title", role="add",
    present=all_present,
    levels=(
        Level("two or more titles the employee has", lambda f: row_count(_hits(f)) >= 2, 12.0, code="",
              corroborates=True, feature="title"),
        Level("a title the employee has", lambda f: row_count(_hits(f)) == 1, 8.0, code="", corroborates=True,
              feature="title"),
        Level("no shared title", None, 0.0, code="none", feature="title"),
    ),
)
