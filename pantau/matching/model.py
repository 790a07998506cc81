"""The matching model as one declared object: comparisons, blocking keys, weights, threshold, top-k.

Like Splink's settings object, everything that decides a score is here or named
here, so a change to the model is one reviewed diff and bumps ``MODEL_VERSION``
(stored with every candidate; a new version re-scores all actors).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pantau.matching import normalize
from pantau.matching.blocking import DEFAULT_KEYS, BlockingKey
from pantau.matching.comparisons import DEFAULT as DEFAULT_COMPARISONS
from pantau.matching.comparisons import Comparison

MODEL_VERSION = "16"


@dataclass
class MatchModel:
    comparisons: list[Comparison] = field(default_factory=lambda: list(DEFAULT_COMPARISONS))
    blocking_keys: list[BlockingKey] = field(default_factory=lambda: list(DEFAULT_KEYS))
    threshold: float = 53.0            # candidates below this score are not stored
    top_k: int = 3                     # candidates kept per actor
    margin: float = 6.0               # ... and only those within this many points of the actor's best
    # beyond this many candidates per actor, a further one needs corroboration: a third
    # tie on the name alone is a lottery among namesakes, not a lead
    uncorroborated_top_k: int = 2
    # more employees than this tied for an actor's best score on the name alone: a lottery,
    # none of them is kept (see scoring.select)
    max_name_ties: int = 3
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
    display_fit_min: float = 38.0      # a display-name level of this weight or more fits the name
    # blocking
    rare_token_max: int = 0            # 0: max(30, roster/2000)
    max_block: int = 2000              # a larger block is not kept (its birth-year refinement is)
    max_initial_block: int = 150       # initial + token blocks are weak keys: smaller limit
    year_refine_min: int = 32          # a block larger than this is also indexed by birth year
    max_pairs_per_actor: int = 100     # budget per actor, smallest blocks first; a block that does not fit is skipped
    batch_actors: int = 10000
    # learned level weights (pantau.matching.learn): comparison name -> one weight per level;
    # a comparison not named here keeps its declared weights
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)
    origin: str = "prior"              # where the weights come from: prior, em, decisions
    weights_id: str = ""               # stored learned weights (part of the version)

    def level_weights(self, comp: Comparison) -> tuple[float, ...]:
        got = self.weights.get(comp.name)
        if got is not None and len(got) == len(comp.levels):
            return got
        return comp.default_weights()

    @property
    def version(self) -> str:
        base = f"n{normalize.VERSION}.m{MODEL_VERSION}"
        return f"{base}.w{self.weights_id}" if self.weights_id else base

    @property
    def base_version(self) -> str:
        """The version without learned weights: learned weights are valid for this one only."""
        return f"n{normalize.VERSION}.m{MODEL_VERSION}"


def default_model(*, threshold: float | None = None, top_k: int | None = None) -> MatchModel:
    """The model ``pantau match`` uses; threshold and top-k come from ``[matching]``."""
    m = MatchModel()
    if threshold is not None:
        m.threshold = float(threshold)
    if top_k is not None:
        m.top_k = int(top_k)
    return m
