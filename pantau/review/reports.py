"""Confirmed cases per unit as CSV and XLSX, for sending on to the inspectorate.

Cells hold text written by strangers (names, handles, notes): CSV cells that a
spreadsheet would run as a formula get a leading ``'`` (``pantau.export.csv_safe``
when that module is there, the same rule otherwise) and XLSX cells are always
stored as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pantau.review.i18n import N_
from storage.queries.review import CASE_COLUMNS

try:
    from pantau.export import csv_safe
except ImportError:  # pragma: no cover - until pantau.export lands
    _FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

    def csv_safe(value) -> str:
        if value is None:
            return ""
        s = str(value)
        return "'" + s if s.startswith(_FORMULA_START) else s

HEADERS = {
    "match_id": N_("Match"), "unit": N_("Unit"), "nip": N_("NIP"), "employee_name": N_("Employee"),
    "position": N_("Position"), "platform": N_("Platform"), "actor_handle": N_("Account"),
    "actor_name": N_("Display name"), "actor_url": N_("Profile link"), "score": N_("Score"),
    "band": N_("Band"), "interactions": N_("Interactions"),
    "first_interaction_at": N_("First interaction"), "last_interaction_at": N_("Last interaction"),
    "reviewer": N_("Reviewer"), "decided_at": N_("Decided at"), "note": N_("Note"),
    "explanation": N_("Why it matched"),
}
NUMERIC = {"match_id", "score", "interactions"}


def write_csv(rows: Iterable[dict], translate) -> tuple[bytes, int]:
    """UTF-8 with BOM (so Excel reads the accents), formula-safe; returns (bytes, rows)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([translate(HEADERS[c]) for c in CASE_COLUMNS])
    n = 0
    for r in rows:
        w.writerow([r[c] if c in NUMERIC and r[c] is not None else csv_safe(r[c]) for c in CASE_COLUMNS])
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def sheet_title(unit: str, used: set[str], fallback: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ , unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", unit).strip()[:31] or fallback[:31]
    title, i = base, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title = base[:31 - len(suffix)] + suffix
        i += 1
    used.add(title.lower())
    return title


def write_xlsx(rows: Iterable[dict], translate, *, by_unit: bool = True) -> tuple[bytes, int]:
    """A summary sheet, then one sheet per unit; every text cell stored as a string."""
    wb = Workbook(write_only=True)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["unit"] if by_unit else "", []).append(r)
    bold = Font(bold=True)
    no_unit = translate(N_("(no unit)"))

    def cell(ws, value, *, header=False, numeric=False):
        if numeric and value is not None:
            c = WriteOnlyCell(ws, value=value)
        else:
            c = WriteOnlyCell(ws, value="" if value is None else str(value))
            c.data_type = "s"                  # never a formula, whatever the text starts with
        if header:
            c.font = bold
        return c

    summary = wb.create_sheet(translate(N_("Summary"))[:31])
    summary.append([cell(summary, translate(HEADERS["unit"]), header=True),
                    cell(summary, translate(N_("Confirmed cases")), header=True)])
    for unit, items in groups.items():
        summary.append([cell(summary, unit or no_unit), cell(summary, len(items), numeric=True)])
    used = {summary.title.lower()}
    n = 0
    for unit, items in groups.items():
        ws = wb.create_sheet(sheet_title(unit or no_unit, used, translate(N_("Cases"))))
        ws.append([cell(ws, translate(HEADERS[c]), header=True) for c in CASE_COLUMNS])
        for r in items:
            ws.append([cell(ws, r[c], numeric=c in NUMERIC) for c in CASE_COLUMNS])
            n += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), n
