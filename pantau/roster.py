"""The employee roster: CSV or XLSX exported from a personnel system -> ``Employee`` records.

Personnel files come out of Excel in many shapes; the reader is forgiving about
the shape (encodings, delimiters, header spelling, a title row above the header)
and strict about the content: a NIP that is not 18 digits with a real birth date
in front is refused, row by row, because a wrong NIP would attach a lead to the
wrong person. Good rows are kept; every bad one is reported with its row number.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pantau.errors import InputError
from pantau.matching import normalize
from pantau.tabular import CSVRecords, decode_error, detect_encoding, header_key, sniff_delimiter, too_long
from storage.cleaning import one_line
from storage.queries import audit, savepoint, transaction
from storage.queries import employees as employees_q
from storage.records import Employee, mask_digit_runs, mask_nip

#: field -> accepted header spellings (compared through ``header_key``)
ALIASES: dict[str, tuple[str, ...]] = {
    "nip": ("nip", "nipbaru", "nippegawai", "nipasn", "nomorindukpegawai"),
    "name": ("nama", "name", "namalengkap", "namapegawai", "namaasn", "namapns", "namagelar",
             "namalengkapgelar", "namadangelar", "fullname"),
    "unit": ("unitkerja", "unit", "unitorganisasi", "satuankerja", "satker", "opd", "skpd",
             "perangkatdaerah", "unor", "workunit"),
    "position": ("jabatan", "position", "namajabatan", "jabatanterakhir", "jobtitle"),
    "handles": ("akun", "handles", "akunmediasosial", "akunmedsos", "mediasosial", "medsos", "sosmed",
                "akunsosmed", "socialmedia", "socialmediaaccounts"),
    "rank": ("pangkat", "rank"),
    "grade": ("golongan", "gol", "golru", "golonganruang", "grade"),
    "agency": ("instansi", "namainstansi", "agency"),
    # SIASN-style exports keep the titles apart from the name
    "front_titles": ("gelardepan", "glrdepan", "fronttitle", "fronttitles"),
    "back_titles": ("gelarbelakang", "glrbelakang", "backtitle", "backtitles"),
}
REQUIRED = ("nip", "name", "unit", "position")
_SHOWN = {"nip": "nip", "name": "nama (or name)", "unit": "unit_kerja (or unit)",
          "position": "jabatan (or position)", "handles": "akun (or handles)",
          "rank": "pangkat (or rank)", "grade": "golongan (or grade)", "agency": "instansi (or agency)",
          "front_titles": "gelar_depan", "back_titles": "gelar_belakang"}
_KNOWN = {alias: f for f, aliases in ALIASES.items() for alias in aliases}
_HEADER_SEARCH_ROWS = 20
#: the longest cell kept per column (longer is a broken export, never a real name or unit)
FIELD_LIMITS = {"name": 300, "unit": 500, "position": 500, "handles": 2000}
#: Excel's own limit for a cell; a longer text in a workbook was not written by Excel
XLSX_CELL_MAX = 32_767

_SPACED_NIP = re.compile(r"\d[\d\s-]*\d")        # 19850312 201001 1 001, 19840404-200902-2-003
#: what copying a NIP from a web page or a letter brings along: zero-width characters, a "NIP." label
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_NIP_LABEL = re.compile(r"^nip\s*[.:]?\s*", re.I)
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_DECIMAL = re.compile(r"\d+[.,]\d*")
_EXCEL_HINT = ("Excel stored the NIP as a number and lost digits: format the NIP column as "
               "Text and export the file again")
#: Excel keeps 15 significant digits, so an 18-digit NIP it rounded ends in 000; a real NIP never
#: does (its last three digits are a serial number counted from 001)
_ROUNDED = "000"


@dataclass
class RowError:
    """One rejected row; printed as ``FILE:row N: reason``."""

    file: str
    row: int
    reason: str
    nip: str | None = field(default=None, repr=False, compare=False)   # a good NIP on an otherwise bad row

    def __str__(self) -> str:
        return f"{self.file}:row {self.row}: {self.reason}"


@dataclass
class LineError(RowError):
    """A rejected line of an interaction file; printed as ``FILE:line N: reason``."""

    def __str__(self) -> str:
        return f"{self.file}:line {self.row}: {self.reason}"


@dataclass
class RosterReport:
    file: str
    source: str
    rows: int = 0
    accepted: int = 0
    rejected: list[RowError] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    stored: bool = False
    refused: str | None = None      # why nothing was stored although rows were good (too many deactivated)
    unknown_columns: list[str] = field(default_factory=list)   # header cells Pantau does not read


def parse_nip(value: Any) -> tuple[str | None, str | None]:
    """``(nip, None)`` for a good NIP, ``(None, reason)`` otherwise.

    The reason never holds the whole NIP (logs and terminals only see masked ones).
    """
    if type(value) is str and len(value) == 18 and value.isdigit() and value.isascii():
        s = value                    # the common case, checked fast
        if s.endswith(_ROUNDED):
            return None, _EXCEL_HINT
    else:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, "NIP is empty"
        if isinstance(value, bool):
            return None, "NIP is not a number"
        if isinstance(value, (int, float)):
            return None, _EXCEL_HINT
        # full-width digits and no-break spaces become plain ones (NFKC)
        s = _NIP_LABEL.sub("", _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", str(value))).strip())
        if s.startswith("'"):            # Excel's "treat as text" prefix
            s = s[1:].strip()
        elif s.startswith('="') and s.endswith('"'):   # ="198503..." keeps digits in some exports
            s = s[2:-1].strip()
        if _SCIENTIFIC.fullmatch(s) or _DECIMAL.fullmatch(s):
            return None, _EXCEL_HINT
        if _SPACED_NIP.fullmatch(s):
            s = "".join(s.split()).replace("-", "")
        if not s.isdigit() or not s.isascii():
            return None, "NIP must be 18 digits"
        if len(s) < 18:
            return None, (f"NIP {mask_nip(s)} has {len(s)} digits, expected 18 (if Excel stored the column "
                          "as a number it dropped digits: format the NIP column as Text)")
        if len(s) > 18:
            return None, f"NIP {mask_nip(s)} has {len(s)} digits, expected 18"
        if s.endswith(_ROUNDED):
            return None, _EXCEL_HINT
    if birth_date(s) is None:
        return None, f"NIP {mask_nip(s)}: the first 8 digits are not a valid birth date (YYYYMMDD)"
    return s, None


def birth_date(nip: str) -> str | None:
    """The birth date a NIP starts with, as YYYY-MM-DD, or None when it is not a date."""
    try:
        d = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None
    if d.year < 1900 or d > date.today():
        return None
    return f"{nip[0:4]}-{nip[4:6]}-{nip[6:8]}"


def _text(value: Any) -> str | None:
    """A cell as clean text: numbers without a stray ``.0``, dates as ISO, blanks as None."""
    if type(value) is not str:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime):
            value = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        value = str(value)
    return " ".join((one_line(value) or "").split()) or None


def _handles(value: Any) -> list[str]:
    if not value:
        return []
    out: list[str] = []
    raw = value if isinstance(value, str) else (_text(value) or "")
    for part in re.split(r"[;\r\n]", raw):      # one per line in a cell, or ;-separated
        h = _text(part)
        if h and h not in out:
            out.append(h)
    return out


def _blank(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# --- reading rows -----------------------------------------------------------------------

def _csv_rows(path: Path) -> CSVRecords:
    """``(line number, cells, reason)`` of every record; the number is the record's first physical line.

    A record that cannot be a row (an unclosed quote, bytes in another encoding) comes with a
    reason instead of cells, and reading goes on at the line after it (``tabular.CSVRecords``).
    """
    data = path.read_bytes()
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise InputError("the file is empty", file=str(path))
    encoding = detect_encoding(data[: 1 << 20])
    try:
        text = data.decode(encoding, errors="strict" if encoding == "utf-16" else "surrogateescape")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise decode_error(path, encoding, line) from None
    del data
    lines = text[:1 << 16].splitlines()[:_HEADER_SEARCH_ROWS]
    delimiter = max(lines, key=lambda l: sum(1 for c in re.split(r"[,;\t]", l) if header_key(c) in _KNOWN),
                    default="")
    delimiter = sniff_delimiter(delimiter, _KNOWN)
    return CSVRecords(io.StringIO(text, newline=""), delimiter, encoding=encoding)


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any], str | None]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    check_xlsx_cells(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=str(path)) from None
    try:
        if sheet is None:
            if not wb.worksheets:
                raise InputError("the workbook has no sheets", file=str(path))
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        elif (same := [s for s in wb.sheetnames if s.casefold() == sheet.strip().casefold()]):
            ws = wb[same[0]]              # --sheet data for the sheet "Data"
        else:
            raise InputError(f"no sheet named {sheet!r}; sheets: {', '.join(wb.sheetnames)}", file=str(path))
        if getattr(ws, "reset_dimensions", None):
            ws.reset_dimensions()     # some writers store wrong dimensions; read what is there
        try:
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, list(row), None
        except (SyntaxError, ValueError, TypeError, KeyError) as exc:      # ParseError is a SyntaxError
            raise InputError(f"the sheet {ws.title!r} is damaged and cannot be read "
                             f"({type(exc).__name__}: {str(exc)[:80]}); save it again from Excel, or as CSV",
                             file=str(path)) from None
    finally:
        wb.close()


def check_xlsx_cells(path: Path) -> None:
    """Refuse a workbook holding a text longer than Excel's cell limit, before openpyxl reads it.

    openpyxl keeps every shared string and each cell's text whole in memory, so one
    300 MB cell cost 872 MiB. The sheet and string parts are scanned in 1 MiB pieces
    for a run of text that long (constant memory), which no Excel-written file has.
    """
    import zipfile

    long_text = re.compile(rb">[^<]{%d,}" % (XLSX_CELL_MAX * 4 + 1))    # 4 bytes: the longest UTF-8 character
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not (info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"):
                    continue
                carry = b""
                with z.open(info) as f:
                    while chunk := f.read(1 << 20):
                        block = carry + chunk
                        if long_text.search(block):
                            raise InputError(f"{info.filename} holds a text longer than Excel's {XLSX_CELL_MAX:,}-"
                                             "character cell limit: the workbook was not written by Excel or is "
                                             "damaged; export the roster again", file=str(path))
                        cut = block.rfind(b"<")
                        carry = block[cut:] if cut >= 0 else block[-(XLSX_CELL_MAX * 4 + 1):]
                        if len(carry) > XLSX_CELL_MAX * 4 + 1:
                            carry = carry[-(XLSX_CELL_MAX * 4 + 1):]
    except (zipfile.BadZipFile, OSError, RuntimeError, zipfile.LargeZipFile) as exc:
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=str(path)) from None


def _rows(path: Path, sheet: str | None) -> Iterable[tuple[int, list[Any] | None, str | None]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if suffix == ".xls":
        raise InputError("old .xls workbooks are not read; save it as .xlsx or CSV", file=str(path))
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError("a roster is a .csv or .xlsx file", file=str(path))
    if sheet is not None:
        raise InputError("--sheet only applies to .xlsx workbooks", file=str(path))
    return _csv_rows(path)


def _columns(header: list[Any]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        f = _KNOWN.get(header_key(h))
        if f and f not in cols:
            cols[f] = i
    return cols


def _shown(cell: Any) -> str:
    """A header cell fit for a message: long digit runs masked (a NIP must never be echoed), cut short."""
    return mask_digit_runs(" ".join(str(cell).split()))[:40]


def _unknown(header: list[Any], cols: dict[str, int]) -> list[str]:
    """Header cells no field is read from (unknown names, or a known column given twice)."""
    used = set(cols.values())
    return [_shown(h) for i, h in enumerate(header)
            if i not in used and h is not None and str(h).strip()]


def read_roster(path: Path, *, sheet: str | None = None,
                progress: Callable[[int], None] | None = None) -> tuple[list[Employee], list[RowError]]:
    """Read a roster file into records; rows that cannot be trusted come back as ``RowError``.

    Raises ``InputError`` for what spoils the whole file: not found, empty, unreadable,
    or required columns missing.
    """
    employees, errors, _ = _read_roster(path, sheet=sheet, progress=progress)
    return employees, errors


def _read_roster(path: Path, *, sheet: str | None = None, progress: Callable[[int], None] | None = None
                 ) -> tuple[list[Employee], list[RowError], list[str]]:
    """``read_roster`` plus the header cells that were not read (for the import summary).

    A workbook read without ``--sheet`` whose first sheet has no roster header (a cover
    page, a summary) is read from the first sheet that has one."""
    try:
        return _read_sheet(path, sheet=sheet, progress=progress)
    except InputError as exc:
        workbook = Path(path).suffix.lower() in (".xlsx", ".xlsm")
        if sheet is not None or not workbook or "no header row" not in str(exc):
            raise
        names = _sheet_names(Path(path))
        for other in names[1:]:
            try:
                return _read_sheet(path, sheet=other, progress=progress)
            except InputError as again:
                if "no header row" not in str(again) and "is empty" not in str(again):
                    raise
        if len(names) > 1:
            raise InputError(f"no sheet has a header row with the roster columns in its first "
                             f"{_HEADER_SEARCH_ROWS} rows (sheets: {', '.join(names)}); required: "
                             f"{'; '.join(_SHOWN[f] for f in REQUIRED)}", file=str(path)) from None
        raise


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _read_sheet(path: Path, *, sheet: str | None = None, progress: Callable[[int], None] | None = None
                ) -> tuple[list[Employee], list[RowError], list[str]]:
    path = Path(path)
    name = str(path)
    rows = _rows(path, sheet)
    header: list[Any] | None = None
    cols: dict[str, int] = {}
    first_nonblank: tuple[int, list[Any]] | None = None
    scanned = 0
    employees: list[Employee] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for n, cells, bad in rows:
            if bad is not None:
                errors.append(RowError(name, n, bad))
                continue
            if header is None:
                if _blank(cells):
                    continue
                scanned += 1
                if first_nonblank is None:
                    first_nonblank = (n, cells)
                found = _columns(cells)
                if "nip" in found or scanned >= _HEADER_SEARCH_ROWS:
                    header, cols = cells, found
                    _check_columns(name, cols, cells)
                    if isinstance(rows, CSVRecords):      # now the reader knows what a whole row is
                        rows.width = len(header)
                continue
            if _blank(cells):
                continue
            emp, reason, good_nip = _employee(cells, cols, len(header))
            if emp is not None:
                first = seen.get(emp.nip)
                if first is not None:
                    reason, emp = f"NIP {mask_nip(emp.nip)} repeats row {first}; the first row is kept", None
                else:
                    seen[emp.nip] = n
            if emp is None:
                errors.append(RowError(name, n, reason or "bad row", nip=good_nip))
            else:
                employees.append(emp)
            if progress and (len(employees) + len(errors)) % 10_000 == 0:
                progress(len(employees) + len(errors))
    except UnicodeDecodeError:
        raise decode_error(path, "the detected encoding", None) from None
    if header is None:
        if first_nonblank is None:
            raise InputError("the file is empty", file=name)
        header, cols = first_nonblank[1], _columns(first_nonblank[1])
        _check_columns(name, cols, header)
    if not employees and not errors:
        raise InputError("no employee rows below the header", file=name)
    return employees, errors, _unknown(header, cols)


def _check_columns(name: str, cols: dict[str, int], header: list[Any]) -> None:
    missing = [_SHOWN[f] for f in REQUIRED if f not in cols]
    if not missing:
        return
    if not cols:
        # no known header at all: the row may be data, which must not be echoed (NIPs, names)
        raise InputError(f"no header row with the roster columns in the first {_HEADER_SEARCH_ROWS} rows; "
                         f"required: {'; '.join(_SHOWN[f] for f in REQUIRED)}", file=name)
    found = ", ".join(_shown(h) for h in header if h not in (None, "")) or "nothing"
    raise InputError(f"missing required columns: {'; '.join(missing)} (header has: {found})", file=name)


def _employee(cells: list[Any], cols: dict[str, int],
              width: int) -> tuple[Employee | None, str | None, str | None]:
    """``(employee, None, nip)`` or ``(None, reason, nip if the NIP itself was good)``."""

    n = len(cells)

    def cell(f: str) -> Any:
        i = cols.get(f, n)
        return cells[i] if i < n else None

    nip, reason = parse_nip(cells[cols["nip"]] if cols["nip"] < n else None)
    if nip is None:
        return None, reason, None
    extra = cells[width:]
    if extra and not _blank(extra):
        return None, (f"NIP {mask_nip(nip)}: the row has {len(cells)} cells but the header has {width} "
                      "(a value with an unquoted separator?)"), nip
    name = _text(cell("name"))
    if not name:
        return None, f"NIP {mask_nip(nip)}: the name is empty", nip
    for f, limit in FIELD_LIMITS.items():
        v = cell(f)
        if isinstance(v, str) and (why := too_long(_SHOWN[f].split(" ")[0], v, limit)):
            return None, f"NIP {mask_nip(nip)}: {why}", nip
    norm = normalize.normalise(name)
    if not norm.text:
        return None, f"NIP {mask_nip(nip)}: the name has no letters", nip
    return Employee(
        nip=nip, name=name, name_norm=norm.text, norm_version=normalize.VERSION,
        titles=_titles(cell("front_titles"), norm.titles, cell("back_titles")),
        unit=_text(cell("unit")), position=_text(cell("position")),
        handles=_handles(cell("handles")), birth_date=f"{nip[0:4]}-{nip[4:6]}-{nip[6:8]}",
        rank=_text(cell("rank")), grade=_text(cell("grade")), agency=_text(cell("agency")),
    ), None, nip


def _titles(front: Any, in_name: list[str], back: Any) -> list[str]:
    """The titles of the title columns (``Drs. H.``, ``S. Pd., M.Si.``) around those the name
    writes, read as the normaliser reads titles written in a name; each title once."""
    front_text, back_text = _text(front), _text(back)
    found = (normalize.normalise(f"{front_text} x y").titles if front_text else []) + list(in_name) + (
        normalize.normalise(f"x, {back_text}").titles if back_text else [])
    out: dict[str, str] = {}
    for t in found:
        for key in normalize.title_keys([t]):
            out.setdefault(key, t)
    return list(out.values())


class _TooManyDeactivated(Exception):
    pass


#: fewer deactivations than this never need --force (a small office's turnover is not a cut-off file)
DEACTIVATE_GUARD_MIN = 10


def import_roster(db, path: Path, *, sheet: str | None = None, source: str | None = None,
                  strict: bool = False, progress: Callable[[int], None] | None = None,
                  by: str | None = None, force: bool = False,
                  max_deactivate_share: float = 0.2) -> RosterReport:
    """Read ``path`` and make it the whole of ``source`` in the database.

    Rows are rejected one by one and the good ones stored; with ``strict`` any bad
    row stores nothing. A file with no good row stores nothing either: it would
    otherwise deactivate the whole source. NIPs of rows rejected for reasons other
    than the NIP itself are not deactivated (a typo in a name must not hide the
    person's history). A re-import that would deactivate more than
    ``max_deactivate_share`` of the source's active employees stores nothing unless
    ``force`` (``report.refused`` says why): a cut-off file must not retire an office.
    One transaction: a crash leaves the previous roster intact.
    """
    path = Path(path)
    source = source or path.name
    employees, errors, unknown = _read_roster(path, sheet=sheet, progress=progress)
    report = RosterReport(file=str(path), source=source, rows=len(employees) + len(errors),
                          accepted=len(employees), rejected=errors, unknown_columns=unknown)
    keep = {e.nip for e in errors if e.nip}
    with transaction(db):
        if employees and not (strict and errors):
            for e in employees:
                e.source = source
            before = employees_q.active_count(db, source)
            try:
                with savepoint(db):
                    res = employees_q.replace_source(db, employees, source, keep=keep)
                    if (not force and res.deactivated >= DEACTIVATE_GUARD_MIN
                            and res.deactivated > max_deactivate_share * before):
                        raise _TooManyDeactivated()
            except _TooManyDeactivated:
                report.refused = (f"the file would deactivate {res.deactivated:,} of the {before:,} active employees "
                                  f"of source {source!r} (more than {max_deactivate_share:.0%}, [roster] "
                                  "max_deactivate_share); nothing stored. Check that the file is whole, or "
                                  "run again with --force")
            else:
                report.inserted, report.updated = res.inserted, res.updated
                report.unchanged, report.deactivated = res.unchanged, res.deactivated
                report.stored = True
        audit.write(db, "roster.import", user=by, object_type="roster", object_id=source, detail={
            "file": path.name, "source": source, "rows": report.rows, "accepted": report.accepted,
            "rejected": len(errors), "inserted": report.inserted, "updated": report.updated,
            "unchanged": report.unchanged, "deactivated": report.deactivated, "strict": strict,
            "stored": report.stored, "unknown_columns": unknown, "force": force,
            "refused": bool(report.refused)})
    return report
