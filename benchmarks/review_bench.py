"""Review app speed at scale: 100,000 matches and 1,000,000 interactions.

Builds (once, cached in benchmarks/.cache/) a database of that size with fast
bulk inserts, serves the real app with uvicorn on 127.0.0.1, signs in, and
times repeated requests of the queue and match pages. Target: median < 200 ms.

    .venv/bin/python benchmarks/review_bench.py [--rebuild] [--repeat N]

The generator is fixed (seed 7): 50,000 employees, 100,000 actors (one
candidate match each), 1,000,000 interactions spread unevenly (a few actors
with hundreds), 20 watched accounts, statuses 80% pending / 5% confirmed /
10% rejected / 5% escalated.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import storage  # noqa: E402
from pantau.config import Settings  # noqa: E402
from pantau.review.app import create_app  # noqa: E402
from pantau.review.auth import hash_password  # noqa: E402
from storage.queries import users as users_q  # noqa: E402

SEED = 7
N_EMPLOYEES = 50_000
N_MATCHES = 100_000
N_INTERACTIONS = 1_000_000
N_ACCOUNTS = 20
CACHE = ROOT / "benchmarks" / ".cache"
DB_NAME = "review-bench.db"

#: Indexes the review app wants beyond storage/schema.py (the lead adds them in a migration).
EXTRA_INDEXES = {
    "employees_unit": "CREATE INDEX IF NOT EXISTS employees_unit ON employees(unit)",
    "matches_score": "CREATE INDEX IF NOT EXISTS matches_score ON matches(score DESC)",
    "interactions_account_actor": "CREATE INDEX IF NOT EXISTS interactions_account_actor "
                                  "ON interactions(account_id, actor_id)",
}

UNITS = [f"Dinas {n}" for n in ("Pendidikan", "Kesehatan", "Perhubungan", "Sosial", "Pertanian", "Pariwisata",
                                "Koperasi", "Lingkungan Hidup", "Pekerjaan Umum", "Kependudukan")] + \
        [f"Kecamatan {i}" for i in range(1, 31)] + ["BKPSDM", "Sekretariat Daerah", "Inspektorat"]
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Sri", "Hendra", "Rina", "Andi", "Nur", "Slamet", "Eko", "Yuli",
         "Rizky", "Ratna", "Joko", "Wahyu", "Fitri", "Bambang", "Ika", "Dedi"]
LAST = ["Santoso", "Wahyuni", "Gunawan", "Lestari", "Pratama", "Hidayat", "Saputra", "Rahayu", "Kurniawan",
        "Setiawan", "Susanti", "Nugroho", "Suryono", "Hakim", "Purnomo", "Handayani"]
KINDS = ["comment", "reply", "like", "like", "like", "repost", "quote", "follow"]
PLATFORMS = ["mastodon", "bluesky", "youtube", "web"]


def build(path: Path) -> None:
    rnd = random.Random(SEED)
    t0 = time.perf_counter()
    path.unlink(missing_ok=True)
    db = storage.open_db(path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    now = "2029-01-15T02:00:00Z"
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO accounts (id, platform, handle, display_handle, candidate, origin, created_at, updated_at) "
        "VALUES (?,?,?,?,?, 'watchlist', ?, ?)",
        [(i, PLATFORMS[i % 4], f"calon{i}", f"@calon{i}", f"Calon {i}", now, now) for i in range(1, N_ACCOUNTS + 1)])
    emps = []
    for i in range(N_EMPLOYEES):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        emps.append((f"19800101{i:010d}", name, name.lower(), "1", UNITS[i % len(UNITS)], "Staf Pelaksana",
                     "bench", now, now))
    conn.executemany("INSERT INTO employees (nip, name, name_norm, norm_version, unit, position, source, "
                     "imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", emps)
    actors = []
    for i in range(1, N_MATCHES + 1):
        p = PLATFORMS[i % 4]
        e = emps[rnd.randrange(N_EMPLOYEES)]
        actors.append((i, p, f"actor{i}", f"actor{i}", e[1], "Warga biasa", f"https://{p}.example/@actor{i}",
                       now, now, now))
    conn.executemany("INSERT INTO actors (id, platform, actor_key, handle, display_name, bio, profile_url, "
                     "first_seen, last_seen, changed_at) VALUES (?,?,?,?,?,?,?,?,?,?)", actors)
    matches = []
    for i in range(1, N_MATCHES + 1):
        r = rnd.random()
        status = "pending" if r < .80 else "confirmed" if r < .85 else "rejected" if r < .95 else "escalated"
        score = round(rnd.uniform(55, 99), 1)
        band = "strong" if score >= 85 else "possible" if score >= 65 else "namesake"
        features = json.dumps([{"feature": "display_name", "detail": f"display name ~ roster name", "weight": 50},
                               {"feature": "handle", "detail": "handle contains name parts", "weight": 20}])
        created = f"2029-01-{1 + i % 14:02d}T02:00:00Z"
        decided = None if status == "pending" else f"2029-01-{1 + i % 14:02d}T08:00:00Z"
        matches.append((i, i, emps[rnd.randrange(N_EMPLOYEES)][0], score, band, "display name ~ roster name",
                        features, status, None if status == "pending" else "rudi", decided, created, created))
    conn.executemany("INSERT INTO matches (id, actor_id, nip, score, band, explanation, features, status, "
                     "reviewer, decided_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", matches)
    # interactions: a Pareto-ish spread, a few heavy actors
    rows = []
    heavy = [rnd.randrange(1, N_MATCHES + 1) for _ in range(200)]
    for n in range(1, N_INTERACTIONS + 1):
        actor = heavy[n % 200] if n % 10 == 0 else rnd.randrange(1, N_MATCHES + 1)
        kind = KINDS[n % len(KINDS)]
        acc = 1 + n % N_ACCOUNTS
        text = f"Komentar nomor {n} untuk calon {acc}, semoga menang!" if kind in ("comment", "reply", "quote") else None
        day = 1 + n % 28
        rows.append((n, PLATFORMS[acc % 4], f"id:{n}", kind, actor, acc, f"post{n % 5000}",
                     f"https://{PLATFORMS[acc % 4]}.example/post/{n % 5000}", str(n), text,
                     f"2029-01-{day:02d}T{n % 24:02d}:00:00Z", f"2029-01-{day:02d}T23:00:00Z",
                     json.dumps({"id": n, "text": text, "actor": f"actor{actor}"})))
        if len(rows) == 50_000:
            conn.executemany("INSERT INTO interactions (id, platform, natural_key, kind, actor_id, account_id, "
                             "post_id, post_url, interaction_id, text, created_at, observed_at, raw) "
                             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            rows.clear()
            print(f"  interactions: {n:,}", file=sys.stderr)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    db.close()
    print(f"built {path} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(client: httpx.Client, url: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--no-extra-indexes", action="store_true", help="measure with the schema's indexes only")
    args = ap.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / DB_NAME
    if args.rebuild or not path.exists():
        build(path)
    db = storage.open_db(path)
    for name, sql in EXTRA_INDEXES.items():
        db.execute(f"DROP INDEX IF EXISTS {name}" if args.no_extra_indexes else sql)
    db.execute("ANALYZE")
    n_m = db.execute("SELECT count(*) FROM matches").fetchone()[0]
    n_i = db.execute("SELECT count(*) FROM interactions").fetchone()[0]
    if not users_q.by_name(db, "bench"):
        users_q.add(db, "bench", hash_password("bench-password-1"), "admin")
    heavy = db.execute("SELECT actor_id FROM interactions GROUP BY actor_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    heavy_match = db.execute("SELECT id FROM matches WHERE actor_id=?", [heavy]).fetchone()[0]
    heavy_n = db.execute("SELECT count(*) FROM interactions WHERE actor_id=?", [heavy]).fetchone()[0]
    top = db.execute("SELECT id FROM matches WHERE status='pending' ORDER BY score DESC, id LIMIT 1").fetchone()[0]
    db.close()

    with tempfile.TemporaryDirectory() as ws:
        settings = Settings(workspace=Path(ws))
        settings.storage.database = str(path)
        app = create_app(settings)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        th = threading.Thread(target=server.run, daemon=True)
        th.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as c:
                page = c.get("/login").text
                token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                r = c.post("/login", data={"name": "bench", "password": "bench-password-1", "csrf_token": token})
                assert r.status_code == 200 and 'id="queue"' in r.text, "sign-in failed"
                rnd = random.Random(SEED)
                cases = [
                    ("queue page (pending, page 1)", ["/"]),
                    ("queue page (all statuses)", ["/?status="]),
                    ("queue page (filtered by unit)", ["/?unit=Dinas+Kesehatan"]),
                    ("queue page (filtered by candidate account)", ["/?account=3"]),
                    ("queue page (score 80-90, found 1-7 Jan)",
                     ["/?score_min=80&score_max=90&date_from=2029-01-01&date_to=2029-01-07"]),
                    ("queue page (page 500)", ["/?page=500"]),
                    ("match page (top of the queue)", [f"/matches/{top}?status=pending"]),
                    ("match page (random matches)", [f"/matches/{rnd.randrange(1, n_m + 1)}?status=pending"
                                                     for _ in range(args.repeat)]),
                    (f"match page (actor with {heavy_n} interactions)", [f"/matches/{heavy_match}"]),
                    ("activity page", ["/activity"]),
                ]
                print(f"database: {n_m:,} matches, {n_i:,} interactions; {args.repeat} requests per case; "
                      f"extra indexes: {'no' if args.no_extra_indexes else 'yes'}")
                print(f"{'case':<44} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
                worst = 0.0
                for label, urls in cases:
                    for u in urls[:3]:
                        c.get(u)                       # warm-up (page cache, thread connections)
                    times = []
                    for i in range(args.repeat):
                        times += timed(c, urls[i % len(urls)], 1)
                    med = statistics.median(times)
                    p95 = sorted(times)[int(len(times) * .95) - 1]
                    print(f"{label:<44} {med:>10.1f} {p95:>8.1f} {max(times):>8.1f}")
                    if label.startswith(("queue page (pending", "match page (top", "match page (random")):
                        worst = max(worst, med)
                verdict = "OK" if worst < 200 else "TOO SLOW"
                print(f"target: median < 200 ms for the queue and match pages -> {verdict} (worst {worst:.1f} ms)")
        finally:
            server.should_exit = True
            th.join(timeout=10)
    return 0 if worst < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
