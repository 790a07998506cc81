"""The roster reader's reasons (English sentences for terminals) in the reader's language.

``pantau.roster`` reports each rejected row, and a file it refuses as a whole, with a reason
written for the command line. The admin screen shows the same report; these tables turn each
known reason into a catalogue message with the same parameters. A reason without an entry is
shown as written.
"""

from __future__ import annotations

import re
from typing import Callable

from pantau.review.i18n import N_

_NIP = r"(?P<nip>\*+\d{1,4})"
REASONS: list[tuple[re.Pattern, str]] = [(re.compile(p), m) for p, m in (
    (r"NIP is empty", N_("NIP is empty")),
    (r"NIP is not a number", N_("NIP is not a number")),
    (r"Excel stored the NIP as a number and lost digits.*",
     N_("Excel stored the NIP as a number and lost digits: format the NIP column as Text and export the file again")),
    (r"NIP must be 18 digits", N_("NIP must be 18 digits")),
    (rf"NIP {_NIP} has (?P<n>\d+) digits, expected 18.*", N_("NIP %(nip)s has %(n)s digits, expected 18")),
    (rf"NIP {_NIP}: the first 8 digits are not a valid birth date.*",
     N_("NIP %(nip)s: the first 8 digits are not a valid birth date (YYYYMMDD)")),
    (rf"NIP {_NIP} repeats row (?P<row>\d+); the first row is kept",
     N_("NIP %(nip)s repeats row %(row)s; the first row is kept")),
    (rf"NIP {_NIP}: the name is empty", N_("NIP %(nip)s: the name is empty")),
    (rf"NIP {_NIP}: the name has no letters", N_("NIP %(nip)s: the name has no letters")),
    (rf"NIP {_NIP}: the row has (?P<cells>\d+) cells but the header has (?P<width>\d+).*",
     N_("NIP %(nip)s: the row has %(cells)s cells but the header has %(width)s (a value with an unquoted separator?)")),
)]


def translate(reason: str, gettext: Callable[[str], str]) -> str:
    for pattern, message in REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return gettext(message) % m.groupdict()
    return reason


#: reasons a whole file is refused (``InputError`` of ``pantau.roster``, ``ImportReport.refused``)
FILE_REASONS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.S), m) for p, m in (
    (r"the file is empty", N_("the file is empty")),
    (r"no employee rows below the header", N_("no employee rows below the header")),
    (r"no header row with the roster columns in the first (?P<n>\d+) rows; required: (?P<required>.*)",
     N_("no header row with the roster columns in the first %(n)s rows; required: %(required)s")),
    (r"no sheet has a header row with the roster columns in its first (?P<n>\d+) rows \(sheets: (?P<sheets>.*)\); "
     r"required: (?P<required>.*)",
     N_("no sheet has a header row with the roster columns in its first %(n)s rows (sheets: %(sheets)s); "
        "required: %(required)s")),
    (r"missing required columns: (?P<missing>.*) \(header has: (?P<found>.*)\)",
     N_("missing required columns: %(missing)s (the header has: %(found)s)")),
    (r"cannot be read as (?P<encoding>.+) text \(mixed encodings\?\); save it again as UTF-8 CSV",
     N_("cannot be read as %(encoding)s text (mixed encodings?); save it again as UTF-8 CSV")),
    (r"not a readable \.xlsx workbook \((?P<error>\w+)\)", N_("not a readable .xlsx workbook (%(error)s)")),
    (r"the workbook has no sheets", N_("the workbook has no sheets")),
    (r"no sheet named (?P<sheet>.+); sheets: (?P<sheets>.*)", N_("no sheet named %(sheet)s; sheets: %(sheets)s")),
    (r"the sheet (?P<sheet>.+) is damaged and cannot be read \((?P<error>.*)\); save it again from Excel, or as CSV",
     N_("the sheet %(sheet)s is damaged and cannot be read (%(error)s); save it again from Excel, or as CSV")),
    (r"(?P<part>\S+) holds a text longer than Excel's (?P<max>[\d,]+)-character cell limit.*",
     N_("%(part)s holds a text longer than Excel's %(max)s-character cell limit: the workbook was not written "
        "by Excel or is damaged; export the roster again")),
    (r"old \.xls workbooks are not read; save it as \.xlsx or CSV",
     N_("old .xls workbooks are not read; save it as .xlsx or CSV")),
    (r"a roster is a \.csv or \.xlsx file", N_("A roster is a .csv or .xlsx file.")),
    (r"the file would deactivate (?P<n>[\d,]+) of the (?P<total>[\d,]+) active employees of source (?P<source>.+) "
     r"\(more than (?P<share>\d+%), \[roster\] max_deactivate_share\); nothing stored\..*",
     N_("the file would deactivate %(n)s of the %(total)s active employees of source %(source)s (more than "
        "%(share)s, [roster] max_deactivate_share); nothing stored. Check that the file is whole, or import it "
        "with pantau roster import --force")),
)]
#: the column names in those reasons say "nama (or name)"
OR = N_("or")


def translate_file(reason: str, gettext: Callable[[str], str]) -> str:
    """A whole file's refusal (without the file name in front) in the reader's language."""
    for pattern, message in FILE_REASONS:
        m = pattern.fullmatch(reason)
        if m:
            params = {k: v.replace("(or ", f"({gettext(OR)} ") for k, v in m.groupdict().items()}
            return gettext(message) % params
    return reason
