"""One job at a time: overlapping runs, and locks left by killed runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from pantau.config import load
from pantau.errors import LockBusy
from pantau.lock import job_lock
from tests.conftest import run_pantau
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, wait_for, write_config

pytestmark = pytest.mark.timeout(240)


def _start_run(ws, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PANTAU_WORKSPACE", None)
    return subprocess.Popen([sys.executable, "-m", "pantau", "--workspace", str(ws), "run", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _lock_holder(ws) -> str:
    p = ws / "data" / "pantau.lock"
    return p.read_text() if p.exists() else ""


def _slow_night(workspace, db, pages, seconds=4.0):
    """A workspace whose nightly run spends ``seconds`` in evidence capture (a slow page)."""
    server = pages(slow=seconds)
    write_config(workspace)
    add_employees(db)
    add_interactions(db, "budi", 1, base_url=server.url, path="/slow")
    add_match(db, "budi", NIPS[0], status="confirmed")   # decisions are sticky: matching keeps it
    return server


def _runs(db) -> list[dict]:
    return list(db.query("SELECT * FROM runs WHERE kind='nightly' ORDER BY id"))


def test_overlapping_runs_one_stops_with_a_message_one_waits(workspace, db, pages):
    _slow_night(workspace, db, pages)
    first = _start_run(workspace)
    try:
        wait_for(lambda: "nightly run" in _lock_holder(workspace), what="the first run to take the lock")
        t0 = time.monotonic()
        second = run_pantau("--workspace", str(workspace), "run")
        assert time.monotonic() - t0 < 15   # it did not wait
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert "another Pantau job is running in this workspace (nightly run, pid " in lines[0]
        assert f"pid {first.pid}" in lines[0] and "not starting nightly run" in lines[0]
        third = _start_run(workspace, "--wait", "120")
        out1, err1 = first.communicate(timeout=120)
        out3, err3 = third.communicate(timeout=120)
    finally:
        first.kill()
    assert "run #1" in out1 and "run #2" in out3, (err1, err3)
    runs = _runs(db)
    assert [r["id"] for r in runs] == [1, 2]     # the refused run left no row
    assert runs[0]["status"] not in ("running", "interrupted")
    assert runs[1]["status"] not in ("running", "interrupted")
    assert runs[1]["started_at"] >= runs[0]["ended_at"]   # the waiting run started after the first ended


def test_lock_of_a_killed_run_is_free_and_its_run_marked_interrupted(workspace, db, pages):
    server = _slow_night(workspace, db, pages, seconds=6.0)
    victim = _start_run(workspace)
    wait_for(lambda: any(r["path"].startswith("/slow") for r in server.requests), what="the evidence stage")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    assert "nightly run" in _lock_holder(workspace)   # the file still names the dead holder...
    settings = load(workspace)
    with job_lock(settings.lock_path, job="check", wait=0):   # ...but the lock is free at once
        pass
    assert _runs(db)[0]["status"] == "running"

    r = run_pantau("--workspace", str(workspace), "run", timeout=120)
    assert "run #2" in r.stdout, r.stderr
    runs = _runs(db)
    assert runs[0]["status"] == "interrupted" and runs[0]["ended_at"]
    assert json.loads(runs[1]["summary"])["interrupted_runs_closed"] == 1
    # the interrupted run's work is completed by the next one, without duplicates
    shots = db.execute("SELECT count(*) FROM evidence WHERE kind='screenshot' AND error IS NULL").fetchone()[0]
    assert shots == 1


def test_sigterm_closes_the_run_as_interrupted(workspace, db, pages):
    server = _slow_night(workspace, db, pages, seconds=6.0)
    victim = _start_run(workspace)
    wait_for(lambda: any(r["path"].startswith("/slow") for r in server.requests), what="the evidence stage")
    victim.send_signal(signal.SIGTERM)
    out, err = victim.communicate(timeout=60)
    assert victim.returncode == 143, err
    assert "terminated; the run is recorded as interrupted" in err
    (run,) = _runs(db)
    assert run["status"] == "interrupted" and run["ended_at"] and "interrupted" in run["error"]
    assert _lock_holder(workspace) == ""


def test_lock_is_exclusive_between_processes(workspace):
    settings = load(workspace)
    code = ("import sys,time; from pathlib import Path; from pantau.lock import job_lock\n"
            f"with job_lock(Path({str(settings.lock_path)!r}), job='holder'):\n"
            "    print('held', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy, match=rf"holder, pid {holder.pid}"):
            with job_lock(settings.lock_path, job="second"):
                pass
        t0 = time.monotonic()
        with pytest.raises(LockBusy):
            with job_lock(settings.lock_path, job="second", wait=1.0):
                pass
        assert time.monotonic() - t0 >= 1.0
    finally:
        holder.kill()
        holder.wait()
    with job_lock(settings.lock_path, job="after", wait=5):
        assert "after, pid" in settings.lock_path.read_text()
    assert oct(os.stat(settings.lock_path).st_mode & 0o777) == "0o600"
