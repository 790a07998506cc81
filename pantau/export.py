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
from typing import TYPE_CHECKING, Iterable, Iterator, TextIO

from pantau.errors import PantauError, UsageError
from pantau.tabular import csv_safe
from pantau.times import DEFAULT_TIMEZONE, local_iso, zone
from storage.cleaning import free_text
from storage.queries import audit, transaction
from storage.queries import interactions as interactions_q
from storage.queries import matches as matches_q
from storage.records import MATCH_STATUSES

if TYPE_CHECKING:
    from pantau.wording import Wording

__all__ = ["FORMATS", "WHAT", "check_folder", "csv_safe", "export", "export_interactions", "export_matches"]

FORMATS = ("csv", "jsonl", "xlsx")
WHAT = ("matches", "interactions")
_NUMERIC = {"match_id", "score", "interactions", "run_id"}    # our own numbers stay numbers in XLSX
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


def _zone_name(tz: str | None, wording: "Wording | None") -> str:
    """The zone of exported times: ``tz``, else the wording's, else the default ``[schedule] timezone``."""
    return tz or (wording.tz.key if wording is not None else DEFAULT_TIMEZONE)


def _wording(wording: "Wording | None", tz: str) -> "Wording":
    """The words of an export: given, else the default language in ``tz``."""
    if wording is not None:
        return wording
    from pantau.config import ReviewConfig
    from pantau.wording import Wording
    return Wording(ReviewConfig().language, zone(tz))


def export_matches(db, fmt: str, out: Path | None, *, status: str | None = None,
                   tz: str | None = None, wording: "Wording | None" = None) -> int:
    """Write match candidates (optionally of one status); returns the number of rows.

    The evidence column is rendered in ``wording``'s language in every format. An
    XLSX workbook is for people: statuses, bands and kinds in that language, and a
    second sheet with every interaction of the exported accounts. CSV and JSON Lines
    keep the stored codes (scripts read them). Times are in ``tz`` with their offset.
    """
    if status is not None and status not in MATCH_STATUSES:
        raise UsageError(f"unknown status {status!r} (one of {', '.join(MATCH_STATUSES)})")
    _check(fmt, out)
    tz = _zone_name(tz, wording)
    w = _wording(wording, tz)
    cols = matches_q.EXPORT_COLUMNS
    rows = _local_times((_with_evidence(r, w) for r in matches_q.for_export(db, status=status)), cols, tz)
    if fmt == "xlsx":
        icols = matches_q.INTERACTION_COLUMNS
        sheets = [
            _sheet("matches", cols, (_for_people(r, w) for r in rows)),
            _sheet("interactions", icols, (_for_people(r, w) for r in _local_times(
                matches_q.interactions_for_export(db, status=status), icols, tz))),
        ]
        with private_file(out, binary=True) as f:
            n = _workbook(f, sheets)["matches"]
    else:
        n = _write(fmt, out, cols, rows, "matches")
    _audit(db, "matches", fmt, out, n, status)
    return n


def export_interactions(db, fmt: str, out: Path | None, *, tz: str | None = None,
                        wording: "Wording | None" = None) -> int:
    """Write all interactions in the import format plus ``observed_at`` and ``run_id``.

    CSV and JSON Lines import again unchanged; XLSX shows kinds in ``wording``'s language.
    """
    _check(fmt, out)
    tz = _zone_name(tz, wording)
    cols = interactions_q.EXPORT_COLUMNS
    rows = _local_times(interactions_q.for_export(db), cols, tz)
    if fmt == "xlsx":
        w = _wording(wording, tz)
        rows = (_for_people(r, w) for r in rows)
    n = _write(fmt, out, cols, rows, "interactions")
    _audit(db, "interactions", fmt, out, n, None)
    return n


def export(db, what: str, fmt: str, out: Path | None, *, status: str | None = None,
           tz: str | None = None, wording: "Wording | None" = None) -> int:
    """``pantau export WHAT``: the one function the command calls."""
    if what not in WHAT:
        raise UsageError(f"unknown export {what!r} (matches or interactions)")
    if what == "matches":
        return export_matches(db, fmt, out, status=status, tz=tz, wording=wording)
    if status is not None:
        raise UsageError("--status applies to matches only")
    return export_interactions(db, fmt, out, tz=tz, wording=wording)


def _with_evidence(r: dict, w: "Wording") -> dict:
    r = dict(r)
    r["explanation"] = w.explanation(r.get("features"), r.get("explanation"))
    return r


def _for_people(r: dict, w: "Wording") -> dict:
    """Codes as words (times are already local), for a workbook people read."""
    if "status" in r:
        r["status"] = w.status(r["status"])
    if "band" in r:
        r["band"] = w.band(r["band"])
    if "kind" in r:
        r["kind"] = w.kind(r["kind"])
    return r


def _sheet(title: str, columns: tuple[str, ...], rows: Iterable[dict]):
    from pantau.spreadsheet import Sheet
    numeric = frozenset(i for i, c in enumerate(columns) if c in _NUMERIC)
    return Sheet(title, columns, ([r.get(c) for c in columns] for r in rows), numeric)


def _workbook(f, sheets) -> dict[str, int]:
    from pantau.spreadsheet import write_workbook
    return write_workbook(f, sheets)


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
        with private_file(out, binary=True) as f:
            return _xlsx(f, columns, rows, sheet)
    if out is None:
        return (_csv if fmt == "csv" else _jsonl)(sys.stdout, columns, rows)
    # a BOM lets Excel recognise UTF-8 (names with accents); pantau import reads it too
    with private_file(out, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as f:
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
    return _workbook(f, [_sheet(title, columns, rows)])[title]


def check_folder(out: Path) -> None:
    """The folder ``out`` goes in must exist: a missing one is an error (exit 1), not a wrong command."""
    if not Path(out).parent.is_dir():
        raise PantauError(f"{Path(out).parent}: no such folder")


@contextmanager
def private_file(out: Path, *, binary: bool = False, encoding: str = "utf-8") -> Iterator:
    """A file only its owner can read, that appears under its name only once complete."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name to --out")
    check_folder(out)
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
