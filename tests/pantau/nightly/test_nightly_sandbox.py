"""The whole night against the sandbox: a full run, a run killed mid-crawl then completed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from pantau.workspace import create_workspace
from pantau.sandbox.demo import demo_config
from pantau.sandbox.roster import write_sample_roster
from pantau.sandbox.server import Sandbox
from pantau.workspace import open_database, open_settings
from storage.queries import matches as matches_q
from tests.pantau.nightly.conftest import wait_for

pytestmark = pytest.mark.timeout(600)

ENV = {"PANTAU_YOUTUBE_API_KEY": "sandbox-test-key", "PANTAU_X_BEARER_TOKEN": "sandbox-test-token",
       "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(seed=1).start() as sb:
        yield sb


def make_workspace(path: Path, sb: Sandbox, extra: str = "[evidence]\nper_run_cap = 5\n") -> Path:
    ws = create_workspace(path)
    (ws / "watchlists" / "example.yaml").unlink()
    (ws / "pantau.toml").write_text(demo_config(sb.url) + extra, encoding="utf-8")
    (ws / "watchlists" / "sandbox.yaml").write_text(sb.watchlist_yaml(), encoding="utf-8")
    roster = path.parent / f"{path.name}-roster.csv"
    write_sample_roster(roster)
    r = pantau(ws, "roster", "import", str(roster))
    assert r.returncode == 0, r.stderr
    return ws


def _env() -> dict:
    env = {**os.environ, **ENV}
    env.pop("PANTAU_WORKSPACE", None)
    return env


def pantau(ws: Path, *args: str, timeout: float = 400) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pantau", "--workspace", str(ws), *args], env=_env(),
                          capture_output=True, text=True, timeout=timeout)


def keys(ws: Path) -> set:
    db = open_database(open_settings(ws))
    try:
        return {tuple(r) for r in db.execute("SELECT platform, natural_key FROM interactions")}
    finally:
        db.close()


def nightly_runs(db) -> list[dict]:
    return list(db.query("SELECT * FROM runs WHERE kind='nightly' ORDER BY id"))


@pytest.fixture(scope="module")
def reference(sandbox, tmp_path_factory) -> set:
    """What one clean crawl of the sandbox stores: the yardstick for runs that were interrupted."""
    ws = make_workspace(tmp_path_factory.mktemp("ref") / "ws", sandbox, "[evidence]\nper_run_cap = 0\n")
    r = pantau(ws, "crawl")
    assert r.returncode == 0, r.stderr[-2000:]
    return keys(ws)


def test_a_full_night_then_new_activity(tmp_path):
    with Sandbox(seed=1).start() as sandbox:   # its own: this test advances the sandbox's world
        _full_night_then_new_activity(sandbox, tmp_path)


def _full_night_then_new_activity(sandbox, tmp_path):
    ws = make_workspace(tmp_path / "ws", sandbox)
    r = pantau(ws, "run")
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    db = open_database(open_settings(ws))
    (run,) = nightly_runs(db)
    s = json.loads(run["summary"])
    assert run["status"] == "ok" and s["errors"] == []
    assert s["accounts"] == 11 and s["accounts_crawled"] == 10 and s["accounts_skipped"] == 1   # instagram
    n = db.execute("SELECT count(*) FROM interactions").fetchone()[0]
    assert s["new_interactions"] == n > 500
    assert s["new_matches"] == db.execute("SELECT count(*) FROM matches").fetchone()[0] > 0
    assert s["evidence"]["pages"] == 5 and s["evidence"]["screenshots"] >= 5 and s["evidence"]["deferred"]
    assert s["evidence"]["failures"] == 0   # sandbox pages, rendered by Chromium
    assert s["evidence"]["raw"] == db.execute(
        "SELECT count(*) FROM interactions i WHERE EXISTS (SELECT 1 FROM matches m WHERE m.actor_id=i.actor_id)"
    ).fetchone()[0]
    for line in ("accounts crawled: 10 of 11", f"new interactions: {n}",
                 f"new possible matches: {s['new_matches']}"):
        assert line in r.stdout
    assert db.execute("SELECT count(*) FROM account_runs WHERE run_id=?", [run["id"]]).fetchone()[0] == 11

    # a reviewer confirms every candidate; the candidates' accounts see new activity
    for m in list(db.query("SELECT id FROM matches WHERE status='pending'")):
        matches_q.record_decision(db, m["id"], "confirmed", reviewer="tester")
    sandbox.advance()
    r2 = pantau(ws, "run")
    assert r2.returncode == 0, r2.stderr[-3000:]
    run2 = nightly_runs(db)[-1]
    s2 = json.loads(run2["summary"])
    assert 0 < s2["new_interactions"] < s["new_interactions"]   # incremental: only what is new
    expected = db.execute("""
        SELECT count(*), count(DISTINCT m.id) FROM interactions i JOIN matches m ON m.actor_id = i.actor_id
        WHERE m.status = 'confirmed' AND i.observed_at >= ? AND i.observed_at > m.decided_at""",
                          [run2["started_at"]]).fetchone()
    assert (s2["new_activity"], s2["new_activity_people"]) == tuple(expected)
    assert s2["new_activity"] > 0   # deterministic for seed 1: confirmed people act again
    assert f"new activity of confirmed people: {s2['new_activity']} interaction(s)" in r2.stdout
    db.close()


def _alive(p) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _count(ws: Path) -> int:
    db = open_database(open_settings(ws))
    try:
        return db.execute("SELECT count(*) FROM interactions").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("how", ["whole process group", "run process only"])
def test_killed_mid_crawl_then_a_clean_complete_run(sandbox, reference, tmp_path, how):
    """SIGKILL mid-crawl: all of it (power loss, systemd), or only the run (OOM killer; the crawl child
    is orphaned). The next run completes the work with nothing missing and nothing doubled."""
    ws = make_workspace(tmp_path / "ws", sandbox)
    sandbox.inject("slow", count=60, path_prefix="/api/")   # keep the crawl going for a while
    victim = subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(ws), "run"], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: _count(ws) > 0, timeout=120.0, what="the crawl to store something")
        children = psutil.Process(victim.pid).children(recursive=True)
        assert any("crawler.child" in " ".join(c.cmdline()) for c in children)
        if how == "whole process group":
            os.killpg(victim.pid, signal.SIGKILL)
        else:
            os.kill(victim.pid, signal.SIGKILL)
        victim.wait(30)
    finally:
        try:
            os.killpg(victim.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # no orphan goes on writing once the lock is free: the crawl child dies with the run
    wait_for(lambda: not [c for c in children if _alive(c)], timeout=3, what="the children to die")
    at_kill = _count(ws)
    assert at_kill < len(reference), "the run was not killed mid-crawl"

    r = pantau(ws, "run")
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    db = open_database(open_settings(ws))
    runs = nightly_runs(db)
    assert [x["status"] for x in runs] == ["interrupted", "ok"]
    assert json.loads(runs[1]["summary"])["interrupted_runs_closed"] == 1
    db.close()
    got = keys(ws)
    assert len(got) == len(reference) and got == reference
