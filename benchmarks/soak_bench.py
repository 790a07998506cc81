"""Concurrency soak: reviewers deciding and exporting while a nightly-style job imports and matches.

A real workspace, the real review app under uvicorn on 127.0.0.1, and real ``pantau import`` /
``pantau match`` child processes writing to the same SQLite database. For ``--seconds`` the
reviewers (one thread and one signed-in session each) loop: open the queue, open a pending
match, decide it (with the status they saw, as the form does), and every few rounds download
the confirmed cases as CSV and XLSX. Meanwhile the job imports a new file of interactions and
matches, over and over.

Checked and printed: requests and latency per kind, answers >= 500, any "database is locked"
reaching a reviewer, and decisions lost (a save the reviewer was told succeeded that is not in
the database afterwards, or a decision recorded twice).

    .venv/bin/python benchmarks/soak_bench.py [--seconds 60] [--reviewers 4] [--lines 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pantau.review.app import create_app  # noqa: E402
from pantau.review.auth import hash_password  # noqa: E402
from pantau.sandbox.roster import sample_employees, write_sample_roster  # noqa: E402
from pantau.workspace import create_workspace, open_database, open_settings  # noqa: E402
from storage.queries import users as users_q  # noqa: E402

PASSWORD = "soak-password-1"
_MATCH = re.compile(r'href="/matches/(\d+)')
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_STATUS = re.compile(r'name="expected_status" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def interactions_file(path: Path, lines: int, round_no: int, names: list[str]) -> None:
    """Interactions by people named like employees (some exactly, some not), new actors each round."""
    rnd = random.Random(round_no)
    with path.open("w", encoding="utf-8") as f:
        for i in range(lines):
            n = rnd.choice(names) if i % 3 == 0 else f"Warga {round_no}-{i % 5000}"
            f.write(json.dumps({"platform": "instagram", "kind": "comment", "target_account": "calon.satu",
                                "actor_handle": f"r{round_no}u{i % 20000}", "actor_name": n,
                                "post_id": f"r{round_no}p{i // 20000}", "interaction_id": f"r{round_no}c{i}",
                                "text": f"komentar {i}"}) + "\n")


def pantau(ws: Path, *args: str) -> tuple[int, float, str]:
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "pantau", "--workspace", str(ws), *args], capture_output=True,
                       text=True, env={k: v for k, v in os.environ.items() if k != "PANTAU_WORKSPACE"})
    return r.returncode, time.monotonic() - t0, r.stderr[-500:]


class Reviewer(threading.Thread):
    def __init__(self, base: str, name: str, stop: threading.Event, seed: int):
        super().__init__(daemon=True)
        self.base, self.name, self.stop, self.rnd = base, name, stop, random.Random(seed)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.locked = 0
        self.saved: list[tuple[int, str]] = []       # (match id, decision) the reviewer was told were saved
        self.conflicts = 0

    def timed(self, c: httpx.Client, kind: str, method: str, url: str, **kw) -> httpx.Response:
        t0 = time.monotonic()
        r = c.request(method, url, **kw)
        self.times[kind].append((time.monotonic() - t0) * 1000)
        if r.status_code >= 500:
            self.errors.append(f"{kind} {url}: {r.status_code}")
        if b"database is locked" in r.content:
            self.locked += 1
        return r

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as c:
            token = _TOKEN.search(c.get("/login").text).group(1)
            r = c.post("/login", data={"name": self.name, "password": PASSWORD, "csrf_token": token})
            assert r.status_code == 303, f"sign-in of {self.name} failed: {r.status_code}"
            rounds = 0
            while not self.stop.is_set():
                rounds += 1
                q = self.timed(c, "queue", "GET", "/")
                ids = _MATCH.findall(q.text)
                if ids:
                    mid = int(self.rnd.choice(ids[:10]))
                    page = self.timed(c, "match page", "GET", f"/matches/{mid}")
                    tok, st = _TOKEN.search(page.text), _STATUS.search(page.text)
                    if tok and st:
                        decision = self.rnd.choice(["confirmed", "rejected", "escalated"])
                        r = self.timed(c, "decision", "POST", f"/matches/{mid}/decision", data={
                            "decision": decision, "csrf_token": tok.group(1), "expected_status": st.group(1),
                            "note": f"soak {self.name}"})
                        if r.status_code == 303:
                            back = re.match(r"/matches/(\d+)", r.headers["location"])
                            if back and int(back.group(1)) == mid:
                                self.conflicts += 1           # someone else decided it first: nothing saved
                            else:
                                self.saved.append((mid, decision))
                if rounds % 5 == 0:
                    self.timed(c, "export csv", "GET", "/reports/confirmed.csv")
                if rounds % 10 == 0:
                    self.timed(c, "export xlsx", "GET", "/reports/confirmed.xlsx")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--reviewers", type=int, default=4)
    ap.add_argument("--lines", type=int, default=100_000, help="interaction lines per import round")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = create_workspace(tmp / "ws")
        (ws / "watchlists" / "example.yaml").unlink()
        roster = tmp / "roster.csv"
        write_sample_roster(roster)
        names = [e.roster_name for e in sample_employees()]
        assert pantau(ws, "roster", "import", str(roster))[0] == 0
        f0 = tmp / "round0.jsonl"
        interactions_file(f0, args.lines, 0, names)
        assert pantau(ws, "import", str(f0))[0] == 0
        assert pantau(ws, "match")[0] == 0
        settings = open_settings(ws)
        db = open_database(settings)
        reviewers = [f"reviewer{i}" for i in range(args.reviewers)]
        for name in reviewers:
            users_q.add(db, name, hash_password(PASSWORD), "reviewer")
        pending0 = db.execute("SELECT count(*) FROM matches WHERE status='pending'").fetchone()[0]
        audit0 = db.execute("SELECT max(id) FROM audit_log").fetchone()[0] or 0
        db.close()

        app = create_app(settings)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        th = threading.Thread(target=server.run, daemon=True)
        th.start()
        while not server.started:
            time.sleep(0.05)
        stop = threading.Event()
        job_log: list[tuple[str, int, float]] = []

        def job() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                f = tmp / f"round{n}.jsonl"
                interactions_file(f, args.lines, n, names)
                for a in (("import", str(f)), ("match",)):
                    rc, secs, err = pantau(ws, *a)
                    job_log.append((a[0], rc, secs))
                    if rc != 0:
                        print(f"job: pantau {a[0]} exit {rc}: {err}", file=sys.stderr)
                f.unlink()

        threads = [Reviewer(f"http://127.0.0.1:{port}", name, stop, seed=i) for i, name in enumerate(reviewers)]
        background = threading.Thread(target=job, daemon=True)
        t0 = time.monotonic()
        background.start()
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=180)
        background.join(timeout=600)
        elapsed = time.monotonic() - t0
        server.should_exit = True
        th.join(timeout=10)

        db = open_database(settings)
        rows = list(db.query("SELECT user, object_id, detail FROM audit_log WHERE action='match.decide' AND id > ?",
                             [audit0]))
        db_decisions = defaultdict(list)
        for r in rows:
            db_decisions[(r["user"], int(r["object_id"]))].append(json.loads(r["detail"])["to"])
        lost = 0
        told = 0
        for t in threads:
            for mid, decision in t.saved:
                told += 1
                if decision not in db_decisions.get((t.name, mid), []):
                    lost += 1
        twice = db.execute("SELECT count(*) FROM (SELECT object_id FROM audit_log WHERE action='match.decide' "
                           "AND id > ? AND json_extract(detail, '$.from') != 'pending' GROUP BY object_id)",
                           [audit0]).fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        n_inter = db.execute("SELECT count(*) FROM interactions").fetchone()[0]
        n_match = db.execute("SELECT count(*) FROM matches").fetchone()[0]
        db.close()

    print(f"soak: {elapsed:.0f} s, {args.reviewers} reviewers, job rounds of {args.lines:,} lines "
          f"(pending matches at start {pending0:,}; at the end {n_inter:,} interactions, {n_match:,} matches)")
    print(f"{'request':<14} {'count':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>9}")
    merged: dict[str, list[float]] = defaultdict(list)
    for t in threads:
        for k, v in t.times.items():
            merged[k] += v
    for k, v in sorted(merged.items()):
        v = sorted(v)
        print(f"{k:<14} {len(v):>6} {statistics.median(v):>10.1f} {v[max(0, int(len(v) * .95) - 1)]:>8.1f} "
              f"{v[-1]:>9.1f}")
    for kind in ("import", "match"):
        runs = [(rc, s) for k, rc, s in job_log if k == kind]
        if runs:
            print(f"job {kind:<7} runs {len(runs)}, failed {sum(1 for rc, _ in runs if rc)}, "
                  f"median {statistics.median(s for _, s in runs):.1f} s")
    errors = [e for t in threads for e in t.errors]
    locked = sum(t.locked for t in threads)
    conflicts = sum(t.conflicts for t in threads)
    print(f"decisions saved {told}, refused as decided by someone else {conflicts}, lost {lost}; "
          f"{twice} changed a decision the reviewer saw on the page")
    print(f"answers >= 500: {len(errors)}; 'database is locked' seen by a reviewer: {locked}; integrity: {integrity}")
    for e in errors[:10]:
        print("  " + e)
    ok = not errors and not locked and not lost and integrity == "ok"
    print("verdict: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
