"""Digits in the handle against the birth date the NIP carries (as Splink's date-of-birth comparison).

Explanations name the digits, never the birth date or the NIP.
"""

from __future__ import annotations

from pantau.matching.comparisons.base import Comparison, Level, all_present
from pantau.matching.comparisons.features import PairFeatures
from pantau.matching.rows import row_has


def birth_parts(f: PairFeatures) -> dict:
    """Per pair: the handle digits are the full birth date (``full``), its day and month, its year,
    or another year; computed once per batch (the handle comparison reads ``full`` too)."""
    got = f.cache.get("birth")
    if got is None:
        b, r = f.batch, f.roster
        by = r.birth_year[f.pe]
        bmd = r.birth_md[f.pe]
        yr = row_has(b.years[f.pa], by) & (by > 0)
        got = {
            "full": row_has(b.fulls[f.pa], by * 10000 + bmd) & (by > 0),
            "md": row_has(b.mds[f.pa], bmd) & (bmd > 0),
            "year": yr,
            # a 4-digit year or a full date in the handle that is not the birth year
            "contradicts": (b.claimed[f.pa][:, 0] > 0) & ~yr & (by > 0),
        }
        f.cache["birth"] = got
    return got


class BirthDateComparison(Comparison):
    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        return {"digits": ", ".join(f.batch.digits[int(f.pa[i])])}


BIRTH_DATE = BirthDateComparison(
    name="birth_date", subject="Birth date", role="add",
    present=all_present,
    levels=(
        Level("handle digits match the full birth date", lambda f: birth_parts(f)["full"], 25.0, code="full",
              corroborates=True, tells_apart=True, feature="birth_date"),
        Level("handle digits match the birth day and month", lambda f: birth_parts(f)["md"], 15.0, code="day_month",
              corroborates=True, tells_apart=True, feature="birth_date"),
        Level("handle digits match the birth year", lambda f: birth_parts(f)["year"], 8.0, code="year",
              corroborates=True, feature="birth_date"),
        Level("handle digits state another birth year", lambda f: birth_parts(f)["contradicts"], -8.0,
              code="contradicts", feature="birth_date"),
        Level("handle digits say nothing about the birth date", None, 0.0, code="none", feature="birth_date"),
    ),
)
