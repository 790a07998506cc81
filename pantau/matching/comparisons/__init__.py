"""Comparisons, one module each: display name, handle, birth date, unit words, titles, known handle.

Each is a ``Comparison`` (``base.py``): an ordered list of levels with weights and
evidence codes. ``DEFAULT`` is the order the model lists them in. To add one: a
module here with its levels, its evidence templates in ``pantau.matching.evidence``,
listed in ``DEFAULT``; then the benchmark, and ``model.MODEL_VERSION``.
"""

from pantau.matching.comparisons.base import Comparison, Level
from pantau.matching.comparisons.birth_date import BIRTH_DATE
from pantau.matching.comparisons.display_name import DISPLAY_NAME
from pantau.matching.comparisons.features import PairFeatures, TokenOverlap, token_overlap
from pantau.matching.comparisons.handle import HANDLE
from pantau.matching.comparisons.known_handle import KNOWN_HANDLE
from pantau.matching.comparisons.title import TITLE
from pantau.matching.comparisons.unit import UNIT

DEFAULT = (KNOWN_HANDLE, DISPLAY_NAME, HANDLE, BIRTH_DATE, UNIT, TITLE)

__all__ = ["Comparison", "Level", "PairFeatures", "TokenOverlap", "token_overlap", "DISPLAY_NAME", "HANDLE",
           "BIRTH_DATE", "UNIT", "TITLE", "KNOWN_HANDLE", "DEFAULT"]
