"""The generated world: determinism, sizes, the watchlist, growth, counters and the sample roster."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
from ruamel.yaml import YAML

from pantau.sandbox import Sandbox, SandboxProcess, write_sample_roster
from pantau.sandbox.data import World

REPO = Path(__file__).resolve().parents[3]
ENDPOINTS = [
    ("/api/v1/accounts/lookup", {"acct": "calonsatu"}),
    ("/xrpc/app.bsky.feed.getAuthorFeed", {"actor": "calonsatu.bsky.sandbox.test", "limit": "100"}),
    ("/youtube/v3/channels", {"part": "contentDetails", "forHandle": "@calontiga", "key": "k"}),
    ("/mikroblog/api/calontiga/posts", {"page": "1"}),
]


def bodies(sb: Sandbox) -> list[str]:
    with httpx.Client(base_url=sb.url) as c:
        return [c.get(p, params=q).text.replace(sb.url, "ORIGIN") for p, q in ENDPOINTS]


def test_same_seed_same_world_other_seed_other_world():
    with Sandbox(port=0, seed=3) as a, Sandbox(port=0, seed=3) as b, Sandbox(port=0, seed=4) as c:
        first = bodies(a)
        assert first == bodies(b)
        other = bodies(c)
        assert all(x != y for x, y in zip(first[1:], other[1:]))
    w1, w2 = World(3, "small"), World(3, "small")
    assert w1.totals() == w2.totals()


def test_small_is_exactly_the_example_watchlist():
    example = YAML(typ="safe").load((REPO / "pantau" / "skeleton" / "example.yaml").read_text())
    want = {(a["platform"], a["handle"].lstrip("@").lower(), c["name"])
            for c in example["candidates"] for a in c["accounts"]}
    with Sandbox(port=0) as sb:
        data = YAML(typ="safe").load(sb.watchlist_yaml())
        got = {(a["platform"], a["handle"].lstrip("@").lower(), c["name"]) for c in data["candidates"]
               for a in c["accounts"]}
        assert got == want
        for c in data["candidates"]:
            for a in c["accounts"]:
                if a["platform"] != "instagram":
                    assert a["url"].startswith(sb.url + "/")
        dua = next(a for c in data["candidates"] for a in c["accounts"] if a["handle"] == "calondua.bsky.sandbox.test")
        assert dua["collect"] == ["comments", "likes", "reposts", "quotes"]
        with httpx.Client(base_url=sb.url) as c:
            assert c.get("/_sandbox/watchlist.yaml").text == sb.watchlist_yaml()


def test_watchlist_passes_validation(tmp_path):
    from pantau import watchlist
    with Sandbox(port=0, size="large") as sb:
        path = tmp_path / "sandbox.yaml"
        path.write_text(sb.watchlist_yaml(), encoding="utf-8")
        accounts, errors = watchlist.parse_file(path, watchlist.known_profiles(tmp_path))
    assert errors == []
    crawled = [a for a in accounts if a.platform in ("mastodon", "bluesky", "youtube")]
    assert len(crawled) >= 20 and {a.platform for a in crawled} == {"mastodon", "bluesky", "youtube"}


def test_large_world_holds_over_100000_interactions():
    w = World(1, "large")
    t0 = time.perf_counter()
    totals = w.totals()
    api = sum(sum(k.values()) for p, k in totals.items() if p != "web")
    assert api >= 100_000, totals
    assert time.perf_counter() - t0 < 30
    assert len([x for x in w.crawlable() if x.platform != "web"]) >= 20


def test_times_are_recent_and_in_the_past():
    w = World(1, "small")
    now = time.time()
    for acc in w.crawlable():
        for node in w.content(acc).nodes.values():
            assert now - 60 * 86400 < node.t < now, (acc.key, node.pid)


def test_people_of_the_roster_are_among_the_actors(tmp_path):
    from pantau.roster import read_roster
    path = tmp_path / "roster.csv"
    n = write_sample_roster(path, seed=1)
    assert 250 <= n <= 400
    head = path.read_text(encoding="utf-8").splitlines()[0]
    assert head == "NIP;NAMA;UNIT KERJA;JABATAN;AKUN"
    employees, errors = read_roster(path)
    assert errors == [] and len(employees) == n
    for e in employees:
        assert len(e.nip) == 18 and date(int(e.nip[:4]), int(e.nip[4:6]), int(e.nip[6:8]))
    assert any(e.handles for e in employees), "some employees' handles are known"
    assert any(e.titles for e in employees) and any(e.name.isupper() for e in employees)
    text = path.read_text(encoding="utf-8")
    assert any(old in text for old in ("oe", "Dj", "dj", "Tj", "tj")), "old spellings"
    w = World(1, "small")
    kinds = {a.kind for a in w.actors}
    assert {"employee", "namesake", "public", "brand", "bot"} <= kinds
    by_nip = {e.nip: e for e in employees}
    namesakes = [a for a in w.actors if a.kind == "namesake"]
    for a in namesakes:
        plain = w.employees[a.employee].person.plain
        assert a.name == plain
        assert w.employees[a.employee].nip in by_nip
    own = [a for a in w.actors if a.kind == "employee"]
    assert len(own) >= 20 and all(w.employees[a.employee].nip in by_nip for a in own)
    assert write_sample_roster(tmp_path / "again.csv", seed=1) == n
    assert (tmp_path / "again.csv").read_bytes() == path.read_bytes()


def test_advance_adds_likes_on_an_old_post_and_a_new_post(fresh):
    c = fresh
    acc = c.json("/api/v1/accounts/lookup", acct="calonsatu")
    before = {s["id"]: s for s in c.json(f"/api/v1/accounts/{acc['id']}/statuses", limit="40")}
    r = c.http.post("/_sandbox/advance", json={"platform": "mastodon", "handle": "@calonsatu@mastodon.sandbox.test"})
    result = r.json()
    added = result["accounts"]["mastodon:@calonsatu@mastodon.sandbox.test"]
    assert added["added"]["like"] >= 3 and added["added"]["comment"] >= 2
    old = added["old_post"]
    assert old in before
    after = {s["id"]: s for s in c.json(f"/api/v1/accounts/{acc['id']}/statuses", limit="40")}
    assert after[old]["favourites_count"] == before[old]["favourites_count"] + 3
    assert after[old]["replies_count"] == before[old]["replies_count"] + 2
    newest = c.json(f"/api/v1/accounts/{acc['id']}/statuses", limit="1")[0]
    assert newest["id"] == added["new_post"] and newest["id"] not in before
    likers = c.json(f"/api/v1/statuses/{old}/favourited_by", limit="80")
    assert len(likers) == after[old]["favourites_count"]
    # other platforms grow too; a second batch at once is another batch, still newer than the first
    more = fresh.sb.advance()
    assert more["batch"] == 2 and len(more["accounts"]) == len(fresh.sb.world.crawlable())
    newer = c.json(f"/api/v1/accounts/{acc['id']}/statuses", since_id=newest["id"])
    assert [s["id"] for s in newer] == [more["accounts"]["mastodon:@calonsatu@mastodon.sandbox.test"]["new_post"]]


def test_stats_count_requests(fresh):
    fresh.sb.reset_stats()
    fresh.get("/api/v1/accounts/lookup", acct="calonsatu")
    fresh.get("/xrpc/app.bsky.actor.getProfile", actor="calonsatu.bsky.sandbox.test")
    fresh.get("/xrpc/app.bsky.actor.getProfile", actor="calonsatu.bsky.sandbox.test")
    s = fresh.json("/_sandbox/stats")
    assert s["by_endpoint"] == {"mastodon.lookup": 1, "bluesky.getProfile": 2}
    assert s["by_family"] == {"mastodon": 1, "bluesky": 2} and s["requests"] == 3
    fresh.http.post("/_sandbox/stats/reset")
    assert fresh.json("/_sandbox/stats")["by_endpoint"] == {"control": 1}


def test_index_and_profile_pages(client):
    r = client.get("/")
    assert r.status_code == 200 and "calonsatu.bsky.sandbox.test" in r.text
    assert client.get("/@calonsatu").status_code == 200
    assert client.get("/profile/calonsatu.bsky.sandbox.test").status_code == 200
    assert client.get("/nowhere").status_code == 404


def test_sandbox_process_and_cli(tmp_path):
    with SandboxProcess(port=0, seed=2) as sp:
        assert sp.url.startswith("http://127.0.0.1:")
        assert "calonsatu" in sp.watchlist_yaml()
        sp.inject("500", path_prefix="/api/")
        with httpx.Client(base_url=sp.url) as c:
            assert c.get("/api/v1/accounts/lookup", params={"acct": "calonsatu"}).status_code == 500
        assert sp.stats()["faults"] == {"500": 1}
        assert sp.advance("bluesky")["batch"] == 1
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "pantau", "sandbox", "--port", "0", "--seed", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        line = proc.stdout.readline()
        assert "Pantau sandbox (seed 5, size small) on http://127.0.0.1:" in line
        url = line.split(" on ")[1].strip()
        assert httpx.get(url + "/_sandbox/health").json() == {"ok": True, "seed": 5, "size": "small", "accounts": 10}
    finally:
        proc.terminate()
        proc.wait(10)
    bad = subprocess.run([sys.executable, "-m", "pantau", "sandbox", "--size", "huge"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "small or large" in bad.stderr


def test_busy_port_is_a_one_line_error(tmp_path):
    with Sandbox(port=0) as sb:
        r = subprocess.run([sys.executable, "-m", "pantau", "sandbox", "--port", str(sb.port)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 1 and r.stderr.startswith("error: cannot listen on 127.0.0.1:")
    assert len(r.stderr.strip().splitlines()) == 1

