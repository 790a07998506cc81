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
from typing import BinaryIO, Iterable, Iterator, TextIO

from pantau.errors import InputError

DELIMITERS = (",", ";", "\t")
#: A cell starting with one of these would be a formula in a spreadsheet; ``'`` is in the set
#: so that guarding is exactly reversible (a text that really starts with ``'`` keeps it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_HEADER_JUNK = re.compile(r"[\s_\-.\ufeff]+")
_SAMPLE = 1 << 20
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
#: what ``surrogateescape`` makes of an undecodable byte
BAD_TEXT = re.compile("[\udc80-\udcff]")
#: the largest CSV cell read at all (csv's own 131,072 aborted a whole import with no row named);
#: per-field limits below it reject a row, a bigger cell rejects its line
CELL_MAX = 8 * 1024 * 1024
#: a quoted value may span at most this many lines; more is an unclosed quote
MAX_RECORD_LINES = 1000
csv.field_size_limit(CELL_MAX)


def header_key(value: object) -> str:
    """Compare headers regardless of case, spaces and underscores (``UNIT KERJA`` = ``unit_kerja``)."""
    return _HEADER_JUNK.sub("", str(value or "")).lower()


def detect_encoding(head: bytes) -> str:
    """The encoding of a whole file, decided once from its first bytes: BOMs, then UTF-8, else cp1252.

    A sample that is not valid UTF-8 is still UTF-8 when it holds at least as many valid
    multi-byte UTF-8 characters as broken bytes: one stray byte in a UTF-8 file is an error
    on its line (see ``BAD_TEXT``), not a reason to read every other line as cp1252
    (``AndrÃ©s``). cp1252 leaves five byte values undefined; a file using them is read as
    latin-1, which accepts every byte.
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
    text = head[: len(head) - 3 if len(head) >= _SAMPLE else len(head)].decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = len(_NON_ASCII.findall(text))
    if valid >= broken:
        return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def open_text(path: Path) -> tuple[TextIO, BinaryIO, str]:
    """Open ``path`` as text in its encoding; also returns the binary file (for progress).

    Bytes that do not decode come through as lone surrogates (``surrogateescape``), so a
    bad byte spoils only its own line: readers check lines with ``undecodable``.
    """
    raw = open(path, "rb")
    head = raw.read(_SAMPLE)
    raw.seek(0)
    encoding = detect_encoding(head)
    errors = "strict" if encoding == "utf-16" else "surrogateescape"
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    return text, raw, encoding


def undecodable(line: str) -> bool:
    """True when ``line`` holds bytes its file's encoding could not decode."""
    return not line.isascii() and BAD_TEXT.search(line) is not None


def not_text_reason(encoding: str) -> str:
    return f"not {encoding} text like the rest of the file (mixed encodings?); save it again as UTF-8"


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


class RecordTooLong(Exception):
    pass


class _Lines:
    """Physical lines fed to ``csv.reader``, numbered, with the lines of the current record kept
    so that a broken record can be read again from its second line."""

    __slots__ = ("source", "pending", "taken", "number", "eof", "bad")

    def __init__(self, source: Iterable[str], first: int):
        self.source = iter(source)
        self.pending: list[tuple[int, str]] = []      # a stack: the next line is last
        self.taken: list[tuple[int, str]] = []
        self.number = first
        self.eof = False
        self.bad = False

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.pop()
        else:
            line = next(self.source, None)
            if line is None:
                self.eof = True
                raise StopIteration
            item = (self.number, line)
            self.number += 1
        self.taken.append(item)
        if not item[1].isascii() and BAD_TEXT.search(item[1]):
            self.bad = True
        if len(self.taken) > MAX_RECORD_LINES:
            raise RecordTooLong()
        return item[1]

    def start(self) -> None:
        self.taken = []
        self.eof = self.bad = False

    def rewind(self) -> int:
        """Give back all but the first line of the current record; returns the first line's number."""
        first = self.taken[0][0] if self.taken else self.number
        self.pending.extend(reversed(self.taken[1:]))
        return first


class CSVRecords:
    """CSV records as ``(line, cells, None)`` or ``(line, None, reason)``, recovering from broken ones.

    ``csv.reader`` alone lets one unclosed ``"`` swallow the rest of a file into a single
    value. Here a record is refused, on its own first line, when it spans lines and is not
    well formed (``csv`` in strict mode: a quote open at the end of the file, or text after a
    closing quote), has another number of cells than the header, or spans over ``MAX_RECORD_LINES``;
    reading then starts again on the line after it, so only that row is lost. A cell over
    ``CELL_MAX`` and bytes that do not decode also refuse their record only.
    ``width`` (the header's cells) may be set once the header is known.
    """

    def __init__(self, lines: Iterable[str], delimiter: str, *, first_line: int = 1, encoding: str = "utf-8",
                 width: int | None = None):
        self.lines = _Lines(lines, first_line)
        self.delimiter = delimiter
        self.encoding = encoding
        self.width = width

    def __iter__(self) -> Iterator[tuple[int, list[str] | None, str | None]]:
        src = self.lines
        reader = csv.reader(src, delimiter=self.delimiter)
        while True:
            src.start()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except RecordTooLong:
                yield src.rewind(), None, (f"a quoted value opened on this line runs over {MAX_RECORD_LINES} "
                                           'lines (an unclosed "?); the line is skipped')
                continue
            except csv.Error as exc:
                reason = str(exc)
                if "field larger" in reason:
                    reason = f"a cell is longer than {CELL_MAX:,} characters"
                yield src.rewind(), None, f"unreadable CSV: {reason}"
                continue
            if src.bad:
                yield src.rewind(), None, not_text_reason(self.encoding)
                continue
            taken = src.taken
            if len(taken) > 1 or src.eof:
                reason = self._problem(cells, taken)
                if reason:
                    yield src.rewind(), None, reason
                    continue
            yield taken[0][0] if taken else src.number, cells, None

    def _problem(self, cells: list[str], taken: list[tuple[int, str]]) -> str | None:
        """Why a record spanning lines (or ending the file) is not one row but an unclosed quote."""
        raw = "".join(line for _, line in taken)
        if len(taken) > 1:
            if not well_formed(raw, self.delimiter):
                return 'unbalanced quote: a " opened on this line is not closed properly; the line is skipped'
        else:
            try:
                list(csv.reader(io.StringIO(raw, newline=""), delimiter=self.delimiter, strict=True))
            except csv.Error:
                return 'unbalanced quote: a " opened on this line is never closed; the line is skipped'
        if len(taken) > 1 and self.width is not None and len(cells) != self.width:
            return (f"unbalanced quote: a quoted value runs over {len(taken)} lines and the record has "
                    f"{len(cells)} cells, the header {self.width}; the line is skipped")
        return None


def well_formed(raw: str, delimiter: str) -> bool:
    """True when ``raw`` is one record as a CSV writer writes it: quotes open a field and close it,
    inner quotes are doubled, and no quote stands in an unquoted field.

    Readers accept more (a stray ``"`` inside a value), which is right for a single line but,
    in a record spanning lines, is the trace of an unclosed quote that swallowed the rows
    after it until another quote happened to close it. Only such records are walked here.
    """
    state = "start"                       # start | plain | quoted | quote (a quote inside quoted)
    for ch in raw:
        if state == "quoted":
            if ch == '"':
                state = "quote"
        elif state == "quote":
            if ch == '"':
                state = "quoted"          # a doubled quote
            elif ch == delimiter:
                state = "start"
            elif ch in "\r\n":
                state = "start"
            else:
                return False              # text after a closing quote
        elif ch == '"':
            if state == "plain":
                return False              # a quote inside an unquoted value
            state = "quoted"
        elif ch == delimiter or ch in "\r\n":
            state = "start"
        else:
            state = "plain"
    return state in ("start", "plain", "quote")


def too_long(name: str, value: str, limit: int) -> str | None:
    """Why a field is refused for its length, or None."""
    if len(value) > limit:
        return f"field {name} is {len(value):,} characters long (the limit is {limit:,})"
    return None
