"""A handle the roster lists for the employee (``akun``), read with its platform.

Certain only on the platform (and Mastodon server) the roster names. A bare one (no
platform) is strong evidence but not certain: name-shaped handles (``budisantoso``)
are picked by namesakes too. One listed for another platform or server is weak.
"""

from __future__ import annotations

import numpy as np

from pantau.matching import known as known_mod
from pantau.matching.comparisons.base import Comparison, Level, all_present
from pantau.matching.comparisons.features import PairFeatures

_PLATFORM_NAMES = {"x": "X", "youtube": "YouTube", "tiktok": "TikTok", "web": "web"}


def platform_name(p: str) -> str:
    return _PLATFORM_NAMES.get(p, p.capitalize())


def kinds(f: PairFeatures) -> np.ndarray:
    """known.KNOWN_* of each pair (0: no known handle involved)."""
    got = f.cache.get("known")
    if got is None:
        batch, roster = f.batch, f.roster
        got = np.zeros(f.n, np.int8)
        kr = [(r, e, k) for r in range(batch.n) for e, k in batch.known[r]]
        if kr and f.n:
            n1 = np.int64(roster.n + 1)
            codes = np.array([r * (roster.n + 1) + e for r, e, _ in kr], dtype=np.int64)
            ks = np.array([k for _, _, k in kr], dtype=np.int8)
            order = np.argsort(codes)
            codes, ks = codes[order], ks[order]
            pc = f.pa * n1 + f.pe
            pos = np.minimum(np.searchsorted(codes, pc), len(codes) - 1)
            got = np.where(codes[pos] == pc, ks[pos], 0).astype(np.int8)
        f.cache["known"] = got
    return got


class KnownHandleComparison(Comparison):
    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        r, e = int(f.pa[i]), int(f.pe[i])
        platform = f.batch.platforms[r]
        code = self.levels[level].code
        if code == "certain":
            return {"platform": platform_name(platform)}
        if code in ("bare", "no_server"):
            return {}
        ah = known_mod.actor_handle(platform, f.batch.handles[r])
        listed, listed_platform = "", ""
        for emp, p, key in f.roster.known_user.get(ah.user if ah else "", ()):
            if emp == e and p:
                listed, listed_platform = key, platform_name(p)
                break
        out = {"listed": listed, "listed_platform": listed_platform}
        if code == "other_platform":
            out["platform"] = platform_name(platform)
        return out


def _kind(k: int):
    return lambda f: kinds(f) == k


KNOWN_HANDLE = KnownHandleComparison(
    name="known_handle", subject="Known handle", role="known",
    present=all_present,
    levels=(
        Level("listed for this employee on this platform (certain)", _kind(known_mod.KNOWN_CERTAIN), 0.0,
              code="certain", corroborates=True, floor=100.0, feature="known_handle"),
        Level("listed for this employee without a platform", _kind(known_mod.KNOWN_BARE), 20.0, code="bare",
              floor=60.0, feature="known_handle:bare"),
        Level("listed for this employee on Mastodon without a server", _kind(known_mod.KNOWN_NO_SERVER), 20.0,
              code="no_server", floor=60.0, feature="known_handle:bare"),
        Level("listed for this employee on another Mastodon server", _kind(known_mod.KNOWN_OTHER_SERVER), 10.0,
              code="other_server", floor=55.0, feature="known_handle:other"),
        Level("listed for this employee on another platform", _kind(known_mod.KNOWN_OTHER_PLATFORM), 10.0,
              code="other_platform", floor=55.0, feature="known_handle:other"),
        Level("no known handle", None, 0.0, code="none", feature="known_handle"),
    ),
)
