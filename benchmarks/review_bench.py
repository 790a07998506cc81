"""Review app speed at scale: 100,000 matches and 1,000,000 interactions.

Builds (once, cached in benchmarks/.cache/) a database of that size with fast
bulk inserts, serves the real app with uvicorn on 127.0.0.1, signs in, and
times repeated requests of the queue and match pages. Target: median < 200 ms for every page (queue by pairs or cases, search, each
filter, the match page, the case page), and a case report PDF in under 3 s.

    .venv/bin/python benchmarks/review_bench.py [--rebuild] [--repeat N] [--pdf-repeat N]

The generator is fixed (seed 7): 50,000 employees, 100,000 actors (one
candidate match each), 1,000,000 interactions spread unevenly (a few actors
with hundreds), 20 watched accounts of 10 candidates (two platforms each), statuses 80% pending / 5% confirmed /
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
        # ten candidates with two accounts each, on different platforms (the candidate filter spans them)
        [(i, PLATFORMS[i % 4], f"calon{i}", f"@calon{i}", f"Calon {1 + i % 10}", now, now)
         for i in range(1, N_ACCOUNTS + 1)])
    emps = []
    for i in range(N_EMPLOYEES):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        emps.append((f"19800101{i:010d}", name, name.lower(), "1", UNITS[i % len(UNITS)], "Staf Pelaksana",
                     "bench", now, now, "Penata Muda", "III/a", "Pemerintah Kota Contoh"))
    conn.executemany("INSERT INTO employees (nip, name, name_norm, norm_version, unit, position, source, "
                     "imported_at, updated_at, rank, grade, agency) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", emps)
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
        d_pts = round(score * 0.7, 1)
        features = json.dumps([
            {"feature": "display_name:exact", "detail": "Display name equals the roster name", "weight": d_pts,
             "code": "display_name.exact", "params": {}},
            {"feature": "name_base", "detail": "The name fits: base points of a name match",
             "weight": round(score - d_pts, 1), "code": "name.base", "params": {}},
            {"feature": "score", "detail": "", "weight": 0.0, "code": "score.formed",
             "params": {"score": score, "total": score, "parts": [], "share": 0.5, "origin": "prior"}}])
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
    ap.add_argument("--pdf-repeat", type=int, default=5)
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
    rnd = random.Random(SEED)
    sample_nips = [r[0] for r in db.execute("SELECT nip FROM matches ORDER BY id LIMIT 5000")]
    case_nips = [rnd.choice(sample_nips) for _ in range(args.repeat)]
    confirmed_nips = [r[0] for r in db.execute(
        "SELECT nip FROM matches WHERE status='confirmed' ORDER BY id LIMIT 200")]
    heavy_confirmed = db.execute(
        "SELECT m.nip, count(*) FROM matches m JOIN interactions i ON i.actor_id = m.actor_id "
        "WHERE m.status='confirmed' GROUP BY m.nip ORDER BY count(*) DESC LIMIT 1").fetchone()
    busiest_case = db.execute("SELECT m.nip, count(*) FROM matches m JOIN interactions i ON i.actor_id = m.actor_id "
                              "WHERE m.actor_id = ? GROUP BY m.nip", [heavy]).fetchone()
    some = db.execute("SELECT e.name, e.nip, a.handle FROM matches m JOIN employees e ON e.nip = m.nip "
                      "JOIN actors a ON a.id = m.actor_id WHERE m.id = 4242").fetchone()
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
                    ("queue page (candidate, both platforms)", ["/?candidate=Calon+3"]),
                    ("queue page (kind: quote)", ["/?kind=quote"]),
                    ("queue page (interactions 3-5 Jan)", ["/?interaction_from=2029-01-03&interaction_to=2029-01-05"]),
                    ("queue page (reviewer, all statuses)", ["/?status=&reviewer=rudi"]),
                    ("queue page (decided 2-3 Jan)", ["/?status=&decided_from=2029-01-02&decided_to=2029-01-03"]),
                    ("search by name", [f"/?status=&q={some[0].replace(' ', '+')}"]),
                    ("search by NIP (whole)", [f"/?status=&q={some[1]}"]),
                    ("search by NIP (last 6 digits)", [f"/?status=&q={some[1][-6:]}"]),
                    ("search by handle", [f"/?status=&q={some[2]}"]),
                    ("cases view (pending, page 1)", ["/?view=cases"]),
                    ("cases view (all statuses)", ["/?view=cases&status="]),
                    ("cases view (page 200)", ["/?view=cases&page=200"]),
                    ("cases view (candidate, kind)", ["/?view=cases&candidate=Calon+3&kind=comment"]),
                    ("match page (top of the queue)", [f"/matches/{top}?status=pending"]),
                    ("match page (random matches)", [f"/matches/{rnd.randrange(1, n_m + 1)}?status=pending"
                                                     for _ in range(args.repeat)]),
                    (f"match page (actor with {heavy_n} interactions)", [f"/matches/{heavy_match}"]),
                    ("case page (random employees)", [f"/cases/{n}" for n in case_nips]),
                    (f"case page (busiest, {busiest_case[1]} interactions)", [f"/cases/{busiest_case[0]}"]),
                    ("case report page (HTML)", [f"/cases/{n}/report" for n in confirmed_nips[:args.repeat]]),
                    ("activity page", ["/activity"]),
                ]
                print(f"database: {n_m:,} matches, {n_i:,} interactions; {args.repeat} requests per case; "
                      f"extra indexes: {'no' if args.no_extra_indexes else 'yes'}")
                print(f"{'case':<44} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
                worst, worst_label = 0.0, ""
                for label, urls in cases:
                    for u in urls[:3]:
                        c.get(u)                       # warm-up (page cache, thread connections)
                    times = []
                    for i in range(args.repeat):
                        times += timed(c, urls[i % len(urls)], 1)
                    med = statistics.median(times)
                    p95 = sorted(times)[int(len(times) * .95) - 1]
                    print(f"{label:<44} {med:>10.1f} {p95:>8.1f} {max(times):>8.1f}")
                    if not label.startswith("activity"):
                        if med > worst:
                            worst, worst_label = med, label
                verdict = "OK" if worst < 200 else "TOO SLOW"
                print(f"target: median < 200 ms for every page -> {verdict} (worst {worst:.1f} ms: {worst_label})")
                # the case report as PDF: the page printed by the app's Chromium (started by the
                # first PDF, which is timed apart), the file sent
                t = time.perf_counter()
                assert c.get(f"/cases/{confirmed_nips[-1]}/report.pdf").status_code == 200
                first_pdf = time.perf_counter() - t
                pdf_times, sizes = [], []
                for nip in [heavy_confirmed[0]] + confirmed_nips[:args.pdf_repeat - 1]:
                    t = time.perf_counter()
                    r = c.get(f"/cases/{nip}/report.pdf")
                    pdf_times.append(time.perf_counter() - t)
                    assert r.status_code == 200 and r.content.startswith(b"%PDF"), (nip, r.status_code)
                    sizes.append(len(r.content))
                pdf_med = statistics.median(pdf_times)
                print(f"case report PDF: first {first_pdf:.2f} s (starts Chromium); then median {pdf_med:.2f} s, "
                      f"max {max(pdf_times):.2f} s over {len(pdf_times)} "
                      f"(busiest confirmed case: {heavy_confirmed[1]} interactions, {pdf_times[0]:.2f} s, "
                      f"{sizes[0] / 1e3:.0f} kB) -> {'OK' if max(pdf_times) < 3 else 'TOO SLOW'} (target < 3 s)")
        finally:
            server.should_exit = True
            th.join(timeout=10)
            app.state.review.close()
    return 0 if worst < 200 and max(pdf_times) < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
