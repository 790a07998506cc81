"""``pantau demo`` end to end in a child process: sandbox, sample roster, crawl, match, summary."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from pantau.sandbox.data import World


def run_demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PANTAU_WORKSPACE", "PANTAU_YOUTUBE_API_KEY",
                                                                 "PANTAU_X_BEARER_TOKEN")}
    env.update(PYTHONUNBUFFERED="1", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "pantau", "demo", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def expected_interactions() -> dict[str, dict[str, int]]:
    """What a complete crawl of the small world collects, given the example watchlist's ``collect``."""
    w = World(1, "small")
    totals = w.totals()
    dua = w.find("bluesky", "calondua")      # collect: comments, likes, reposts, quotes (no follows)
    hidden = sum(1 for e in w.content(dua).followers if not w.actors[e.actor].bsky_hidden)
    totals["bluesky"]["follow"] -= hidden
    totals["x"]["follow"] = 0                # the demo's token is Basic-level: X lists followers for Enterprise only
    return {p: {k: n for k, n in kinds.items() if n} for p, kinds in totals.items()}


def test_demo_runs_end_to_end(tmp_path):
    ws = tmp_path / "demo"
    r = run_demo(str(ws), cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    out = r.stdout
    assert "Pantau demo finished" in out and "Interactions collected:" in out
    assert "Possible matches to review:" in out and f"pantau --workspace {ws.resolve()} review" in out
    assert "user add" in out
    # crawling again by hand needs the sandbox's key and token, which the hint gives
    assert "PANTAU_YOUTUBE_API_KEY=" in out and "PANTAU_X_BEARER_TOKEN=" in out
    assert (ws / "pantau.toml").is_file() and (ws / "watchlists" / "sandbox.yaml").is_file()
    assert not (ws / "watchlists" / "example.yaml").exists()
    roster = ws / "data" / "sample-roster.csv"
    assert roster.is_file() and oct(roster.stat().st_mode & 0o777) == "0o600"
    db = sqlite3.connect(ws / "data" / "pantau.db")
    try:
        got: dict[str, dict[str, int]] = {}
        for platform, kind, n in db.execute("SELECT platform, kind, count(*) FROM interactions GROUP BY 1, 2"):
            got.setdefault(platform, {})[kind] = n
        assert got == expected_interactions()
        assert db.execute("SELECT count(*) FROM employees WHERE active = 1").fetchone()[0] == 300
        assert db.execute("SELECT count(*) FROM matches").fetchone()[0] > 0
        triggers = {row[0] for row in db.execute("SELECT trigger FROM runs WHERE kind = 'crawl'")}
        assert triggers == {"demo"}
        n_actors = db.execute("SELECT count(*) FROM actors").fetchone()[0]
    finally:
        db.close()
    assert f"actors seen: {n_actors}" in out
    again = run_demo(str(ws), cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
