"""Time the administration pages over HTTP on the review benchmark's database.

    .venv/bin/python benchmarks/admin_bench.py [--repeat N]

Uses ``benchmarks/review_bench.py``'s cached database (100,000 matches, 1,000,000 interactions;
built on first use). The runs page is timed on the nights the data was observed in
(``?until=2029-01-28``), so its chart counts all million interactions. Prints median, p95 and
max per page; the target is the review app's: a median under 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

import review_bench as rb  # noqa: E402
import storage  # noqa: E402
from pantau.config import Settings  # noqa: E402
from pantau.review.app import create_app  # noqa: E402
from pantau.review.auth import hash_password  # noqa: E402
from storage.queries import runs as runs_q  # noqa: E402
from storage.queries import users as users_q  # noqa: E402

PAGES = [
    ("runs and health (30 nights of runs, 1M interactions)", "/admin/runs?until=2029-01-28"),
    ("runs and health (today: no recent data)", "/admin/runs"),
    ("users", "/admin/users"),
    ("watchlists", "/admin/watchlists"),
    ("roster (sources, latest imports)", "/admin/roster"),
    ("settings", "/admin/settings"),
    ("audit log", "/audit"),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    path = rb.CACHE / rb.DB_NAME
    if not path.exists():
        rb.CACHE.mkdir(parents=True, exist_ok=True)
        rb.build(path)
    db = storage.open_db(path)
    for sql in rb.EXTRA_INDEXES.values():
        db.execute(sql)
    if not users_q.by_name(db, "bench"):
        users_q.add(db, "bench", hash_password("bench-password-1"), "admin")
    if db.execute("SELECT count(*) FROM runs").fetchone()[0] < 60:
        accounts = [r[0] for r in db.execute("SELECT id FROM accounts").fetchall()]
        for _ in range(60):        # two months of nightly runs with per-account figures
            rid = runs_q.start(db, "nightly", trigger="schedule")
            for a in accounts:
                runs_q.record_account(db, rid, a, "bench", requests=10, items=500, new_items=50)
            runs_q.finish(db, rid, "ok", summary={"new_interactions": 1000, "errors": []})
    # spread them over the nights the data was observed in (two a night, 19:00 UTC = 02:00 WIB)
    with db.conn:
        db.execute("UPDATE runs SET started_at = printf('2029-01-%02dT19:00:00Z', 1 + (id % 28)), "
                   "ended_at = printf('2029-01-%02dT19:30:00Z', 1 + (id % 28)) WHERE trigger='schedule'")
    n_i = db.execute("SELECT count(*) FROM interactions").fetchone()[0]
    db.close()
    with tempfile.TemporaryDirectory() as ws:
        settings = Settings(workspace=Path(ws))
        settings.storage.database = str(path)
        app = create_app(settings)
        port = rb.free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        th = threading.Thread(target=server.run, daemon=True)
        th.start()
        while not server.started:
            time.sleep(0.05)
        worst = 0.0
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, follow_redirects=True) as c:
                token = c.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                c.post("/login", data={"name": "bench", "password": "bench-password-1", "csrf_token": token})
                print(f"database: {n_i:,} interactions; {args.repeat} requests per page")
                print(f"{'page':<48} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
                for label, url in PAGES:
                    r = c.get(url)
                    assert r.status_code == 200, (url, r.status_code)
                    times = rb.timed(c, url, args.repeat)
                    med = statistics.median(times)
                    p95 = sorted(times)[max(0, int(len(times) * .95) - 1)]
                    worst = max(worst, med)
                    print(f"{label:<48} {med:>10.1f} {p95:>8.1f} {max(times):>8.1f}")
                print(f"target: median < 200 ms -> {'OK' if worst < 200 else 'TOO SLOW'} (worst {worst:.1f} ms)")
        finally:
            server.should_exit = True
            th.join(timeout=10)
    return 0 if worst < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
