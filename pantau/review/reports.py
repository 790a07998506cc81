"""Confirmed cases per unit as CSV and XLSX, for sending on to the inspectorate.

Cells hold text written by strangers (names, handles, notes): CSV cells that a
spreadsheet would run as a formula get a leading ``'`` (``pantau.tabular.csv_safe``)
and the workbook comes from ``pantau.spreadsheet``, the one XLSX writer, which
stores text as strings and drops the control characters XLSX cannot hold.
Values are in the reader's language and times in the workspace's zone with their
offset (``pantau.wording``).
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from pantau.review.i18n import N_
from pantau.spreadsheet import Sheet, write_workbook
from pantau.tabular import csv_safe
from storage.cleaning import free_text
from pantau.wording import Wording
from storage.queries.review import CASE_COLUMNS, CASE_INTERACTION_COLUMNS

HEADERS = {
    "match_id": N_("Match"), "unit": N_("Unit"), "nip": N_("NIP"), "employee_name": N_("Employee"),
    "position": N_("Position"), "platform": N_("Platform"), "actor_handle": N_("Account"),
    "actor_name": N_("Display name"), "actor_url": N_("Profile link"), "score": N_("Score"),
    "band": N_("Band"), "interactions": N_("Interactions"),
    "first_interaction_at": N_("First interaction"), "last_interaction_at": N_("Last interaction"),
    "reviewer": N_("Reviewer"), "decided_at": N_("Decided at"), "note": N_("Note"),
    "explanation": N_("Why it matched"), "kind": N_("Kind"), "candidate": N_("Candidate"),
    "target_account": N_("Candidate account"), "text": N_("Text"), "url": N_("Link"),
    "post_url": N_("The candidate's post"), "created_at": N_("Time on the platform"),
    "observed_at": N_("Collected"),
}
NUMERIC = {"match_id", "score", "interactions"}
TIMES = {"first_interaction_at", "last_interaction_at", "decided_at", "created_at", "observed_at"}


def _values(r: dict, columns: tuple[str, ...], w: Wording) -> list:
    out = []
    for c in columns:
        v = r.get(c)
        if c in TIMES:
            v = w.time(v)
        elif c == "band":
            v = w.band(v)
        elif c == "kind":
            v = w.kind(v)
        elif c == "explanation":
            v = w.explanation(r.get("features"), v)
        out.append(v)
    return out


def write_csv(rows: Iterable[dict], w: Wording) -> tuple[bytes, int]:
    """UTF-8 with BOM (so Excel reads the accents), formula-safe; returns (bytes, rows)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([w.gettext(HEADERS[c]) for c in CASE_COLUMNS])
    n = 0
    for r in rows:
        # control characters stored before they were cleaned at the door never reach the file
        out.writerow([v if c in NUMERIC and v is not None else csv_safe(free_text(v) if type(v) is str else v)
                      for c, v in zip(CASE_COLUMNS, _values(r, CASE_COLUMNS, w))])
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def write_xlsx(rows: Iterable[dict], interactions: Iterable[dict], w: Wording) -> tuple[bytes, int]:
    """A summary sheet, one sheet per unit, then every interaction of those cases."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["unit"], []).append(r)
    _ = w.gettext
    no_unit = _(N_("(no unit)"))
    numeric = frozenset(i for i, c in enumerate(CASE_COLUMNS) if c in NUMERIC)
    sheets = [Sheet(_(N_("Summary")), [_(HEADERS["unit"]), _(N_("Confirmed cases"))],
                    [[unit or no_unit, len(items)] for unit, items in groups.items()], frozenset({1}))]
    for unit, items in groups.items():
        sheets.append(Sheet(unit or no_unit, [_(HEADERS[c]) for c in CASE_COLUMNS],
                            [_values(r, CASE_COLUMNS, w) for r in items], numeric))
    sheets.append(Sheet(_(N_("Interactions")), [_(HEADERS[c]) for c in CASE_INTERACTION_COLUMNS],
                        (_values(r, CASE_INTERACTION_COLUMNS, w) for r in interactions),
                        frozenset({0})))
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out.getvalue(), sum(len(items) for items in groups.values())
