"""Speed and memory of `pantau import FILE.har` on a generated 1 GB HAR.

Generates (fixed seed) a HAR as Chromium saves it under benchmarks/.cache/ (git-ignored):
mostly what real browsing records (images and fonts as base64, scripts, tracking pings, on
the platforms' CDNs and on their own hosts), with platform responses among them: Instagram
comment pages (v1 REST and web GraphQL), TikTok comment lists and X TweetDetail pages, all on
posts of the watched accounts, each carrying 20 comments. It imports the file through the
real CLI in a child process of a fresh workspace and prints wall time, MB/s, the child's peak
RSS and what was stored, against the targets:

    speed        >= 20 MB/s (file bytes / wall seconds)
    peak memory  <  500 MiB

Usage: .venv/bin/python benchmarks/har_import_bench.py [--mb 1024] [--seed S] [--platform-share 0.08]
"""

from __future__ import annotations

import argparse
import base64
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
sys.path.insert(0, str(HERE.parent))

WATCHLIST = """\
election: Benchmark
candidates:
  - name: Calon Satu
    role: kepala-daerah
    accounts:
      - {platform: instagram, handle: calon.satu}
      - {platform: tiktok, handle: calonsatu}
      - {platform: x, handle: calonsatu}
"""
NAMES = ["budi", "siti", "agus", "dewi", "eko", "sri", "ahmad", "nur", "rina", "hendra", "wahyu", "yuni"]
TEXTS = ["Mantap pak, lanjutkan!", "Semoga amanah", "Kapan ke desa kami?", "Setuju sekali 👍", "Gas terus",
         "Program yang bagus untuk warga", "Hadir pak", "Terima kasih atas kerja kerasnya"]
HEADERS = [{"name": k, "value": v} for k, v in (
    ("accept", "*/*"), ("accept-language", "id-ID,id;q=0.9"), ("user-agent", "Mozilla/5.0 (X11; Linux x86_64)"),
    ("cookie", "sessionid=BENCHSECRET; csrftoken=BENCHSECRET2"), ("x-csrftoken", "BENCHSECRET2"))]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.n = 0
        self.interactions = 0
        blob = bytes(self.r.getrandbits(8) for _ in range(600_000))
        self.b64 = base64.b64encode(blob).decode()
        self.js = ("function a(b){return b*2}var c=[1,2,3];" * 8000)

    def _user(self, i: int) -> tuple[str, str, str]:
        n = self.r.choice(NAMES)
        return str(6_600_000_000 + i), f"{n}.{i}", f"{n.title()} {i}"

    def _comments_ig(self, media: int) -> dict:
        out = []
        for _ in range(20):
            self.n += 1
            uid, un, fn = self._user(self.n)
            out.append({"pk": str(17_900_000_000_000_000 + self.n), "text": self.r.choice(TEXTS),
                        "created_at": 1767225600 + self.n, "user": {"pk": uid, "username": un, "full_name": fn,
                                                                     "is_private": False, "profile_pic_url": "https://scontent.cdninstagram.com/v/p.jpg?x=" + "y" * 200}})
        self.interactions += 20
        return {"comments": out, "comment_count": 20, "status": "ok",
                "caption": {"pk": "1", "text": "Kampanye", "user": {"pk": "5500000001", "username": "calon.satu"}}}

    def _comments_tt(self, vid: int) -> dict:
        out = []
        for _ in range(20):
            self.n += 1
            uid, un, fn = self._user(self.n)
            out.append({"cid": str(7_400_000_000_000_000_000 + self.n), "text": self.r.choice(TEXTS),
                        "create_time": 1767225600 + self.n, "aweme_id": str(vid), "reply_id": "0",
                        "user": {"uid": uid, "unique_id": un, "nickname": fn, "sec_uid": "MS4wLjABAAAA" + uid,
                                 "avatar_thumb": {"url_list": ["https://p16.tiktokcdn.com/a.jpeg?x=" + "z" * 200]}},
                        "share_info": {"url": f"https://www.tiktok.com/@calonsatu/video/{vid}?_r=1"},
                        "digg_count": 1, "status": 1})
        self.interactions += 20
        return {"status_code": 0, "cursor": 20, "has_more": 1, "comments": out}

    def _tweet_detail(self, root: int) -> dict:
        def tweet(tid, uid, sn, name, text, reply_to=None):
            leg = {"id_str": str(tid), "full_text": text, "created_at": "Thu Jan 01 12:00:00 +0000 2026",
                   "conversation_id_str": str(root), "user_id_str": uid, "favorite_count": 0, "entities": {}}
            if reply_to:
                leg["in_reply_to_status_id_str"] = str(reply_to)
                leg["in_reply_to_screen_name"] = "calonsatu"
            return {"entryId": f"tweet-{tid}", "content": {"itemContent": {"tweet_results": {"result": {
                "__typename": "Tweet", "rest_id": str(tid), "legacy": leg,
                "core": {"user_results": {"result": {"__typename": "User", "rest_id": uid,
                                                      "core": {"screen_name": sn, "name": name}, "legacy": {}}}}}}}}}
        entries = [tweet(root, "1500000000000000001", "calonsatu", "Calon Satu", "Debat malam ini")]
        for _ in range(20):
            self.n += 1
            uid, un, fn = self._user(self.n)
            entries.append(tweet(1_870_000_000_000_000_000 + self.n, uid, un.replace(".", "_")[:15], fn,
                                 self.r.choice(TEXTS), reply_to=root))
        self.interactions += 20
        return {"data": {"threaded_conversation_with_injections_v2": {"instructions": [
            {"type": "TimelineAddEntries", "entries": entries}]}}}

    def entry(self, share: float) -> dict:
        r = self.r.random()
        if r < share:
            k = self.r.randrange(3)
            post = 3_300_000_000_000_000_000 + self.n
            if k == 0:
                url = f"https://www.instagram.com/api/v1/media/{post}/comments/?can_support_threading=true"
                body, page = self._comments_ig(post), "https://www.instagram.com/p/C9xAbCdEfGh/"
            elif k == 1:
                url = f"https://www.tiktok.com/api/comment/list/?aweme_id={post}&cursor=0&msToken=BENCHSECRET3"
                body, page = self._comments_tt(post), f"https://www.tiktok.com/@calonsatu/video/{post}"
            else:
                url = "https://x.com/i/api/graphql/q/TweetDetail?variables=" + json.dumps({"focalTweetId": str(post)})
                body, page = self._tweet_detail(post), f"https://x.com/calonsatu/status/{post}"
            text, mime, enc = json.dumps(body, ensure_ascii=False), "application/json", None
            if self.r.random() < 0.3:               # Chromium keeps some bodies base64
                text, enc = base64.b64encode(text.encode()).decode(), "base64"
        elif r < share + 0.45:
            size = self.r.randrange(20_000, 600_000)
            start = self.r.randrange(0, len(self.b64) - size)
            host = self.r.choice(["scontent.cdninstagram.com", "p16-sign.tiktokcdn.com", "pbs.twimg.com",
                                  "www.instagram.com"])
            url, page = f"https://{host}/v/t51/{self.n}_{r}.jpg", "https://www.instagram.com/"
            text, mime, enc = self.b64[start:start + size], "image/jpeg", "base64"
        elif r < share + 0.75:
            size = self.r.randrange(10_000, 300_000)
            url, page = f"https://static.cdninstagram.com/rsrc.php/v3/{self.n}.js", "https://www.instagram.com/"
            text, mime, enc = self.js[:size], "application/javascript", None
        else:
            url, page = "https://www.instagram.com/ajax/bz?__a=1", "https://www.instagram.com/"
            text, mime, enc = '{"payload":null}', "application/json", None
        content = {"size": len(text), "mimeType": mime, "text": text}
        if enc:
            content["encoding"] = enc
        return {"startedDateTime": "2026-01-02T03:04:05.678Z", "time": 10,
                "request": {"method": "GET", "url": url, "httpVersion": "http/2.0",
                            "headers": HEADERS + [{"name": "referer", "value": page}], "queryString": [],
                            "cookies": [], "headersSize": -1, "bodySize": 0},
                "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                             "headers": [{"name": "content-type", "value": mime}], "cookies": [],
                             "content": content, "redirectURL": "", "headersSize": -1, "bodySize": len(text)},
                "cache": {}, "timings": {"send": 0, "wait": 5, "receive": 5}, "_resourceType": "fetch"}


def generate(path: Path, mb: int, seed: int, share: float) -> tuple[int, int]:
    target = mb * 2**20
    g = Gen(seed)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, '
                 '"pages": [], "entries": [\n')
        written, first = 0, True
        while written < target:
            s = json.dumps(g.entry(share), ensure_ascii=False)
            if not first:
                fh.write(",\n")
            fh.write(s)
            first = False
            written += len(s) + 2
        fh.write("\n]}}\n")
    return path.stat().st_size, g.interactions


def _tree_rss(pid: int) -> int:
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=20290105)
    ap.add_argument("--platform-share", type=float, default=0.08,
                    help="share of entries that are platform comment responses")
    ap.add_argument("--keep", action="store_true", help="keep the generated HAR for another run")
    args = ap.parse_args()
    CACHE.mkdir(exist_ok=True)
    har = CACHE / f"bench-{args.mb}mb-{args.seed}.har"
    expected = None
    if not har.exists():
        t0 = time.perf_counter()
        size, expected = generate(har, args.mb, args.seed, args.platform_share)
        print(f"generated {har.name}: {size / 2**20:,.0f} MiB, {expected:,} comments on watched accounts "
              f"({time.perf_counter() - t0:.0f} s)")
    os.sync()           # the generated file's dirty pages are flushed before the clock starts, as a saved HAR's are
    size = har.stat().st_size
    ws = CACHE / "har-bench-ws"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pantau", "init", str(ws)], check=True, capture_output=True)
    for f in (ws / "watchlists").glob("*.yaml"):
        f.unlink()
    (ws / "watchlists" / "bench.yaml").write_text(WATCHLIST, encoding="utf-8")
    out, err = CACHE / "har-stdout.txt", CACHE / "har-stderr.txt"
    peak = 0
    with open(out, "w") as fo, open(err, "w") as fe:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(ws), "import", str(har)],
                                 stdout=fo, stderr=fe)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.05)
        secs = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    peak_mib = max(peak / 2**20, usage.ru_maxrss / 1024)
    rate = size / 2**20 / secs
    print(out.read_text().strip())
    if code:
        print(err.read_text().strip())
    print(f"HAR import: {size / 2**20:,.0f} MiB in {secs:.1f} s = {rate:.1f} MB/s (cpu {usage.ru_utime + usage.ru_stime:.1f} s), "
          f"peak RSS {peak_mib:.0f} MiB; targets >= 20 MB/s, < 500 MiB; exit {code}")
    ok = code == 0 and rate >= 20 and peak_mib < 500
    print("OK" if ok else "MISSED")
    shutil.rmtree(ws, ignore_errors=True)
    if not args.keep:
        har.unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
