"""Another spelling of a name word, as people write their own names on a profile.

A diagnostic for the spelling-variant key (``normalize.variant_key``): ``run.py
respelled`` re-spells the display name (and the handle, where it spells the word) of
each true match whose roster name has a word one of these rules can change, and
reports how many of those accounts are still found. The rules are the habits the key
reads (y/i after a consonant, the glide after i, a final h, Sundanese p for f,
Javanese a/o, ao/au); the labelled sets themselves hold few such accounts, which is why this
is a separate figure and not a set.
"""

from __future__ import annotations

import re

_CONS = "bcdfghklmpqrstvwzBCDFGHKLMPQRSTVWZ"
_RULES = [
    # y <-> i between a consonant and a vowel: Setyawan <-> Setiawan
    (re.compile(rf"(?<=[{_CONS}])y(?=[aeiou])"), "i"),
    (re.compile(rf"(?<=[{_CONS}])i(?=[aeo])"), "y"),
    # the glide after i: Sugiyanto -> Sugianto
    (re.compile(r"(?<=[a-zA-Z][iI])y(?=[aeiou])"), ""),
    # a final h after a vowel: Aisyah -> Aisya
    (re.compile(r"(?<=[a-zA-Z]{3}[aeiou])h$"), ""),
    # Sundanese p for f: Arif -> Arip
    (re.compile(r"f"), "p"),
    # Javanese final o <-> a in a long word: Santoso <-> Santosa
    (re.compile(r"(?<=[a-zA-Z]{5})o$"), "a"),
    (re.compile(rf"(?<=[a-zA-Z]{{4}}[{_CONS}])a$"), "o"),
    # au as Javanese and Sundanese say it (last, so that the words the rules above change keep
    # their spelling of model 9's figures): Taufik -> Taofik
    (re.compile(r"au"), "ao"),
]


def respell(word: str) -> str | None:
    """The word in another spelling by the first rule that changes it, or None."""
    if word.lower().startswith("ia"):
        return None
    for rx, rep in _RULES:
        out = rx.sub(rep, word, count=1)
        if out != word:
            return out
    return None
