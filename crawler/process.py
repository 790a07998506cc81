"""The parent's side of a crawl: start the crawl child, hand it its config, read its events.

The Twisted reactor cannot be restarted within one process, so every crawl,
tests included, runs in a fresh ``python -m crawler.child`` (the child's entry
point, ``crawler.child``). The parent writes a JSON config to the child's stdin;
the child writes one JSON event per line to its stdout (``crawler.events``:
progress, one per finished account, one per spider, and a final ``done``);
Scrapy's log goes to a file. This module imports neither Scrapy nor the spiders.

Config keys: ``db_path``, ``run_id``, ``accounts`` (from
``storage.queries.accounts.crawl_targets``), ``crawl`` (the [crawl] values),
``platforms`` (name -> base_url, api_key_env, storage_state, page_size,
monthly_read_cap), ``profile_dirs`` (folders of selector profiles),
``chromium`` (the browser executable), optional ``log_level``,
``log_path`` (the run's log file; set by :meth:`CrawlChild.run`), ``today``
(tests), ``batch_size``, ``retry_backoff``. ``crawler.settings.scrapy_settings``
turns them into the Scrapy settings every component reads in ``from_crawler``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from crawler import events

CHILD_MODULE = "crawler.child"


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the parent dies (Linux ``PR_SET_PDEATHSIG``).

    The parent holds the workspace job lock; the kernel frees it when the parent
    dies (even by SIGKILL). An orphaned crawl would go on writing beside the next
    run, which then holds the lock: so the crawl dies with its parent.
    """
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))   # 1 = PR_SET_PDEATHSIG
    except Exception:
        pass


class CrawlChildError(RuntimeError):
    """The crawl child died before reporting; the message quotes the end of its log."""


def _last_line(text: str) -> str:
    return next((ln for ln in reversed(text.strip().splitlines()) if ln.strip()), "")


class CrawlChild:
    """One ``python -m crawler.child``, started before its config is known.

    Loading Python, Scrapy and the spiders takes the child about half a second
    of CPU. Started first, it loads them on the other core while the parent
    syncs the watchlists and opens the run; :meth:`run` then hands it the
    config. Until the config names the run's log file, the child's stderr goes
    to an anonymous temporary file (read only to explain a child that died
    early). A child that is never given a config (no account to crawl, another
    job holds the lock) is killed by :meth:`close`, or leaves on its own when
    stdin ends; it also dies with its parent.
    """

    def __init__(self, env: dict | None = None):
        self._early = tempfile.TemporaryFile()
        self.used = False
        self.proc = subprocess.Popen(
            [sys.executable, "-m", CHILD_MODULE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._early, env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)

    def __enter__(self) -> "CrawlChild":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the child if it is still there, and free the early log.

        A child never given a config has only been loading modules: it is killed.
        One whose crawl the parent gave up on (an error, Ctrl-C) is asked to stop,
        so Scrapy closes its spiders and commits what it has.
        """
        proc = self.proc
        if proc.poll() is None:
            if self.used:
                proc.terminate()
            else:
                proc.kill()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream and not stream.closed:
                    stream.close()
            except OSError:
                pass
        self._early.close()

    def run(self, config: dict, on_event: Callable[[dict], None] | None = None, *,
            log_path: Path | None = None) -> dict:
        """Hand the child its config and read its events; returns each spider's figures
        (the ``spider`` events: name -> totals and ``accounts`` rows)."""
        if self.used:
            raise RuntimeError("a crawl child runs one crawl")
        self.used = True
        config = dict(config)
        if log_path:
            log_path = Path(log_path)
            os.close(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            try:
                os.chmod(log_path, 0o600)
            except OSError:
                pass
            config["log_path"] = str(log_path)
        child = self.proc
        done = None
        spiders: dict[str, dict] = {}
        try:
            child.stdin.write(json.dumps(config, default=str).encode())
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass   # the child is gone; its log explains why
        for event in events.read(child.stdout):
            if event.get("event") == "done":
                done = event
            elif event.get("event") == "spider":
                spiders[event.get("spider")] = event.get("figures") or {}
            if on_event:
                on_event(event)
        rc = child.wait()
        if done is None:
            tail = ""
            if log_path and log_path.exists():
                tail = _last_line(log_path.read_text(errors="replace"))
            if not tail:
                self._early.seek(0)
                tail = _last_line(self._early.read().decode(errors="replace"))
            raise CrawlChildError(f"the crawl process ended without a report (exit status {rc})"
                                  + (f"; last log line: {tail[:300]}" if tail else ""))
        return spiders


def run_in_child(config: dict, on_event: Callable[[dict], None] | None = None, *,
                 log_path: Path | None = None, env: dict | None = None,
                 child: CrawlChild | None = None) -> dict:
    """Run a crawl in a child process (``child``, started ahead, or a new one); returns each
    spider's figures."""
    if child is not None:
        return child.run(config, on_event, log_path=log_path)
    with CrawlChild(env=env) as new:
        return new.run(config, on_event, log_path=log_path)
