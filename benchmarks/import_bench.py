"""Speed and memory of `pantau roster import` and `pantau import` on generated files.

Generates (fixed seed) a roster CSV and a JSON Lines interaction file under
benchmarks/.cache/ (git-ignored), imports each through the real CLI in a child
process of a fresh workspace, and prints wall time, rate and the child's peak
RSS against the targets:

    roster of 100,000 rows          < 10 s
    1,000,000 interaction lines     >= 50,000 lines/s
    peak memory                     < 1 GiB

Usage: .venv/bin/python benchmarks/import_bench.py [--rows N] [--lines N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Eko", "Sri", "Ahmad", "Nur", "Rina", "Hendra", "Wahyu", "Yuni",
         "Muhammad", "Dian", "Fitri", "Joko", "Rudi", "Ani", "Bambang", "Lestari", "Teguh", "Indah"]
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kurniawan", "Setiawan", "Pratama",
        "Nugroho", "Rahmawati", "Susanto", "Purnomo", "Siregar", "Nasution", "Harahap", "Simanjuntak"]
TITLES_FRONT = ["", "", "", "Drs. ", "Dr. ", "Ir. ", "H. ", "Hj. "]
TITLES_BACK = ["", "", "", ", S.Pd.", ", S.E.", ", M.Si.", ", A.Md.", ", S.Kom., M.T."]
UNITS = ["Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM", "Sekretariat Daerah", "Dinas PUPR", "Inspektorat"]
POSITIONS = ["Analis Kebijakan", "Guru Ahli Muda", "Perawat", "Kepala Seksi", "Pengadministrasi Umum"]
PLATFORMS = ["instagram", "tiktok", "x", "facebook"]


def write_roster(path: Path, rows: int, rng: random.Random) -> None:
    used = set()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("NIP;Nama;Unit Kerja;Jabatan;Akun\n")
        while len(used) < rows:
            born = f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            nip = f"{born}{rng.randint(1985, 2024)}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
            if nip in used:
                continue
            used.add(nip)
            name = f"{rng.choice(TITLES_FRONT)}{rng.choice(FIRST)} {rng.choice(LAST)}{rng.choice(TITLES_BACK)}"
            handle = f"{name.split()[-1].lower().strip(',.')}{rng.randint(1, 999)}" if rng.random() < 0.1 else ""
            f.write(f'{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]};"{name}";{rng.choice(UNITS)};'
                    f'{rng.choice(POSITIONS)};{handle}\n')


def write_interactions(path: Path, lines: int, rng: random.Random) -> None:
    actors = max(lines // 5, 1)
    targets = [f"calon{i}" for i in range(40)]
    kinds = ["like"] * 5 + ["comment"] * 3 + ["reply", "repost", "quote", "follow"]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(lines):
            platform = PLATFORMS[i % len(PLATFORMS)]
            a = rng.randrange(actors)
            kind = rng.choice(kinds)
            rec = {"platform": platform, "kind": kind, "target_account": rng.choice(targets),
                   "actor_handle": f"user{a}", "actor_name": f"{FIRST[a % len(FIRST)]} {LAST[a % len(LAST)]}",
                   "created_at": f"2029-0{1 + i % 9}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z"}
            if kind != "follow":
                rec["post_id"] = f"p{rng.randrange(2000)}"
                rec["post_url"] = f"https://{platform}.example/p/{rec['post_id']}"
            if kind in ("comment", "reply", "quote"):
                rec["text"] = f"Semangat terus pak, salam dari kami nomor {i}"
                if i % 10:
                    rec["interaction_id"] = f"c{i}"
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def run_cli(args: list[str], workspace: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """See ``_run_cli``; also remembers the child's CPU seconds in ``LAST_CPU``."""
    return _run_cli(args, workspace)


LAST_CPU = [0.0]


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (the importer parses in a child)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _run_cli(args: list[str], workspace: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run pantau in a child; wall seconds and the peak RSS (MiB) of its whole process tree.

    The tree's RSS is sampled every 50 ms and summed over processes; the largest single
    process's own peak (wait4) is taken too, and the larger of the two is reported.
    """
    out, err = CACHE / "stdout.txt", CACHE / "stderr.txt"
    peak = 0
    with open(out, "w") as fo, open(err, "w") as fe:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(workspace), *args],
                                 stdout=fo, stderr=fe)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.05)
        secs = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    proc = subprocess.CompletedProcess(args, child.returncode, out.read_text(), err.read_text())
    return secs, max(peak / 2**20, usage.ru_maxrss / 1024), proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20290214)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f} at start "
          "(wall times on a busy machine overstate; cpu = user+system seconds of pantau and its parsing process;\n         peak RSS = the whole process tree)")

    CACHE.mkdir(exist_ok=True)
    rng = random.Random(args.seed)
    roster = CACHE / f"roster-{args.rows}-{args.seed}.csv"
    inter = CACHE / f"interactions-{args.lines}-{args.seed}.jsonl"
    t0 = time.perf_counter()
    if not roster.exists():
        write_roster(roster, args.rows, rng)
    if not inter.exists():
        write_interactions(inter, args.lines, rng)
    print(f"seed {args.seed}; files in {CACHE} ({time.perf_counter() - t0:.1f} s to generate): "
          f"{roster.name} {roster.stat().st_size / 2**20:.1f} MiB, {inter.name} {inter.stat().st_size / 2**20:.1f} MiB")

    ws = CACHE / "workspace"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pantau", "init", str(ws)], check=True, capture_output=True)

    ok = True
    secs, peak, p = run_cli(["roster", "import", str(roster)], ws)
    ok &= p.returncode == 0 and secs < 10 and peak < 1024
    print(f"roster import   {args.rows:>9,} rows   {secs:6.1f} s  {args.rows / secs:>9,.0f} rows/s  "
          f"cpu {LAST_CPU[0]:5.1f} s  peak RSS {peak:6.0f} MiB   target < 10 s, < 1024 MiB   exit {p.returncode}")
    if p.returncode:
        print(p.stderr[-2000:])
    secs, peak, p = run_cli(["roster", "import", str(roster)], ws)
    print(f"roster re-import{args.rows:>9,} rows   {secs:6.1f} s  (all unchanged)  "
          f"cpu {LAST_CPU[0]:5.1f} s  peak RSS {peak:6.0f} MiB   exit {p.returncode}")

    secs, peak, p = run_cli(["import", str(inter)], ws)
    rate = args.lines / secs
    ok &= p.returncode == 0 and rate >= 50_000 and peak < 1024
    print(f"import          {args.lines:>9,} lines  {secs:6.1f} s  {rate:>9,.0f} lines/s  "
          f"cpu {LAST_CPU[0]:5.1f} s  peak RSS {peak:6.0f} MiB   target >= 50,000 lines/s, < 1024 MiB   "
          f"exit {p.returncode}")
    print("   ", p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr[-2000:])
    secs, peak, p = run_cli(["import", str(inter)], ws)
    print(f"import again    {args.lines:>9,} lines  {secs:6.1f} s  {args.lines / secs:>9,.0f} lines/s  "
          f"cpu {LAST_CPU[0]:5.1f} s  peak RSS {peak:6.0f} MiB   exit {p.returncode}")
    print("   ", p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr[-2000:])
    db = ws / "data" / "pantau.db"
    print(f"database {db.stat().st_size / 2**20:.0f} MiB; targets {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
