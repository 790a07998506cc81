"""The in-process scheduler (APScheduler 3.x) behind ``scheduler.py`` and ``pantau schedule``.

It only decides *when*: each run is ``pantau --workspace WS run --trigger schedule``
in a child process (Scrapy's reactor cannot restart inside one process, and a
crash of a run must not take the scheduler down). Missed runs are coalesced into
one, at most one run goes at a time, and a run may start up to an hour late
(the machine was asleep or busy).

Stopping: SIGTERM or SIGINT stops the scheduler. A run in progress is asked to
stop with SIGTERM (it closes its run row as ``interrupted`` and stops its crawl);
if it has not ended after ``STOP_GRACE`` seconds its whole process group is
killed. Either way the next run completes the work, since every stage is
idempotent and the job lock is released by the kernel.

Test-only: ``PANTAU_SCHEDULE_TEST_INTERVAL=SECONDS`` replaces the cron trigger by
an interval trigger, so a test can watch the scheduler fire without waiting for
02:00. Do not set it in production.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from zoneinfo import ZoneInfo

from pantau.config import Settings

ENV_TEST_INTERVAL = "PANTAU_SCHEDULE_TEST_INTERVAL"
STOP_GRACE = 60.0            # seconds a running child gets to stop after SIGTERM
LOCK_WAIT = 900              # a scheduled run waits this long for a manual job to finish
MISFIRE_GRACE = 3600         # a run may start this late (seconds) and still go
LOG_FILE = "scheduler.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 10

log = logging.getLogger("pantau.scheduler")


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files only their owner can read (they name accounts and failures)."""

    def _open(self):
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream


def setup_logging(settings: Settings, *, to_stderr: bool = True) -> Path:
    import storage
    logs = storage.private_dir(settings.logs_dir)
    path = logs / LOG_FILE
    handler = PrivateRotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(fmt)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    if to_stderr:
        sh = logging.StreamHandler(sys.stderr)
        sh.setFormatter(fmt)
        root.addHandler(sh)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return path


_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_day_of_week(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) in APScheduler 3.x terms (names).

    APScheduler 3.x reads numbers as 0 = Monday (its documented historical
    mistake), so ``1-5`` would silently mean Tuesday to Saturday. Numbers, ranges
    and steps are spelled out as day names; names pass through unchanged.
    """
    out: list[str] = []
    for part in field.split(","):
        rng, _, step_s = part.partition("/")
        step = int(step_s) if step_s else 1
        if rng == "*":
            if not step_s:
                return "*"
            lo, hi = 0, 6
        elif "-" in rng:
            a, b = rng.split("-", 1)
            if not (a.isdigit() and b.isdigit()):
                out.append(part)
                continue
            lo, hi = int(a), int(b)
        elif rng.isdigit():
            lo = hi = int(rng)
            if step_s:
                hi = 6
        else:
            out.append(part)
            continue
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi and step >= 1):
            raise ValueError(f"bad day-of-week {part!r}")
        out += [_DOW_NAMES[d % 7] for d in range(lo, hi + 1, step)]
    return ",".join(dict.fromkeys(out))


def make_trigger(settings: Settings, *, interval: float | None = None):
    """The trigger for ``[schedule]``: standard crontab semantics in ``[schedule] timezone``."""
    tz = ZoneInfo(settings.schedule.timezone)
    if interval:
        from apscheduler.triggers.interval import IntervalTrigger
        return IntervalTrigger(seconds=interval, timezone=tz)
    from apscheduler.triggers.cron import CronTrigger

    from pantau.errors import ConfigError
    fields = settings.schedule.cron.split()
    try:
        minute, hour, day, month, dow = fields
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=crontab_day_of_week(dow), timezone=tz)
    except ValueError as exc:
        raise ConfigError(f"pantau.toml: schedule.cron: {settings.schedule.cron!r} is not a valid "
                          f"cron expression ({exc})") from None


def run_command(settings: Settings) -> list[str]:
    """The child process of one scheduled run."""
    return [sys.executable, "-m", "pantau", "--workspace", str(settings.workspace),
            "run", "--trigger", "schedule", "--wait", str(LOCK_WAIT)]


class NightlyScheduler:
    """A BlockingScheduler with one job: the nightly run in a child process."""

    def __init__(self, settings: Settings, *, interval: float | None = None, stop_grace: float = STOP_GRACE):
        from apscheduler.schedulers.blocking import BlockingScheduler
        self.settings = settings
        self.stop_grace = stop_grace
        self.trigger = make_trigger(settings, interval=interval)
        self.scheduler = BlockingScheduler(timezone=ZoneInfo(settings.schedule.timezone))
        self.child: subprocess.Popen | None = None
        self._child_lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self.stopping = False
        self.runs = 0

    def run_once(self) -> int:
        """One run in a child process; its output goes to the log line by line."""
        with self._child_lock:
            if self.stopping:
                return -1
            self._idle.clear()
            log.info("starting the nightly run")
            self.child = subprocess.Popen(
                run_command(self.settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                errors="replace", start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"})
        child = self.child
        try:
            for line in child.stdout:
                log.info("run | %s", line.rstrip())
            rc = child.wait()
            self.runs += 1
            level = logging.INFO if rc == 0 else logging.WARNING
            log.log(level, "nightly run ended with exit status %s", rc)
            job = self.scheduler.get_job("nightly") if not self.stopping else None
            if job is not None and job.next_run_time:
                log.info("next run at %s", job.next_run_time.isoformat())
            return rc
        finally:
            with self._child_lock:
                self.child = None
            self._idle.set()

    def stop(self, signum: int | None = None, frame=None) -> None:
        """Signal handler: stop scheduling, ask a running child to stop."""
        if self.stopping:
            return
        self.stopping = True
        log.info("stopping (%s)", signal.Signals(signum).name if signum else "requested")
        with self._child_lock:
            if self.child is not None and self.child.poll() is None:
                log.info("asking the running nightly run (pid %s) to stop", self.child.pid)
                try:
                    self.child.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        # shutdown() takes the scheduler's locks: not from inside a signal handler.
        threading.Thread(target=self._shutdown, daemon=True).start()

    def _shutdown(self) -> None:
        try:
            self.scheduler.shutdown(wait=False)
        except Exception:  # not started yet, or stopped already
            pass

    def _finish_child(self) -> None:
        child = self.child
        if child is None:
            return
        try:
            child.wait(timeout=self.stop_grace)
        except subprocess.TimeoutExpired:
            log.warning("the nightly run did not stop within %.0f s; killing it", self.stop_grace)
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._idle.wait(timeout=10)

    def serve(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.stop)
        self.scheduler.add_job(self.run_once, self.trigger, id="nightly", name="pantau nightly run",
                               coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE,
                               replace_existing=True)
        log.info("scheduler started for %s: %s (%s)", self.settings.workspace, self._describe(),
                 self.settings.schedule.timezone)
        self.scheduler.start()   # blocks until stop()
        self._finish_child()
        log.info("scheduler stopped after %d run(s)", self.runs)
        return 0

    def _describe(self) -> str:
        if not hasattr(self.trigger, "fields"):
            return f"every {self.trigger.interval.total_seconds():.0f} s (test interval)"
        return f"cron {self.settings.schedule.cron!r}"


def serve(settings: Settings) -> int:
    """Run the scheduler until SIGTERM or SIGINT; log to ``data/logs/scheduler.log``.

    One scheduler per workspace (its own lock, ``data/scheduler.lock``): a second
    one would start every run twice, the second waiting for the first.
    """
    from pantau.lock import job_lock
    with job_lock(settings.data_dir / "scheduler.lock", job="scheduler"):
        setup_logging(settings)
        interval = os.environ.get(ENV_TEST_INTERVAL)
        sched = NightlyScheduler(settings, interval=float(interval) if interval else None)
        return sched.serve()


def cron_line(settings: Settings) -> str:
    """Two crontab lines: the time zone and the nightly job, logging to ``data/logs/cron.log``."""
    import shlex

    import storage
    logs = storage.private_dir(settings.logs_dir)
    exe = Path(sys.executable).parent / "pantau"
    program = shlex.quote(str(exe)) if exe.exists() else f"{shlex.quote(sys.executable)} -m pantau"
    cmd = (f"umask 077; {program} --workspace {shlex.quote(str(settings.workspace))} run --trigger cron "
           f">> {shlex.quote(str(logs / 'cron.log'))} 2>&1")
    cmd = cmd.replace("%", "\\%")   # cron turns a bare % into a newline
    return (f"# Pantau nightly job for {settings.workspace} (from `pantau cron`)\n"
            f"CRON_TZ={settings.schedule.timezone}\n"
            f"{settings.schedule.cron} {cmd}")


def main(argv: list[str] | None = None) -> int:
    """``python scheduler.py [--workspace DIR]``."""
    from pantau.errors import PantauError
    from pantau.workspace import open_settings
    p = argparse.ArgumentParser(prog="scheduler.py", description="Pantau's in-process nightly scheduler.")
    p.add_argument("--workspace", "-w", default=None, help="workspace folder (default: PANTAU_WORKSPACE, "
                   "the current folder or a parent)")
    args = p.parse_args(argv)
    try:
        return serve(open_settings(args.workspace))
    except PantauError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
