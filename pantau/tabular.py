"""Reading the CSV files people export from Excel and personnel systems, and writing safe ones.

Offices save CSV in whatever their Excel writes: UTF-8 with or without a BOM,
UTF-16 with a BOM ("Unicode text"), or the Windows code page (cp1252); comma,
semicolon (Indonesian locale) or tab separated. One place guesses all of that,
so the roster reader and the interaction importer behave alike.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import BinaryIO, Iterable, TextIO

from pantau.errors import InputError

DELIMITERS = (",", ";", "\t")
#: A cell starting with one of these would be a formula in a spreadsheet; ``'`` is in the set
#: so that guarding is exactly reversible (a text that really starts with ``'`` keeps it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_HEADER_JUNK = re.compile(r"[\s_\-.\ufeff]+")
_SAMPLE = 1 << 20


def header_key(value: object) -> str:
    """Compare headers regardless of case, spaces and underscores (``UNIT KERJA`` = ``unit_kerja``)."""
    return _HEADER_JUNK.sub("", str(value or "")).lower()


def detect_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: BOMs first, then UTF-8, else cp1252.

    cp1252 leaves five byte values undefined; a file using them is read as latin-1,
    which accepts every byte, so an odd file is never refused for its encoding alone.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def open_text(path: Path) -> tuple[TextIO, BinaryIO, str]:
    """Open ``path`` as text in its detected encoding; also returns the binary file (for progress)."""
    raw = open(path, "rb")
    head = raw.read(_SAMPLE)
    raw.seek(0)
    encoding = detect_encoding(head)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    return text, raw, encoding


def sniff_delimiter(first_line: str, known: Iterable[str]) -> str:
    """The delimiter that splits the header into the most known column names.

    Headers are plain words, so trying each candidate on them is more reliable
    than ``csv.Sniffer`` guessing from data rows full of names with commas.
    """
    known = set(known)
    best, best_score = ",", (-1, -1)
    for d in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=d), [])
        score = (sum(1 for c in cells if header_key(c) in known), len(cells))
        if score > best_score:
            best, best_score = d, score
    return best


def csv_safe(value: object) -> str:
    """A cell value that no spreadsheet will run as a formula (a leading ``'`` is added).

    The importer removes that ``'`` again (``csv_unguard``), so an exported file
    imports unchanged.
    """
    if value is None:
        return ""
    s = value if isinstance(value, str) else str(value)
    if s and s[0] in FORMULA_STARTS:
        return "'" + s
    return s


def csv_unguard(value: str) -> str:
    """Undo ``csv_safe``: drop a ``'`` that only guards a formula-like start."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def decode_error(path: Path, encoding: str, line: int | None) -> InputError:
    return InputError(f"cannot be read as {encoding} text (mixed encodings?); save it again as "
                      "UTF-8 CSV", file=str(path), line=line)
