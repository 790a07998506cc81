"""The one XLSX writer of Pantau: the CLI export and the review app's downloads both use it.

Spreadsheets are opened by people who did not write their text: every text cell
is stored as a string (never a formula, whatever it starts with) and the
control characters that the XLSX format cannot hold (and openpyxl refuses) are
removed, so a display name with a stray ``\\x07`` cannot make a download fail.
Sheets are streamed (write-only workbook), so a million rows do not sit in
memory; a sheet longer than Excel's limit continues on the next one. Each sheet
gets a bold, frozen header row, an autofilter over its columns and column
widths fitted to its header and first rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MAX_ROWS = 1_048_576            # rows per sheet in Excel; more continue on the next sheet
MAX_CELL = 32_767               # characters in one cell
_WIDTH_SAMPLE = 200             # rows read ahead to fit column widths
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)


def clean_text(value: Any) -> str:
    """Text a cell can hold: no control characters XLSX forbids, no longer than a cell allows."""
    s = value if isinstance(value, str) else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", s)[:MAX_CELL]


@dataclass
class Sheet:
    """One sheet to write: a title, the header cells, and rows (sequences of values).

    ``numeric`` names the column positions whose numbers are Pantau's own (ids,
    scores, counts) and stay numbers; everything else is written as text.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    numeric: frozenset[int] = field(default_factory=frozenset)


def sheet_title(name: str, used: set[str], fallback: str = "Sheet") -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique regardless of case."""
    base = _BAD_TITLE.sub(" ", clean_text(name)).strip()[:31] or fallback[:31]
    title, i = base, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title = base[:31 - len(suffix)] + suffix
        i += 1
    used.add(title.lower())
    return title


def write_workbook(out: IO[bytes], sheets: Iterable[Sheet]) -> dict[str, int]:
    """Write ``sheets`` as one workbook to the binary file ``out``; returns data rows per sheet title."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    counts: dict[str, int] = {}
    for sheet in sheets:
        counts[sheet.title] = _write_sheet(wb, sheet, used)
    if not wb.worksheets:
        wb.create_sheet("Sheet")
    wb.save(out)
    return counts


def _write_sheet(wb: Workbook, sheet: Sheet, used: set[str]) -> int:
    rows = iter(sheet.rows)
    ahead: list[Sequence[Any]] = []
    for r in rows:
        ahead.append(r)
        if len(ahead) >= _WIDTH_SAMPLE:
            break
    widths = _widths(sheet.header, ahead)
    ncols = len(sheet.header)

    def new_part(k: int):
        title = sheet_title(sheet.title if k == 1 else f"{sheet.title} ({k})", used, "Sheet")
        ws = wb.create_sheet(title)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, header=True) for h in sheet.header])
        return ws

    def close_part(ws, nrows: int) -> None:
        if ncols:
            ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(1, nrows + 1)}"

    part, ws, in_part, n = 1, new_part(1), 0, 0
    convert: Callable = _cell
    for r in _chain(ahead, rows):
        if in_part + 1 >= MAX_ROWS:
            close_part(ws, in_part)
            part += 1
            ws, in_part = new_part(part), 0
        ws.append([convert(ws, v, numeric=i in sheet.numeric) for i, v in enumerate(r)])
        in_part += 1
        n += 1
    close_part(ws, in_part)
    return n


def _chain(first: list, rest):
    yield from first
    yield from rest


def _cell(ws, value: Any, *, header: bool = False, numeric: bool = False):
    if value is None:
        return None
    if numeric and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    c = WriteOnlyCell(ws, value=clean_text(value))
    c.data_type = "s"                  # text, even when it starts with '=': never a formula
    if header:
        c.font = _BOLD
    return c


def _widths(header: Sequence[str], sample: list[Sequence[Any]]) -> list[float]:
    """Column widths from the header and the first rows: readable, never wider than 60."""
    out = []
    for i, h in enumerate(header):
        longest = len(str(h)) + 2              # room for the filter button
        for r in sample:
            if i < len(r) and r[i] is not None:
                text = str(r[i])
                longest = max(longest, max((len(line) for line in text.splitlines()), default=0))
        out.append(float(min(60, max(8, longest + 1))))
    return out
