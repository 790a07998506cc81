"""The matching model as one declared object: comparisons, blocking keys, weights, threshold, top-k.

Like Splink's settings object, everything that decides a score is here or named
here, so a change to the model is one reviewed diff and bumps ``MODEL_VERSION``
(stored with every candidate; a new version re-scores all actors).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pantau.matching import normalize
from pantau.matching.blocking import DEFAULT_KEYS, BlockingKey
from pantau.matching.comparisons import DISPLAY_NAME, HANDLE, Comparison

MODEL_VERSION = "4"


@dataclass
class MatchModel:
    comparisons: list[Comparison] = field(default_factory=lambda: [DISPLAY_NAME, HANDLE])
    blocking_keys: list[BlockingKey] = field(default_factory=lambda: list(DEFAULT_KEYS))
    threshold: float = 55.0            # candidates below this score are not stored
    top_k: int = 3                     # candidates kept per actor
    margin: float = 6.0               # ... and only those within this many points of the actor's best
    # beyond this many candidates per actor, a further one needs corroboration: a third
    # tie on the name alone is a lottery among namesakes, not a lead
    uncorroborated_top_k: int = 2
    # a pair whose only name is the handle (display name missing or carrying no name) and
    # that nothing marks as common or shared ("possible" band) is kept from threshold minus this
    handle_only_allowance: float = 10.0
    strong_min: float = 80.0           # a strong candidate needs this score and corroboration
    # name evidence: the best comparison counts fully, the other adds this share
    second_name_share: float = 0.25
    name_base: float = 6.0             # added when a level says the name fits (calibrates the threshold)
    # term frequency: bits of name information above/below the roster's reference
    tf_bits_over_log2n: float = 3.0    # reference = log2(roster size) + this
    tf_points_per_bit: float = 2.0
    tf_min: float = -25.0
    tf_max: float = 20.0
    shared_name_points: float = -6.0   # per doubling of employees sharing the exact name
    shared_name_min: float = -18.0
    # corroboration
    birth_full_date: float = 25.0
    birth_day_month: float = 15.0
    birth_year: float = 8.0
    birth_contradicts: float = -8.0     # a 4-digit year or full date in the handle that is not the birth year
    context_points_per_bit: float = 2.5   # unit/position words, weighted by their rarity
    context_max: float = 20.0
    title_points: float = 8.0
    title_max: float = 12.0
    # known handles (roster ``akun``): certain only on the platform (and Mastodon server) the
    # roster names. A bare one (no platform) is strong evidence: +known_bare_points and at least
    # known_bare_min (kept as a lead), strong only when something else agrees. One that names
    # another platform or server: +known_other_points, at least known_other_min; never strong alone.
    known_handle_score: float = 100.0
    known_bare_points: float = 20.0
    known_bare_min: float = 60.0
    known_other_points: float = 10.0
    known_other_min: float = 55.0
    display_fit_min: float = 38.0      # a display-name level of this weight or more fits the name
    # blocking
    rare_token_max: int = 0            # 0: max(30, roster/2000)
    max_block: int = 2000              # a larger block is not kept (its birth-year refinement is)
    max_initial_block: int = 150       # initial + token blocks are weak keys: smaller limit
    year_refine_min: int = 32          # a block larger than this is also indexed by birth year
    max_pairs_per_actor: int = 100     # budget per actor, smallest blocks first; a block that does not fit is skipped
    batch_actors: int = 10000

    @property
    def version(self) -> str:
        return f"n{normalize.VERSION}.m{MODEL_VERSION}"


def default_model(*, threshold: float | None = None, top_k: int | None = None) -> MatchModel:
    """The model ``pantau match`` uses; threshold and top-k come from ``[matching]``."""
    m = MatchModel()
    if threshold is not None:
        m.threshold = float(threshold)
    if top_k is not None:
        m.top_k = int(top_k)
    return m
