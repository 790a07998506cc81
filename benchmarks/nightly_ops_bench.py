"""Speed of the nightly operations on a large workspace: backup, purge, evidence capture.

Builds (fixed seed) a workspace database under benchmarks/.cache/ with N interactions
by N/5 actors on 20 watched accounts, 60% observed 200-400 days ago (past the default
180-day retention), and 2% of actors matched; then runs through the real CLI, each in a
child process, and prints wall time, rate and peak RSS:

    pantau backup DEST          (online backup API, integrity check)
    pantau purge --dry-run
    pantau purge                (batches of 1,000, one transaction each)

and the evidence stage on K pages served on 127.0.0.1 (pages/s, real Chromium).

Usage: .venv/bin/python benchmarks/nightly_ops_bench.py [--interactions N] [--pages K] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
CACHE = HERE / ".cache" / "nightly"


def iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


def build(ws: Path, n: int, seed: int, page_url: str | None, match_share: float = 0.02) -> dict:
    from pantau.workspace import create_workspace
    from pantau.config import load
    from pantau.workspace import open_database
    from storage.queries import employees as employees_q
    from storage.queries import interactions as interactions_q
    from storage.queries import matches as matches_q
    from storage.records import Actor, Employee, Feature, Interaction, MatchCandidate

    create_workspace(ws)
    (ws / "watchlists" / "example.yaml").unlink()
    (ws / "pantau.toml").write_text('[crawl]\nallowed_hosts = ["127.0.0.1"]\n[evidence]\nper_run_cap = 1000\n')
    db = open_database(load(ws))
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    n_actors = max(n // 5, 1)
    writer = interactions_q.InteractionWriter(db, source="crawl")
    batch = 20_000
    t0 = time.monotonic()
    for start in range(0, n, batch):
        old = rng.random() < 0.6
        when = iso(now - timedelta(days=rng.uniform(200, 400) if old else rng.uniform(0, 100)))
        items = []
        for i in range(start, min(start + batch, n)):
            a = rng.randrange(n_actors)
            items.append(Interaction(
                platform="mastodon", kind="comment", target_account=f"calon{i % 20}",
                actor=Actor("mastodon", f"user{a}@example.test", handle=f"user{a}", display_name=f"User {a}"),
                post_id=f"p{i % 5000}", interaction_id=f"c{i}", text=f"komentar nomor {i}",
                url=f"{page_url}/post/{i}" if page_url else None, created_at=when,
                raw={"id": f"c{i}", "content": f"<p>komentar nomor {i}</p>"}))
        writer.write(items, observed_at=when)
    built = time.monotonic() - t0
    employees_q.replace_source(db, [Employee(nip=f"1985031220100110{k:02d}", name=f"Pegawai {k}",
                                             name_norm=f"pegawai {k}", norm_version="bench") for k in range(50)],
                               "bench")
    actor_ids = [r[0] for r in db.execute("SELECT id FROM actors ORDER BY id")]
    matched = rng.sample(actor_ids, max(int(len(actor_ids) * match_share), 1))
    matches_q.upsert_candidates(db, [MatchCandidate(a, f"1985031220100110{k % 50:02d}", 70.0, "possible",
                                                    [Feature("name", "bench", 70.0)])
                                     for k, a in enumerate(matched)])
    db.close()
    return {"built_s": built, "actors": len(actor_ids), "matched": len(matched)}


def cli(ws: Path, *args: str) -> tuple[float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "pantau", "--workspace", str(ws), *args],
                       capture_output=True, text=True)
    dt = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode != 0:
        print(r.stdout, r.stderr, file=sys.stderr)
    return dt, max(rss, before), r.stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--interactions", type=int, default=1_000_000)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True)
    ws = CACHE / "ws"
    print(f"nightly ops benchmark: {args.interactions:,} interactions, seed {args.seed}, "
          f"60% older than 180 days, 2% of actors matched")
    info = build(ws, args.interactions, args.seed, None)
    db_mb = (ws / "data" / "pantau.db").stat().st_size / 1e6
    print(f"built in {info['built_s']:.1f} s: {info['actors']:,} actors, {info['matched']:,} matched; "
          f"database {db_mb:.0f} MB")

    dt, rss, out = cli(ws, "backup", str(CACHE / "backup.db"))
    print(f"backup:          {dt:6.1f} s  {db_mb / dt:7.1f} MB/s   peak RSS {rss / 1024:.0f} MiB  | {out}")
    dt, rss, out = cli(ws, "purge", "--dry-run")
    print(f"purge --dry-run: {dt:6.1f} s                  peak RSS {rss / 1024:.0f} MiB  | {out.splitlines()[0]}")
    dt, rss, out = cli(ws, "purge")
    gone = int(out.split("deleted ")[1].split(" ")[0].replace(",", ""))
    print(f"purge:           {dt:6.1f} s  {gone / dt:9,.0f} interactions/s   peak RSS {rss / 1024:.0f} MiB")

    # evidence: K pages from a local server, real Chromium
    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"<html><body><h1>Post</h1><p>{self.path}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ews = CACHE / "evidence-ws"
    # K interactions, each with its own page, by actors who are all matched
    build(ews, args.pages, args.seed, f"http://127.0.0.1:{httpd.server_address[1]}", match_share=1.0)
    from pantau.config import load
    from pantau.jobs.evidence import capture_evidence
    from pantau.workspace import open_database
    settings = load(ews)
    db = open_database(settings)
    t0 = time.monotonic()
    res = capture_evidence(settings, db)
    dt = time.monotonic() - t0
    db.close()
    httpd.shutdown()
    print(f"evidence:        {dt:6.1f} s  {res.pages / dt:5.2f} pages/s ({res.pages} pages, "
          f"{res.failures} failed, {res.raw} raw records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
