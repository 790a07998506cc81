"""Handle (segmented into name tokens) against the roster name."""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.call_year import CALL_YEAR
from pantau.matching.comparisons.base import Comparison, Level
from pantau.matching.comparisons.birth_date import birth_parts
from pantau.matching.comparisons.features import PairFeatures
from pantau.matching.comparisons.names import (actor_subset, all_roster_tokens, call_name, call_name_alone,
                                               call_params, initials)


def _dated(f: PairFeatures) -> np.ndarray:
    """The handle's names and initials are all the employee's, one name no regional part (not
    rina_aminah for Siti Aminah, not made_ for I Made Wirawan; a word the roster does not know
    counts as another name or as letters that begin one), beside the full birth date; and no other
    employee has that first given name and birth date (six Siti born one day are a lottery)."""
    o = f.h
    return ((o.full_a >= 1) & (o.full_a >= o.n_a) & (o.init_a >= o.n_init) & (o.core_full >= 1)
            & birth_parts(f)["full"] & (f.roster.dated_count[f.pe] == 1))


def _call_dated(f: PairFeatures) -> np.ndarray:
    """The handle is one call name of the employee's given names and the birth year (tono.1984 for
    Hartono, born 1984), the display name is missing or that call name too (not "dilaringsih99",
    where a call form is one part of a longer name, nor "Pak Nofriwita" beside "nofriwita87");
    and no other employee who answers to that form was born that year (the ``call_year`` block
    holds this employee alone)."""
    birth = birth_parts(f)
    h, d = f.h, f.d
    # one word (a roster token, or letters the roster does not know: counted as initials)
    out = (call_name_alone(h) & (h.n_a + h.n_init == 1) & (birth["year"] | birth["full"])
           & (~f.d_present | call_name_alone(d)))
    idx = np.flatnonzero(out)
    if not len(idx):
        return out
    pa, pe = f.pa[idx], f.pe[idx]
    year = f.roster.birth_year[pe].astype(np.int64)
    sole = np.zeros(len(idx), bool)
    for j in range(f.batch.h_call.shape[1]):
        sole |= CALL_YEAR.sole(f.roster, f.batch.h_call[pa, j].astype(np.int64), year, pe)
    out[idx] = sole
    return out


class HandleComparison(Comparison):
    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        out = {"handle": f.batch.handles[int(f.pa[i])] or ""}
        if self.levels[level].code.startswith("call_name"):
            out.update(call_params(f, self.name, i))
        return out


HANDLE = HandleComparison(
    name="handle", subject="Handle", role="name",
    present=lambda f: f.h_present,
    levels=(
        # a slip corrected is a guess, but one that left a whole name: as much as a near spelling
        Level("spells the roster name with a typo", lambda f: (f.h_exact | f.h_variant) & f.h_typo, 52.0,
              code="typo_tokens"),
        Level("spells the roster name", lambda f: f.h_exact, 62.0, code="exact"),
        Level("spells the roster name in another spelling "
              "(old j = y, ty = ti, iy = i, f = p, final h, Javanese o = a, ao = au, Arabic ts = s, "
              "Latin c = k or s, x = ks)",
              lambda f: f.h_variant, 58.0, code="old_spelling"),
        Level("spells the roster name without its regional parts (I, Ni, Wayan, Ida Bagus, br.)",
              lambda f: f.h_core & (f.h.n_a >= 2), 56.0, code="core"),
        # one token left (I Gede Aryarisa -> Aryarisa): that token is the personal name, as a
        # mononym's is; how many carry it is the frequency and namesake rules' part (namesakes
        # counted without regional parts, ``PairFeatures.name_count``)
        Level("spells the one name left without the regional parts", lambda f: f.h_core, 56.0, code="core"),
        # three letters of a name say far more than an initial: few roster words begin so
        # (before "nearly spells": zulkiflipan for Zulkifli Panai is also 92% alike)
        Level("spells the roster name with an abbreviated name (tiurmasir)",
              lambda f: initials(f.h) & (f.h.abbr_a >= 1), 58.0, code="abbreviation"),
        Level("nearly spells the roster name (similarity >= 92)", lambda f: f.h_ratio >= 92, 52.0, code="near"),
        Level("contains every roster name token", lambda f: all_roster_tokens(f.h), 34.0, code="all_tokens"),
        Level("spells the roster name with initials", lambda f: initials(f.h), 52.0, code="initials"),
        # before "resembles": a call name and the family name is the closer reading (Dalin
        # Hutapea for Dalinman Hutapea resembles the name too, at lower points)
        Level("uses a call name of the roster name and another of its tokens (Yanto Siregar)",
              lambda f: call_name(f.h), 44.0, code="call_name"),
        Level("resembles the roster name (similarity >= 85)", lambda f: f.h_ratio >= 85, 40.0, code="similar"),
        Level("is a shortened form of the roster name", lambda f: actor_subset(f.h), 42.0, code="shortened"),
        # a call name and the birth year (tono.1984): the year tells this one who answers to
        # Tono from the others, when no other employee so called was born that year (model 16)
        Level("uses only a call name of the roster name, beside the birth year (tono.1984)", _call_dated, 34.0,
              code="call_name_dated", identifies=True),
        Level("uses only a call name of the roster name (Yanto)", lambda f: call_name_alone(f.h), 28.0,
              code="call_name_alone"),
        # one name and the full birth date (elis_130182: Elis, born 13 January 1982): the date
        # tells this one Elis from the many, as a rare name would; the birth-date comparison adds
        # its own points (model 15)
        Level("shares one name token, beside the full birth date", _dated, 30.0, code="one_token_dated",
              identifies=True),
        Level("shares one name token", lambda f: f.h.full_e >= 1, 4.0, name_evidence=False, code="one_token"),
        Level("differs from the roster name", None, 0.0, name_evidence=False, code="differs"),
    ),
)
