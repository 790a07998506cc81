"""A crawl killed half-way and run again ends with exactly the data of one clean crawl."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.crawler import synthetic
from tests.crawler.conftest import crawl, interactions, rows, setup_workspace


def stored(ws) -> int:
    try:
        con = sqlite3.connect(ws / "data" / "pantau.db", timeout=5)
        try:
            return con.execute("SELECT count(*) FROM interactions").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_kill_and_resume_equals_clean_crawl(tmp_path, workspace, replay):
    total = synthetic.serve(replay, posts=30, likes=60, replies=5)
    replay.delay = 0.02
    # ~130 requests 0.1 s apart: the pipeline's 5-second flush lands well before the end
    setup_workspace(workspace, synthetic.watchlist(replay.url), "concurrency = 2\n")
    toml = (workspace / "pantau.toml").read_text(encoding="utf-8").replace(
        "download_delay = 0.0", "download_delay = 0.1")
    (workspace / "pantau.toml").write_text(toml, encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PANTAU_WORKSPACE", None)
    proc = subprocess.Popen([sys.executable, "-m", "pantau", "crawl"], cwd=workspace, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stored(workspace) < total // 4 and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl finished before it could be killed; make it bigger"
    os.killpg(proc.pid, signal.SIGKILL)     # the CLI and its crawl child, like a power cut
    proc.wait()
    partial = stored(workspace)
    assert 0 < partial < total

    r = crawl(workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    resumed = interactions(workspace)
    assert len(resumed) == total
    assert rows(workspace, "SELECT status FROM runs ORDER BY id") == [("interrupted",), ("ok",)]

    clean_ws = tmp_path / "clean"
    from pantau.workspace import create_workspace
    create_workspace(clean_ws)
    (clean_ws / "watchlists" / "example.yaml").unlink()
    setup_workspace(clean_ws, synthetic.watchlist(replay.url))
    assert crawl(clean_ws).returncode == 0
    assert interactions(clean_ws) == resumed
    # no duplicate rows anywhere: natural keys hold
    assert rows(workspace, "SELECT count(*) FROM posts") == rows(clean_ws, "SELECT count(*) FROM posts")
    assert rows(workspace, "SELECT count(*) FROM actors") == rows(clean_ws, "SELECT count(*) FROM actors")
