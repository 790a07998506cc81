"""A comparison: a named, ordered list of labelled levels (as in Splink), evaluated over whole arrays of pairs.

A level is a condition over the pair features; the first level that holds wins.
Its weight is the points it adds (learned weights replace the defaults: see
``pantau.matching.learn``), its code names the evidence sentence
(``<comparison>.<code>`` in ``pantau.matching.evidence.TEMPLATES``).

Roles say how the points combine into the score (``pantau.matching.scoring``):

- ``name``: name evidence. The comparison that counts fully is the best one (a
  display name that reads as a full name leads); the others add a share.
- ``add``: independent evidence (birth date, unit words, titles): added as they are.
  A level that ``corroborates`` singles this employee out beyond the name.
- ``known``: a known handle: added, and the score raised to the level's ``floor``.

A comparison whose points vary per pair (unit words weighted by their rarity)
overrides ``points``; one whose sentence needs values overrides ``params``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from pantau.matching.comparisons.features import PairFeatures

Condition = Callable[[PairFeatures], np.ndarray]
ROLES = ("name", "add", "known")


@dataclass(frozen=True)
class Level:
    label: str                         # shown by --explain-model, e.g. "equals the roster name"
    condition: Condition | None        # None: the "else" level
    weight: float
    name_evidence: bool = True         # the name fits: frequency and namesake rules apply
    code: str = ""                     # evidence code suffix: "<comparison>.<code>"
    corroborates: bool = False         # evidence independent of the name
    floor: float = 0.0                 # role "known": the score is at least this
    feature: str = ""                  # stored feature name when not "<comparison>:<level index>"
    # tells namesakes apart (a birth day and month in the handle): the employees who share the
    # name are no longer interchangeable, so the shared-name penalty does not apply
    tells_apart: bool = False
    # the level names one person whatever the name's frequency (one name beside the full birth
    # date): the frequency rule's penalty for a common name does not apply (model 15)
    identifies: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str                          # feature family in explanations
    subject: str                       # "Display name", "Birth date"
    levels: tuple[Level, ...]
    present: Callable[[PairFeatures], np.ndarray]
    role: str = "name"

    def evaluate(self, f: PairFeatures, weights: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(level index, points) per pair; level -1 means the comparison does not apply (field missing)."""
        idx = self.level_index(f)
        w = np.array(list(weights if weights is not None else self.default_weights()) + [0.0],
                     dtype=np.float32)[idx]
        return idx, self.points(f, idx, w)

    def level_index(self, f: PairFeatures) -> np.ndarray:
        conds = [lvl.condition(f) if lvl.condition is not None else np.ones(f.n, bool) for lvl in self.levels]
        idx = np.select(conds, np.arange(len(self.levels)), default=len(self.levels) - 1) if conds \
            else np.zeros(f.n, np.int64)
        return np.where(self.present(f), idx, -1)

    def default_weights(self) -> tuple[float, ...]:
        return tuple(lvl.weight for lvl in self.levels)

    def points(self, f: PairFeatures, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Points per pair from the level weights (a comparison may scale them per pair)."""
        return w

    def params(self, f: PairFeatures, i: int, level: int) -> dict:
        """Values of the evidence sentence of pair ``i`` (stranger-written values stay plain)."""
        return {}

    def feature_name(self, level: int) -> str:
        return self.levels[level].feature or f"{self.name}:{level}"

    def code(self, level: int) -> str:
        c = self.levels[level].code
        return f"{self.name}.{c}" if c else self.name

    def mask(self, attr: str) -> np.ndarray:
        """A per-level flag as an array indexable by level index (-1 -> False)."""
        return np.array([bool(getattr(lvl, attr)) for lvl in self.levels] + [False])


def all_present(f: PairFeatures) -> np.ndarray:
    return np.ones(f.n, bool)
