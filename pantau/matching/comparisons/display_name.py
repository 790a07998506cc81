"""Display name against the roster name."""

from __future__ import annotations

from pantau.matching.comparisons.base import Comparison, Level
from pantau.matching.comparisons.features import PairFeatures
from pantau.matching.comparisons.names import (actor_subset, all_roster_tokens, call_name, call_name_alone,
                                               call_params, initials)

class DisplayNameComparison(Comparison):
    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        return call_params(f, self.name, i) if self.levels[level].code.startswith("call_name") else {}


DISPLAY_NAME = DisplayNameComparison(
    name="display_name", subject="Display name", role="name",
    present=lambda f: f.d_present,
    levels=(
        Level("equals the roster name but for a typo", lambda f: (f.d_exact | f.d_variant) & f.d_typo, 46.0,
              code="typo"),
        Level("equals the roster name", lambda f: f.d_exact, 62.0, code="exact"),
        Level("equals the roster name in another spelling "
              "(old j = y, ty = ti, iy = i, f = p, final h, Javanese o = a, ao = au, Arabic ts = s, "
              "Latin c = k or s, x = ks)",
              lambda f: f.d_variant, 58.0, code="old_spelling"),
        Level("equals the roster name without its regional parts (I, Ni, Wayan, Ida Bagus, br.)",
              lambda f: f.d_core & (f.d.n_a >= 2), 56.0, code="core"),
        # one token left (I Gede Aryarisa -> Aryarisa): that token is the personal name, as a
        # mononym's is; how many carry it is the frequency and namesake rules' part (namesakes
        # counted without regional parts, ``PairFeatures.name_count``)
        Level("equals the one name left without the regional parts", lambda f: f.d_core, 56.0, code="core"),
        Level("nearly equals the roster name (similarity >= 92)", lambda f: f.d_ratio >= 92, 52.0, code="near"),
        Level("contains every roster name token", lambda f: all_roster_tokens(f.d) & (f.d_ratio < 85), 32.0,
              code="all_tokens"),
        Level("matches the roster name with initials", lambda f: initials(f.d), 44.0, code="initials"),
        # before "resembles": a call name and the family name is the closer reading (Dalin
        # Hutapea for Dalinman Hutapea resembles the name too, at lower points)
        Level("uses a call name of the roster name and another of its tokens (Yanto Siregar)",
              lambda f: call_name(f.d), 44.0, code="call_name"),
        Level("resembles the roster name (similarity >= 85)", lambda f: f.d_ratio >= 85, 40.0, code="similar"),
        Level("is a shortened form of the roster name", lambda f: actor_subset(f.d), 38.0, code="shortened"),
        # a call name and the place the employee works ("Haman Sumedang"): how people are known
        # at work, and the place narrows the many whose given name yields the call name to a few
        Level("uses only a call name of the roster name, with the place of the employee's unit (Yanto Sleman)",
              lambda f: call_name_alone(f.d) & f.d_placed, 44.0, code="call_name_place"),
        Level("uses only a call name of the roster name (Yanto)", lambda f: call_name_alone(f.d), 28.0,
              code="call_name_alone"),
        Level("shares one token but is another name",
              lambda f: (f.d.full_e >= 1) & (f.d_known >= 2) & ~f.d_cut, -15.0,
              name_evidence=False, code="other_name_one_token"),
        Level("shares one name token", lambda f: f.d.full_e >= 1, 4.0, name_evidence=False, code="one_token"),
        Level("is another person's name", lambda f: f.d_known >= 2, -20.0, name_evidence=False, code="other_name"),
        Level("differs from the roster name", None, 0.0, name_evidence=False, code="differs"),
    ),
)
