"""The sample roster that goes with the sandbox world of the same seed.

About 300 fictional civil servants in the shape personnel systems export: Indonesian
headers, semicolons, valid 18-digit NIPs that start with the birth date, names with
titles, upper case and old spellings, and a few known handles. Some of them run
sandbox accounts under other spellings; some share their name with a stranger.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pantau.sandbox import names
from pantau.sandbox.data import employee_account, employee_picks

HEADERS = ["NIP", "NAMA", "UNIT KERJA", "JABATAN", "AKUN"]


def sample_employees(seed: int = 1) -> list[names.Employee]:
    """The roster's employees, with the handles the personnel system knows filled in."""
    employees = names.employees(seed)
    own, _ = employee_picks(seed, len(employees))
    for i in own:
        _name, stem, _bio, known = employee_account(seed, employees[i])
        if known:
            employees[i].handles.append(stem)
    return employees


def write_sample_roster(path: Path, seed: int = 1) -> int:
    """Write the sample roster as CSV (UTF-8, ``;``-separated, Indonesian headers). Returns the row count."""
    employees = sample_employees(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(HEADERS)
        for i, e in enumerate(employees):
            nip = e.nip
            if i % 10 == 3:      # the spaced form personnel letters use: 19850312 201001 1 001
                nip = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
            w.writerow([nip, e.roster_name, e.unit, e.position, ";".join(e.handles)])
    return len(employees)
