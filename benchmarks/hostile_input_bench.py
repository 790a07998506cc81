"""Time and peak memory of the readers on hostile files (#17.15): they must stay bounded.

Runs the real CLI in a child process per case and reports its wall time, exit status, first
error line and peak resident memory (``getrusage`` of the child):

- a 10 MB watchlist (refused by size before parsing; before the fix: 88 s, 1 GiB);
- the largest watchlist still read (just under the 256 KiB limit);
- an XLSX roster with one 300 MB cell (refused by a streaming scan; before: 872 MiB);
- a CSV roster of 20,000 rows with an unclosed quote on row 3 (before: 998 employees deactivated);
- a JSONL of 200,000 lines with one byte that is not UTF-8.

    .venv/bin/python benchmarks/hostile_input_bench.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pantau.workspace import create_workspace  # noqa: E402


#: a fresh measuring process per case: RUSAGE_CHILDREN keeps the largest child ever waited for
_MEASURE = ("import resource, subprocess, sys\n"
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stderr.write(r.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.exit(r.returncode)\n")


def run(ws: Path, *args: str) -> tuple[float, int, str, float]:
    """(seconds, exit status, last stderr line, peak MiB of the pantau process)."""
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "pantau", "--workspace", str(ws),
                        *args], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "PANTAU_WORKSPACE"})
    secs = time.monotonic() - t0
    last = (p.stderr.strip().splitlines() or [""])[-1][:150]
    return secs, p.returncode, last, int(p.stdout.strip().splitlines()[-1]) / 1024


def watchlist(path: Path, target_bytes: int) -> None:
    entry = "  - name: Calon {i}\n    accounts:\n      - platform: mastodon\n        handle: '@c{i}@m.example'\n"
    parts, size, i = ["election: x\ncandidates:\n"], 0, 0
    while size < target_bytes:
        e = entry.format(i=i)
        parts.append(e)
        size += len(e)
        i += 1
    path.write_text("".join(parts), encoding="utf-8")


def xlsx_with_huge_cell(path: Path, cell_bytes: int) -> None:
    from openpyxl import Workbook
    small = path.with_suffix(".small.xlsx")
    wb = Workbook()
    wb.active.append(["nip", "nama", "unit_kerja", "jabatan"])
    wb.active.append(["198503122010011001", "MARKER", "Dinas", "Staf"])
    wb.save(small)
    with zipfile.ZipFile(small) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"MARKER")
                with zout.open(item.filename, "w", force_zip64=True) as f:
                    f.write(head)
                    chunk = b"x" * (1 << 20)
                    for _ in range(cell_bytes >> 20):
                        f.write(chunk)
                    f.write(tail)
            else:
                zout.writestr(item, data)
    small.unlink()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = create_workspace(tmp / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        print(f"{'case':<52} {'seconds':>8} {'exit':>5} {'peak MiB':>9}  message")
        cases = []

        watchlist(ws / "watchlists" / "big.yaml", 10_000_000)
        cases.append(("10 MB watchlist (pantau watchlist validate)", ("watchlist", "validate")))
        rows = []
        for label, args in cases:
            rows.append((label, *run(ws, *args)))
        (ws / "watchlists" / "big.yaml").unlink()

        watchlist(ws / "watchlists" / "max.yaml", 250 * 1024)
        rows.append(("250 KiB watchlist, the largest read", *run(ws, "watchlist", "validate")))
        (ws / "watchlists" / "max.yaml").unlink()

        x = tmp / "huge-cell.xlsx"
        xlsx_with_huge_cell(x, 300 << 20)
        rows.append((f"XLSX roster, one 300 MB cell ({x.stat().st_size >> 10:,} KiB zipped)",
                     *run(ws, "roster", "import", str(x))))

        roster = tmp / "quote.csv"
        with roster.open("w") as f:
            f.write("nip,nama,unit_kerja,jabatan\n")
            for i in range(20_000):
                q = '"' if i == 1 else ""
                f.write(f"1980{1 + i % 12:02d}{1 + i % 28:02d}2005{1 + i % 12:02d}1{1 + i % 999:03d},"
                        f"{q}Pegawai {i},Dinas {i % 50},Staf\n")
        rows.append(("CSV roster 20,000 rows, unclosed quote on row 3", *run(ws, "roster", "import", str(roster))))

        j = tmp / "mixed.jsonl"
        with j.open("wb") as f:
            for i in range(200_000):
                name = b"Andr\xe9s" if i == 150_000 else "Andrés".encode()
                f.write(b'{"platform":"x","kind":"like","target_account":"calon","actor_handle":"u%d",'
                        b'"actor_name":"%s","post_id":"p1"}\n' % (i, name))
        rows.append(("JSONL 200,000 lines, one non-UTF-8 byte at 150,001", *run(ws, "import", str(j))))

        for label, secs, rc, msg, peak in rows:
            print(f"{label:<52} {secs:>8.2f} {rc:>5} {peak:>9.0f}  {msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
