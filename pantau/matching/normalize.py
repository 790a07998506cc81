"""Indonesian name normalisation (first version; the matching issue refines it).

``VERSION`` is stored next to every normalised roster name so that names are
recomputed when the rules change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

VERSION = "1"

_FRONT_TITLES = {"prof", "dr", "drg", "drh", "drs", "dra", "ir", "h", "hj", "kh", "ns", "apt"}
_TOKEN = re.compile(r"[a-z]+")


@dataclass
class Normalised:
    text: str                          # normalised tokens joined by single spaces
    titles: list[str] = field(default_factory=list)


def normalise(name: str) -> Normalised:
    """Case-fold, strip accents, take academic titles out into their own field."""
    titles: list[str] = []
    s = unicodedata.normalize("NFKC", name or "")
    main, _, back = s.partition(",")
    for part in back.split(","):
        if part.strip():
            titles.append(part.strip())
    s = unicodedata.normalize("NFKD", main).encode("ascii", "ignore").decode().lower()
    tokens = []
    for raw in s.split():
        word = raw.strip(".")
        if not tokens and word.replace(".", "") in _FRONT_TITLES and raw.endswith("."):
            titles.append(raw)
            continue
        tokens += _TOKEN.findall(word)
    return Normalised(" ".join(tokens), titles)
