"""The roster reader's reasons (English sentences for terminals) in the reader's language.

``pantau.roster`` reports each rejected row with a reason written for the command line. The
admin screen shows the same row-by-row report; this table turns each known reason into a
catalogue message with the same parameters. A reason without an entry is shown as written.
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
