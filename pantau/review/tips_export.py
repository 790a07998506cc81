"""The admin's own export of citizen reports (CSV, XLSX): the one place contact details leave the app.

Every cell is stranger-written text: CSV cells that a spreadsheet would run as a
formula get a leading ``'``; XLSX goes through the one writer (``pantau.spreadsheet``), which
stores text cells as strings and drops the control characters XLSX cannot hold. Times are
written as every export writes them: ISO 8601 in ``[schedule] timezone`` with the offset.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable
from zoneinfo import ZoneInfo

from pantau.review.i18n import N_
from pantau.review.labels import TIP_STATUS, TIP_VERDICT
from pantau.review.reports import csv_safe
from pantau.spreadsheet import Sheet, write_workbook
from pantau.wording import iso_local

MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
COLUMNS = {
    "id": N_("Report"), "code": N_("Receipt code"), "received_at": N_("Received"), "status": N_("Status"),
    "verdict": N_("Decision"), "duplicate_of": N_("Duplicate of"), "links": N_("Links"),
    "person_name": N_("Name given"), "person_nip": N_("NIP given"), "person_unit": N_("Unit given"),
    "what": N_("What happened"), "contact": N_("Reporter's contact"), "nip": N_("NIP"),
    "employee_name": N_("Employee"), "images": N_("Images"), "reviewer": N_("Reviewer"), "note": N_("Note"),
    "updated_at": N_("Updated"),
}
NUMERIC = {"id", "duplicate_of", "images"}
TIMES = ("received_at", "updated_at")


def _words(rows: Iterable[dict], translate, tz: ZoneInfo):
    """Stored codes (status, decision) in the reader's language, stored UTC times in the office's zone."""
    for r in rows:
        for c in TIMES:
            r[c] = iso_local(r[c], tz) or r[c]
        r["status"] = translate(TIP_STATUS[r["status"]]) if r["status"] in TIP_STATUS else r["status"]
        r["verdict"] = translate(TIP_VERDICT[r["verdict"]]) if r["verdict"] in TIP_VERDICT else r["verdict"]
        yield r


def write(rows: Iterable[dict], fmt: str, translate, tz: ZoneInfo) -> tuple[bytes, int]:
    """The reports as one CSV or XLSX file and how many rows it holds."""
    header = [translate(v) for v in COLUMNS.values()]
    rows = _words(rows, translate, tz)
    n = 0
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r[c] if c in NUMERIC and r[c] is not None else csv_safe(r[c]) for c in COLUMNS])
            n += 1
        return ("\ufeff" + buf.getvalue()).encode("utf-8"), n
    out = io.BytesIO()
    numeric = frozenset(i for i, c in enumerate(COLUMNS) if c in NUMERIC)
    counts = write_workbook(out, [Sheet(translate(N_("Citizen reports")), header,
                                        ([r[c] for c in COLUMNS] for r in rows), numeric)])
    return out.getvalue(), sum(counts.values())
