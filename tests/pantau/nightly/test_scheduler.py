"""The scheduler fires runs in child processes and stops cleanly; the cron line works as written."""

from __future__ import annotations

import os
import shlex
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pantau.config import load
from pantau.jobs.schedule import ENV_TEST_INTERVAL, make_trigger
from tests.conftest import REPO, run_pantau
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, wait_for, write_config

pytestmark = pytest.mark.timeout(240)


def _scheduler(ws, interval: float) -> subprocess.Popen:
    env = {**os.environ, ENV_TEST_INTERVAL: str(interval), "PYTHONUNBUFFERED": "1"}
    env.pop("PANTAU_WORKSPACE", None)
    return subprocess.Popen([sys.executable, str(REPO / "scheduler.py"), "--workspace", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _runs(db):
    return list(db.query("SELECT * FROM runs WHERE kind='nightly' ORDER BY id"))


def test_scheduler_fires_runs_and_stops_on_sigterm(workspace, db):
    write_config(workspace)
    sched = _scheduler(workspace, 2)
    try:
        log = workspace / "data" / "logs" / "scheduler.log"
        # the child's own exit, not the run row: the row closes before the child prints its summary,
        # and a SIGTERM in between ends that child (-15) before the summary reaches the log
        wait_for(lambda: log.exists() and "nightly run ended with exit status" in log.read_text(), 90.0,
                 what="a scheduled run to finish")
        sched.send_signal(signal.SIGTERM)
        out, err = sched.communicate(timeout=60)
    finally:
        sched.kill()
    assert sched.returncode == 0, err
    runs = _runs(db)
    assert runs and all(r["trigger"] == "schedule" for r in runs)
    assert all(r["status"] != "running" for r in runs)
    text = log.read_text()
    assert "scheduler started" in text and "every 2 s (test interval)" in text
    assert "run | Pantau nightly run #1" in text
    assert "nightly run ended with exit status" in text
    assert "stopping (SIGTERM)" in text and "scheduler stopped after" in text
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(log.parent).st_mode) == 0o700


def test_sigterm_during_a_run_interrupts_it_cleanly(workspace, db, pages):
    server = pages(slow=20)
    write_config(workspace)
    add_employees(db)
    add_interactions(db, "budi", 1, base_url=server.url, path="/slow")
    add_match(db, "budi", NIPS[0], status="confirmed")   # decisions are sticky: matching keeps it
    sched = _scheduler(workspace, 1)
    try:
        wait_for(lambda: any(r["path"].startswith("/slow") for r in server.requests), 90.0, what="the slow page")
        t0 = time.monotonic()
        sched.send_signal(signal.SIGINT)   # Ctrl-C behaves like SIGTERM
        out, err = sched.communicate(timeout=60)
        assert time.monotonic() - t0 < 30
    finally:
        sched.kill()
    assert sched.returncode == 0, err
    (run,) = _runs(db)
    assert run["status"] == "interrupted" and run["trigger"] == "schedule"
    with pytest.raises(ProcessLookupError):
        os.kill(run["pid"], 0)   # the run's process is gone
    text = (workspace / "data" / "logs" / "scheduler.log").read_text()
    assert "asking the running nightly run" in text and "exit status 143" in text
    assert (workspace / "data" / "pantau.lock").read_text() == ""


def test_cron_trigger_from_pantau_toml(workspace):
    write_config(workspace, '[schedule]\ncron = "30 1 * * 1-5"\ntimezone = "Asia/Makassar"\n')
    trig = make_trigger(load(workspace))
    tz = ZoneInfo("Asia/Makassar")
    nxt = trig.get_next_fire_time(None, datetime(2026, 11, 27, 12, 0, tzinfo=tz))   # a Friday
    assert nxt == datetime(2026, 11, 30, 1, 30, tzinfo=tz)                         # the next Monday
    write_config(workspace)
    default = make_trigger(load(workspace))
    assert default.get_next_fire_time(None, datetime(2026, 1, 1, 3, 0, tzinfo=ZoneInfo("Asia/Jakarta"))) \
        == datetime(2026, 1, 2, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_cron_line_is_ready_to_use(pantau, workspace, db):
    write_config(workspace, '[schedule]\ncron = "15 3 * * *"\ntimezone = "Asia/Jayapura"\n')
    r = pantau("cron")
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.strip().splitlines() if not l.startswith("#")]
    assert lines[0] == "CRON_TZ=Asia/Jayapura"
    fields = lines[1].split(None, 5)
    assert fields[:5] == ["15", "3", "*", "*", "*"]
    cmd = fields[5]
    exe = shlex.split(cmd.split(";", 1)[1])[0]
    assert os.path.isabs(exe) and os.access(exe, os.X_OK)
    assert f"--workspace {workspace}" in cmd and "run --trigger cron" in cmd
    log = workspace / "data" / "logs" / "cron.log"
    assert cmd.endswith(f">> {log} 2>&1")
    # run it the way cron would: sh -c, no PANTAU_WORKSPACE, some other folder
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_WORKSPACE"}
    subprocess.run(["sh", "-c", cmd], cwd="/", env=env, timeout=120)
    assert "Pantau nightly run #1" in log.read_text()
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert _runs(db)[0]["trigger"] == "cron"


def test_schedule_command_refuses_outside_a_workspace(tmp_path):
    r = subprocess.run([sys.executable, str(REPO / "scheduler.py"), "--workspace", str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "not a Pantau workspace" in r.stderr
    r = run_pantau("run", "--trigger", "bogus", cwd=tmp_path)
    assert r.returncode != 0


@pytest.mark.parametrize("field,expected", [
    ("*", "*"), ("1-5", "mon,tue,wed,thu,fri"), ("0", "sun"), ("7", "sun"), ("0,6", "sun,sat"),
    ("5-7", "fri,sat,sun"), ("*/2", "sun,tue,thu,sat"), ("mon-fri", "mon-fri"), ("1-5/2", "mon,wed,fri"),
])
def test_crontab_day_of_week_numbers(field, expected):
    from pantau.jobs.schedule import crontab_day_of_week
    assert crontab_day_of_week(field) == expected


def test_bad_cron_expression_is_a_config_error(workspace):
    from pantau.errors import ConfigError
    write_config(workspace, '[schedule]\ncron = "99 2 * * *"\n')
    with pytest.raises(ConfigError, match="schedule.cron"):
        make_trigger(load(workspace))


def test_log_rotation_keeps_files_private(tmp_path):
    import logging

    from pantau.jobs.schedule import PrivateRotatingFileHandler
    log_path = tmp_path / "scheduler.log"
    h = PrivateRotatingFileHandler(log_path, maxBytes=200, backupCount=2, encoding="utf-8")
    logger = logging.getLogger("test.rotation")
    logger.addHandler(h)
    logger.setLevel(logging.INFO)
    try:
        for i in range(40):
            logger.info("line %03d %s", i, "x" * 40)
    finally:
        logger.removeHandler(h)
        h.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["scheduler.log", "scheduler.log.1", "scheduler.log.2"]
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, p
    assert "line 039" in log_path.read_text()


def test_one_scheduler_per_workspace(workspace, pantau):
    write_config(workspace)
    first = _scheduler(workspace, 3600)
    try:
        log = workspace / "data" / "logs" / "scheduler.log"
        wait_for(lambda: log.exists() and "scheduler started" in log.read_text(), 90.0, what="the first scheduler")
        r = pantau("schedule", timeout=60)
        assert r.returncode == 1
        assert f"(scheduler, pid {first.pid}" in r.stderr and "not starting scheduler" in r.stderr
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
    finally:
        first.kill()
