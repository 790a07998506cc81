"""The one stage lifecycle: run rows, statuses, the lock, joining an outer run, progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pantau.config import load
from pantau.errors import LockBusy
from pantau.jobs.progress import Prefixed, Recorder
from pantau.jobs.stage import stage
from pantau.lock import job_lock
from storage.queries import runs as runs_q


def _run(db, run_id):
    return runs_q.get(db, run_id)


def test_an_own_stage_opens_and_closes_its_run(db):
    with stage(db, "match") as run:
        assert run.own
        assert _run(db, run.run_id)["status"] == "running"
        run.status, run.summary = "partial", {"n": 3}
    row = _run(db, run.run_id)
    assert row["status"] == "partial" and row["ended_at"]
    assert row["summary"] == {"n": 3}


def test_an_error_is_failed_and_ctrl_c_is_interrupted(db):
    with pytest.raises(ValueError):
        with stage(db, "crawl") as failed:
            raise ValueError("boom")
    with pytest.raises(KeyboardInterrupt):
        with stage(db, "purge") as stopped:
            raise KeyboardInterrupt
    assert _run(db, failed.run_id)["status"] == "failed"
    assert "boom" in _run(db, failed.run_id)["error"]
    assert _run(db, stopped.run_id)["status"] == "interrupted"


def test_a_stage_inside_another_run_leaves_the_row_to_it(db):
    outer = runs_q.start(db, "nightly")
    with pytest.raises(ValueError):
        with stage(db, "match", run_id=outer) as run:
            assert not run.own and run.run_id == outer
            raise ValueError("a stage failing inside the night")
    assert _run(db, outer)["status"] == "running"      # the nightly job closes its own row
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_a_locked_stage_refuses_to_overlap(workspace, db):
    settings = load(workspace)
    with job_lock(settings.lock_path, job="nightly run"):
        with pytest.raises(LockBusy):
            with stage(db, "match", lock=settings.lock_path):
                pass
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    with stage(db, "match", lock=settings.lock_path) as run:
        pass
    assert _run(db, run.run_id)["status"] == "ok"


def test_runs_of_dead_processes_are_closed_when_the_next_stage_starts(db):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    db.execute("INSERT INTO runs (kind, trigger, started_at, status, pid) VALUES "
               "('import','cli','2026-01-01T00:00:00Z','running',?)", [dead.pid])
    db.execute("INSERT INTO runs (kind, trigger, started_at, status, pid) VALUES "
               "('import','cli',strftime('%Y-%m-%dT%H:%M:%SZ','now'),'running',?)", [os.getppid()])
    db.conn.commit()
    with stage(db, "import") as run:
        assert run.closed_stale == 1
    statuses = [r[0] for r in db.execute("SELECT status FROM runs ORDER BY id")]
    # the first is gone; the second belongs to a live process started before it (our parent) ...
    # ... whose start time is older than the row: a reused pid would be newer, so it stays running
    assert statuses[0] == "interrupted" and statuses[2] == "ok"


def test_progress_reaches_the_caller(workspace, db):
    rec = Recorder()
    with stage(db, "match", progress=Prefixed(rec, "match: ")) as run:
        run.progress.say("scoring 3 actors")
        run.progress.task("scoring", 3)
        run.progress.advance(3, "done")
        run.progress.finish()
    assert rec.lines == ["match: scoring 3 actors"]
    assert ("task", "scoring", 3) in rec.events and ("advance", 3, "done") in rec.events


def _start_big_import(workspace, tmp_path, **popen) -> subprocess.Popen:
    """`pantau import` of a 400,000-line file, returned once its run row is open."""
    big = tmp_path / "big.jsonl"
    line = ('{"platform":"instagram","kind":"like","target_account":"calon","actor_handle":"u%d",'
            '"post_id":"p1"}\n')
    with big.open("w") as f:
        for i in range(400_000):
            f.write(line % i)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PANTAU_WORKSPACE", None)
    child = subprocess.Popen([sys.executable, "-m", "pantau", "import", str(big)], cwd=workspace, env=env, **popen)
    import storage
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            conn = storage.open_db(workspace / "data" / "pantau.db")
            running = conn.execute("SELECT count(*) FROM runs WHERE kind='import' AND status='running'").fetchone()[0]
            conn.close()
        except Exception:
            continue
        if running:
            return child
    child.kill()
    raise AssertionError("the import never opened its run")


def test_a_killed_import_is_not_running_forever(workspace, tmp_path):
    """#17.5: SIGKILL mid-import, then `pantau status` shows the run interrupted."""
    child = _start_big_import(workspace, tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_WORKSPACE"}
    out = subprocess.run([sys.executable, "-m", "pantau", "status", "--json"], cwd=workspace, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    import json
    runs = json.loads(out.stdout)["runs"]
    imports = [r for r in runs if r["kind"] == "import"]
    assert imports and imports[0]["status"] == "interrupted"


def test_sigterm_closes_an_import_as_interrupted(workspace, tmp_path):
    child = _start_big_import(workspace, tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=60)
    import storage
    conn = storage.open_db(workspace / "data" / "pantau.db")
    status = conn.execute("SELECT status FROM runs WHERE kind='import' ORDER BY id DESC").fetchone()[0]
    conn.close()
    assert status in ("interrupted", "ok")   # ok only if it finished before the signal arrived
    if status == "interrupted":
        assert child.returncode == 143
        err = child.stderr.read()
        assert err.strip().splitlines()[-1] == (
            "error: terminated; the run is recorded as interrupted and the next run completes it")
        assert "Traceback" not in err
