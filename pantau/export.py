"""Matches and interactions -> CSV, JSON Lines or XLSX with the fixed columns of docs/export.md.

Exported text was written by strangers and will be opened in spreadsheets: XLSX
text cells are written as strings (never formulas) and CSV cells that a
spreadsheet would run get a leading ``'`` (``csv_safe``), which ``pantau import``
removes again. Files hold personal data, so they are created private (0600) and
appear whole or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from pantau.errors import UsageError
from pantau.tabular import csv_safe
from pantau.times import DEFAULT_TIMEZONE, local_iso
from storage.cleaning import free_text
from storage.queries import audit, transaction
from storage.queries import interactions as interactions_q
from storage.queries import matches as matches_q
from storage.records import MATCH_STATUSES

__all__ = ["FORMATS", "WHAT", "csv_safe", "export", "export_interactions", "export_matches"]

FORMATS = ("csv", "jsonl", "xlsx")
WHAT = ("matches", "interactions")
XLSX_MAX_ROWS = 1_048_576       # rows per sheet in Excel; more continue on the next sheet
#: columns holding times: written in one form, ISO 8601 in ``[schedule] timezone`` with its offset
TIME_COLUMNS = frozenset({"created_at", "observed_at", "first_interaction_at", "last_interaction_at",
                          "decided_at"})


def _local_times(rows: Iterable[dict], columns: tuple[str, ...], tz: str) -> Iterator[dict]:
    cols = [c for c in columns if c in TIME_COLUMNS]
    for r in rows:
        r = dict(r)
        for c in cols:
            r[c] = local_iso(r.get(c), tz)
        yield r


def export_matches(db, fmt: str, out: Path | None, *, status: str | None = None,
                   tz: str = DEFAULT_TIMEZONE) -> int:
    """Write match candidates (optionally of one status); returns the number of rows."""
    if status is not None and status not in MATCH_STATUSES:
        raise UsageError(f"unknown status {status!r} (one of {', '.join(MATCH_STATUSES)})")
    _check(fmt, out)
    cols = matches_q.EXPORT_COLUMNS
    n = _write(fmt, out, cols, _local_times(matches_q.for_export(db, status=status), cols, tz), "matches")
    _audit(db, "matches", fmt, out, n, status)
    return n


def export_interactions(db, fmt: str, out: Path | None, *, tz: str = DEFAULT_TIMEZONE) -> int:
    """Write all interactions in the import format plus ``observed_at`` and ``run_id``."""
    _check(fmt, out)
    cols = interactions_q.EXPORT_COLUMNS
    n = _write(fmt, out, cols, _local_times(interactions_q.for_export(db), cols, tz), "interactions")
    _audit(db, "interactions", fmt, out, n, None)
    return n


def export(db, what: str, fmt: str, out: Path | None, *, status: str | None = None,
           tz: str = DEFAULT_TIMEZONE) -> int:
    """``pantau export WHAT``: the one function the command calls."""
    if what not in WHAT:
        raise UsageError(f"unknown export {what!r} (matches or interactions)")
    if what == "matches":
        return export_matches(db, fmt, out, status=status, tz=tz)
    if status is not None:
        raise UsageError("--status applies to matches only")
    return export_interactions(db, fmt, out, tz=tz)


def _check(fmt: str, out: Path | None) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "xlsx" and out is None:
        raise UsageError("xlsx needs --out FILE (a workbook cannot go to the terminal)")


def _audit(db, what: str, fmt: str, out: Path | None, rows: int, status: str | None) -> None:
    with transaction(db):
        audit.write(db, "export", object_type=what, detail={
            "format": fmt, "rows": rows, "status": status, "out": str(out) if out else "stdout"})


# --- writers ------------------------------------------------------------------------------

def _write(fmt: str, out: Path | None, columns: tuple[str, ...], rows: Iterable[dict], sheet: str) -> int:
    if fmt == "xlsx":
        with _private_file(out, binary=True) as f:
            return _xlsx(f, columns, rows, sheet)
    if out is None:
        return (_csv if fmt == "csv" else _jsonl)(sys.stdout, columns, rows)
    # a BOM lets Excel recognise UTF-8 (names with accents); pantau import reads it too
    with _private_file(out, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as f:
        return (_csv if fmt == "csv" else _jsonl)(f, columns, rows)


def _csv(f: TextIO, columns: tuple[str, ...], rows: Iterable[dict]) -> int:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(columns)
    n = 0
    for r in rows:
        w.writerow([csv_safe(_plain(r.get(c))) for c in columns])
        n += 1
    return n


def _plain(value):
    """Text without control characters (line breaks and tabs kept): what the importers store, and
    what a terminal may show when the export goes to stdout (no escape sequences)."""
    return free_text(value) if type(value) is str else value


def _jsonl(f: TextIO, columns: tuple[str, ...], rows: Iterable[dict]) -> int:
    n = 0
    for r in rows:
        f.write(json.dumps({c: _plain(r.get(c)) for c in columns}, ensure_ascii=False, separators=(",", ":")))
        f.write("\n")
        n += 1
    return n


def _xlsx(f, columns: tuple[str, ...], rows: Iterable[dict], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)

    def new_sheet(k: int):
        ws = wb.create_sheet(title if k == 1 else f"{title} ({k})")
        ws.freeze_panes = "A2"
        ws.append(list(columns))
        return ws

    def cell(ws, v):
        if v is None or isinstance(v, (int, float)) and not isinstance(v, bool):
            return v                       # our own numbers (ids, scores, counts) stay numbers
        c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(v)))
        c.data_type = "s"                  # text, even when it starts with '=': never a formula
        return c

    sheets, ws, in_sheet, n = 1, new_sheet(1), 1, 0
    for r in rows:
        if in_sheet >= XLSX_MAX_ROWS:
            sheets += 1
            ws, in_sheet = new_sheet(sheets), 1
        ws.append([cell(ws, r.get(c)) for c in columns])
        in_sheet += 1
        n += 1
    wb.save(f)
    return n


@contextmanager
def _private_file(out: Path, *, binary: bool = False, encoding: str = "utf-8") -> Iterator:
    """A file only its owner can read, that appears under its name only once complete."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name to --out")
    if not out.parent.exists():
        raise UsageError(f"{out.parent}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)   # mode 0600
    try:
        if binary:
            with os.fdopen(fd, "wb") as f:
                yield f
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
                yield f
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
