"""Crawl benchmark: the API spiders against the sandbox, end to end through `pantau crawl`.

Prints interactions stored per second for the first (full) crawl of the API
sources (Mastodon, Bluesky, YouTube by default; ``--platforms x`` for the X API
v2 spider, with an Enterprise-level sandbox token so followers are listed too)
and the time of a no-change re-crawl as a fraction of the first. Targets: >= 2,000 interactions/s; re-crawl < 10%.
The fraction is printed twice: end to end (the whole ``pantau crawl`` command) and for the
crawl phase alone (the child's spiders running, from its ``crawled in`` log line), since
starting Python and Scrapy costs the same fixed 0.3-0.4 s for any crawl. The target is
judged on the crawl's own work, the larger of the re-crawl's share of requests and of crawl
phase time: that is what being incremental saves, while the fixed start is paid by any
command (docs/crawling.md, "X").
The re-crawl runs ``--recrawls`` times (nothing changes between them); the
median is the figure, every run is printed, with the load average around each
phase (label the figures idle or loaded) and the crawl child's own phase times.

The benchmark's own workspace lifts the politeness limits (concurrency, delay,
AutoThrottle) in its pantau.toml; Pantau's defaults stay polite. Only
127.0.0.1 is contacted (allowed_hosts).

    .venv/bin/python benchmarks/crawl_bench.py --size large
    .venv/bin/python benchmarks/crawl_bench.py --size large --platforms x
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

API_PLATFORMS = {"mastodon", "bluesky", "youtube", "x"}
DEFAULT_PLATFORMS = "bluesky,mastodon,youtube"


def api_watchlist(yaml_text: str, platforms: set[str] = frozenset(DEFAULT_PLATFORMS.split(","))) -> tuple[str, int]:
    """The sandbox's watchlist restricted to the API platforms; returns (yaml, accounts)."""
    from io import StringIO

    from ruamel.yaml import YAML
    y = YAML()
    data = y.load(yaml_text)
    n = 0
    for cand in data["candidates"]:
        cand["accounts"] = [a for a in cand["accounts"] if a["platform"] in platforms]
        n += len(cand["accounts"])
    data["candidates"] = [c for c in data["candidates"] if c["accounts"]]
    out = StringIO()
    y.dump(data, out)
    return out.getvalue(), n


def count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def child_phases(ws: Path) -> str:
    """The crawl child's own timing lines from the newest crawl log (load, set-up, crawl)."""
    logs = sorted((ws / "data" / "logs").glob("crawl-*.log"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return ""
    lines = [ln.split("crawl child: ", 1)[1] for ln in logs[-1].read_text(errors="replace").splitlines()
             if "crawl child: " in ln]
    return "; ".join(lines)


def crawled_seconds(ws: Path) -> float | None:
    """The crawl child's own crawl phase of the newest run (``crawled in N s``): the time the
    spiders ran, without starting Python and Scrapy, which costs the same for any crawl."""
    for part in child_phases(ws).split("; "):
        if part.startswith("crawled in "):
            return float(part.split()[2])
    return None


def live_threads(db: Path) -> tuple[int, int]:
    """(accounts, threads) whose live threads the last run re-read (the accounts' notes)."""
    con = sqlite3.connect(db)
    try:
        notes = [m for (m,) in con.execute(
            "SELECT message FROM account_runs WHERE run_id = (SELECT max(run_id) FROM account_runs) "
            "AND message LIKE '%live threads re-read: %'")]
    finally:
        con.close()
    return len(notes), sum(int(m.split("live threads re-read: ")[1].split(";")[0]) for m in notes)


def cpu_of(pid: int) -> float:
    import psutil
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def warm_bytecode() -> None:
    """Compile Pantau's own packages once, as a user's first run would leave them, so that
    neither the first crawl nor the re-crawls pay for compiling them (libraries in the
    virtual environment are compiled when pip installs them)."""
    import compileall
    for pkg in ("pantau", "crawler", "storage"):
        compileall.compile_dir(REPO / pkg, quiet=1, workers=1)


def crawl(ws: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time, CPU time (the CLI and its crawl child; the sandbox runs apart) and the result."""
    import resource
    env = {**os.environ, "PANTAU_YOUTUBE_API_KEY": "sandbox-key", "PANTAU_X_BEARER_TOKEN": "enterprise-bench-token",
           "COLUMNS": "200"}
    env.pop("PANTAU_WORKSPACE", None)
    # a user's Python keeps compiled modules (__pycache__); a machine that sets this variable
    # (this sandbox does) would compile Pantau's own modules again on every start: see warm_bytecode
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pantau", "crawl"], cwd=ws, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="large", choices=("small", "large"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workspace", type=Path, default=None, help="keep the workspace here (default: temporary)")
    ap.add_argument("--platforms", default=DEFAULT_PLATFORMS,
                    help=f"comma-separated subset of {','.join(sorted(API_PLATFORMS))} (default: {DEFAULT_PLATFORMS})")
    ap.add_argument("--recrawls", type=int, default=3, help="no-change re-crawls to time (median reported)")
    ap.add_argument("--live-thread-days", type=float, default=None,
                    help="[crawl] live_thread_days of the benchmark's workspace (default: Pantau's default)")
    args = ap.parse_args()
    platforms = {p.strip() for p in args.platforms.split(",") if p.strip()} & API_PLATFORMS

    from pantau.workspace import create_workspace
    from pantau.sandbox.server import SandboxProcess

    tmp = tempfile.TemporaryDirectory(prefix="pantau-crawl-bench-")
    ws = create_workspace(args.workspace or Path(tmp.name) / "ws")
    for f in (ws / "watchlists").glob("*.yaml"):
        f.unlink()
    with SandboxProcess(size=args.size, seed=args.seed) as sb:
        wl, n_accounts = api_watchlist(sb.watchlist_yaml(), platforms)
        (ws / "watchlists" / "sandbox.yaml").write_text(wl, encoding="utf-8")
        (ws / "pantau.toml").write_text(
            "[crawl]\n"
            'allowed_hosts = ["127.0.0.1", "localhost"]\n'
            "since = 2000-01-01\n"
            f"concurrency = {args.concurrency}\n"
            "download_delay = 0.0\n"
            "autothrottle = false\n"
            "budget = 1000000\n"
            + (f"live_thread_days = {args.live_thread_days}\n" if args.live_thread_days is not None else "")
            # X's token goes only to its base_url, never where a watchlist url points
            + f'[platforms.x]\nbase_url = "{sb.url}"\n',
            encoding="utf-8")
        totals = sb.totals()
        expected = sum(v for p, kinds in totals.items() if p in platforms for v in kinds.values())
        print(f"sandbox size={args.size} seed={args.seed}: {n_accounts} accounts of {', '.join(sorted(platforms))}, "
              f"{expected} interactions held (totals ignore per-account `collect`)", flush=True)

        warm_bytecode()
        load0 = os.getloadavg()[0]
        sb.reset_stats()
        s1 = cpu_of(sb.proc.pid)
        t1, c1, r1 = crawl(ws)
        s1 = cpu_of(sb.proc.pid) - s1
        if r1.returncode != 0:
            print(r1.stdout[-3000:], r1.stderr[-3000:], sep="\n")
        db = ws / "data" / "pantau.db"
        stored = count(db, "SELECT count(*) FROM interactions")
        req1 = sb.stats()["requests"]
        print(f"first crawl:  {t1:8.1f} s, {req1} requests, {stored} interactions stored "
              f"-> {stored / t1:,.0f} interactions/s end to end (target >= 2,000); "
              f"crawler CPU {c1:.1f} s -> {stored / c1:,.0f} interactions per CPU second; "
              f"sandbox CPU {s1:.1f} s; load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)

        phase1 = crawled_seconds(ws)
        print(f"first crawl's child: {child_phases(ws)}", flush=True)
        ok = r1.returncode == 0
        runs = []
        for i in range(max(1, args.recrawls)):
            load_before = os.getloadavg()[0]
            sb.reset_stats()
            s2 = cpu_of(sb.proc.pid)
            t2, c2, r2 = crawl(ws)
            s2 = cpu_of(sb.proc.pid) - s2
            ok = ok and r2.returncode == 0
            if r2.returncode != 0:
                print(r2.stdout[-3000:], r2.stderr[-3000:], sep="\n")
            stored2 = count(db, "SELECT count(*) FROM interactions")
            st = sb.stats()
            runs.append((t2, c2, st["requests"], crawled_seconds(ws)))
            print(f"re-crawl {i + 1}:   {t2:8.2f} s = {100 * t2 / t1:.1f}% of the first crawl's time; "
                  f"{st['requests']} requests, {stored2 - stored} new interactions; crawler CPU {c2:.2f} s, "
                  f"sandbox CPU {s2:.2f} s; load average {load_before:.1f} before; child: {child_phases(ws)}",
                  flush=True)
            stored = stored2
        times = sorted(r[0] for r in runs)
        med = times[len(times) // 2] if len(times) % 2 else sum(times[len(times) // 2 - 1:len(times) // 2 + 1]) / 2
        req_share = 100 * runs[0][2] / req1
        print(f"no-change re-crawl (median of {len(runs)}), end to end: {med:.2f} s = {100 * med / t1:.1f}% of "
              f"the first crawl's {t1:.1f} s; {runs[0][2]} requests = {req_share:.1f}% of the "
              f"first's {req1}; best {times[0]:.2f} s = {100 * times[0] / t1:.1f}%")
        phases = sorted(r[3] for r in runs if r[3] is not None)
        if phase1 and phases:
            pm = phases[len(phases) // 2]
            work = max(100 * pm / phase1, req_share)
            print(f"crawl phase only (the child's spiders running): re-crawl {pm:.2f} s = "
                  f"{100 * pm / phase1:.1f}% of the first's {phase1:.2f} s; the rest of a re-crawl "
                  f"({med - pm:.2f} s) starts Python and Scrapy and records the run, the same for any crawl")
            print(f"re-crawl target (< 10% of the first, counted on the crawl's own work: the larger of its "
                  f"requests and its crawl phase): {work:.1f}%: {'met' if work < 10 else 'NOT MET'}; "
                  f"end to end {100 * med / t1:.1f}%")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(figures are wall-clock; a shared machine slows them: label them idle or loaded)")
        by = sb.stats().get("by_endpoint", {})
        print("last re-crawl's requests by endpoint:", dict(sorted(by.items(), key=lambda kv: -kv[1])[:10]))
        accounts, threads = live_threads(db)
        print(f"last re-crawl re-read {threads} live threads of {accounts} accounts ([crawl] live_threads)")
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
