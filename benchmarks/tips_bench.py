"""The public form under a burst: 100 reports at once, while people load the form and reviewers work.

Serves a seeded demo workspace with the real command (``pantau review`` in a child
process, ``[tips] enabled = true``, default limits) and, at the same time:

- fires ``--burst`` report submissions (each with two photos, one a 1600x1200 JPEG
  carrying GPS EXIF) from ``--workers`` threads, as fast as they go (harsher than
  "100 in a minute");
- loads the empty form (``GET /lapor``) over and over, as a member of the public would;
- a signed-in reviewer loads the queue (``/``) and the reports (``/tips``) over and over.

Two scenarios: every submission from one address (the per-client limit answers), and
from ``--burst`` different addresses through a trusted proxy (``X-Forwarded-For``;
everything is stored and the overall limit is not reached). Target: the form's median
under 200 ms during the burst. Prints the figures.

    .venv/bin/python benchmarks/tips_bench.py [--burst 100] [--workers 4]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pantau.review import auth, fixtures  # noqa: E402
from pantau.workspace import create_workspace, open_database, open_settings  # noqa: E402
from storage.queries import users as users_q  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "bench-password-1"


def photo() -> bytes:
    img = Image.new("RGB", (1600, 1200))
    px = img.load()
    for y in range(0, 1200, 3):                      # some structure, so JPEG has work to do
        for x in range(0, 1600, 7):
            px[x, y] = ((x * 7) % 256, (y * 3) % 256, (x + y) % 256)
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (7.0, 15.0, 30.0), 3: "E", 4: (110.0, 25.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def small_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(name: str, ms: list[float]) -> str:
    if not ms:
        return f"  {name:<44} (none)"
    return (f"  {name:<44} n={len(ms):>4}  median {statistics.median(ms):7.1f} ms  "
            f"p95 {pct(ms, 95):7.1f} ms  max {max(ms):7.1f} ms")


def setup(ws_root: Path, *, proxy: bool) -> Path:
    ws = create_workspace(ws_root / "ws")
    (ws / "watchlists" / "example.yaml").unlink()
    cfg = '[crawl]\nallowed_hosts = ["127.0.0.1", "localhost"]\n\n[tips]\nenabled = true\n'
    if proxy:
        cfg += '\n[review]\ntrusted_proxies = ["127.0.0.1"]\n'
    (ws / "pantau.toml").write_text(cfg, encoding="utf-8")
    settings = open_settings(ws)
    db = open_database(settings)
    fixtures.seed(db, evidence_dir=settings.evidence_dir)
    users_q.add(db, "bench", auth.hash_password(PASSWORD), "reviewer")
    db.close()
    return ws


def run_scenario(label: str, *, proxy: bool, burst: int, workers: int, images: list[tuple[str, bytes, str]]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ws = setup(Path(tmp), proxy=proxy)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(ws), "review", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if httpx.get(base + "/lapor", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("the review app did not start")
                time.sleep(0.2)
            return measure(label, base, burst=burst, workers=workers, images=images, proxy=proxy, ws=ws)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def measure(label, base, *, burst, workers, images, proxy, ws) -> dict:
    stop = threading.Event()
    form_ms: list[float] = []
    review_ms: list[float] = []
    post_ms: dict[int, list[float]] = {}
    lock = threading.Lock()

    def public_reader():
        with httpx.Client(base_url=base, timeout=60) as c:
            while not stop.is_set():
                t = time.perf_counter()
                r = c.get("/lapor")
                ms = (time.perf_counter() - t) * 1000
                assert r.status_code == 200
                with lock:
                    form_ms.append(ms)
                time.sleep(0.05)

    def reviewer():
        with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as c:
            token = CSRF.search(c.get("/login").text).group(1)
            r = c.post("/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token})
            assert r.status_code == 200, r.status_code
            while not stop.is_set():
                for url in ("/", "/tips"):
                    t = time.perf_counter()
                    r = c.get(url)
                    ms = (time.perf_counter() - t) * 1000
                    assert r.status_code == 200, (url, r.status_code)
                    with lock:
                        review_ms.append(ms)
                time.sleep(0.1)

    counter = iter(range(burst))
    counter_lock = threading.Lock()

    def submitter():
        while True:
            with counter_lock:
                n = next(counter, None)
            if n is None:
                return
            headers = {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.7"} if proxy else {}
            with httpx.Client(base_url=base, timeout=120, headers=headers) as c:
                token = CSRF.search(c.get("/lapor").text).group(1)
                data = {"links": f"https://mastodon.example/@bambang.suryono\nhttps://x.com/calon/status/{n}",
                        "what": f"Laporan uji beban nomor {n}: ASN menyukai unggahan kampanye.",
                        "person_name": "Bambang Suryono", "csrf_token": token, "website": ""}
                files = [("images", im) for im in images]
                t = time.perf_counter()
                r = c.post("/lapor", data=data, files=files)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    post_ms.setdefault(r.status_code, []).append(ms)

    readers = [threading.Thread(target=public_reader), threading.Thread(target=reviewer)]
    for th in readers:
        th.start()
    time.sleep(1.0)
    with lock:
        form_ms.clear()
        review_ms.clear()
    t0 = time.perf_counter()
    subs = [threading.Thread(target=submitter) for _ in range(workers)]
    for th in subs:
        th.start()
    for th in subs:
        th.join()
    seconds = time.perf_counter() - t0
    stop.set()
    for th in readers:
        th.join()
    settings = open_settings(ws)
    db = open_database(settings)
    stored = db.execute("SELECT count(*) FROM tips").fetchone()[0]
    images_stored = db.execute("SELECT count(*) FROM tip_images").fetchone()[0]
    gps_left = 0
    for (p,) in db.execute("SELECT path FROM tip_images WHERE format='jpeg' LIMIT 5"):
        if Image.open(settings.tips_dir / p).getexif().get_ifd(0x8825):
            gps_left += 1
    db.close()
    print(f"\n{label}: {burst} submissions from {workers} threads in {seconds:.1f} s; "
          f"answers {dict(sorted((k, len(v)) for k, v in post_ms.items()))}; stored {stored} reports, "
          f"{images_stored} images; stored JPEGs still with GPS: {gps_left}")
    print(summary("GET /lapor (the form) during the burst", form_ms))
    for code, ms in sorted(post_ms.items()):
        print(summary(f"POST /lapor answered {code}", ms))
    print(summary("reviewer GET / and /tips during the burst", review_ms))
    return {"form_median": statistics.median(form_ms) if form_ms else None, "stored": stored}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--burst", type=int, default=100)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    jpeg, png = photo(), small_png()
    images = [("foto.jpg", jpeg, "image/jpeg"), ("layar.png", png, "image/png")]
    print(f"machine: {os.cpu_count()} cores; upload per report: {len(jpeg) + len(png):,} bytes "
          f"(JPEG 1600x1200 with GPS EXIF, PNG 400x300)")
    results = [
        run_scenario("one address", proxy=False, burst=args.burst, workers=args.workers, images=images),
        run_scenario(f"{args.burst} addresses via a trusted proxy", proxy=True, burst=args.burst,
                     workers=args.workers, images=images),
    ]
    worst = max(r["form_median"] for r in results if r["form_median"] is not None)
    print(f"\nform median under the burst, worst scenario: {worst:.1f} ms (target < 200 ms): "
          f"{'met' if worst < 200 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
