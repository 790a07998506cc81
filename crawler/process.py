"""Run the chosen spiders in a child process and hand their figures back.

The Twisted reactor cannot be restarted within one process, so every crawl,
tests included, runs in a fresh ``python -m crawler.process``. The parent writes
a JSON config to the child's stdin; the child writes one JSON event per line to
its stdout (progress, one per finished account, and a final ``done``); Scrapy's
log goes to a file.

Config keys: ``db_path``, ``run_id``, ``accounts`` (from
``storage.queries.accounts.crawl_targets``), ``crawl`` (the [crawl] values),
``platforms`` (name -> base_url, api_key_env, storage_state, page_size,
monthly_read_cap), ``profile_dirs`` (folders of selector profiles),
``chromium`` (the browser executable), optional ``log_level``,
``log_path`` (the run's log file; set by :meth:`CrawlChild.run`), ``today``
(tests), ``batch_size``, ``retry_backoff``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

_events = None
_lock = threading.Lock()


def emit(event: dict) -> None:
    """One event line to the parent (a no-op outside a crawl child)."""
    if _events is None:
        return
    with _lock:
        _events.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        _events.flush()


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
    """One ``python -m crawler.process``, started before its config is known.

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
            [sys.executable, "-m", "crawler.process"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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
        """Hand the child its config and read its events; returns the ``done`` event's ``spiders``."""
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
        try:
            child.stdin.write(json.dumps(config, default=str).encode())
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass   # the child is gone; its log explains why
        for raw in child.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if event.get("event") == "done":
                done = event
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
        return done.get("spiders", {})


def run_in_child(config: dict, on_event: Callable[[dict], None] | None = None, *,
                 log_path: Path | None = None, env: dict | None = None,
                 child: CrawlChild | None = None) -> dict:
    """Run a crawl in a child process (``child``, started ahead, or a new one); returns the
    ``done`` event's ``spiders`` figures."""
    if child is not None:
        return child.run(config, on_event, log_path=log_path)
    with CrawlChild(env=env) as new:
        return new.run(config, on_event, log_path=log_path)


def _load() -> None:
    """Everything a crawl needs, imported before the config arrives (see :class:`CrawlChild`)."""
    import gc

    # the modules' objects live as long as the process: no cycles to look for while loading
    # them (a tenth of the loading time), and later collections need not walk them again
    gc.disable()
    # sqlite_utils imports numpy and pandas only to map their scalar types to column types;
    # a crawl stores plain Python values, and numpy alone costs a tenth of a second to load
    for name in ("numpy", "pandas"):
        sys.modules.setdefault(name, None)
    # imported here, near the bottom of the stack: its deprecation shims call inspect.stack(),
    # which reads the source of every frame above them
    import scrapy.core.downloader.handlers.http11  # noqa: F401
    from scrapy.crawler import CrawlerProcess  # noqa: F401

    from crawler import extensions, middlewares, pipelines  # noqa: F401
    from crawler.spiders import SPIDERS  # noqa: F401
    gc.freeze()
    gc.enable()


def _log_to(path: str) -> None:
    """Send stderr (Scrapy's log) and stray prints to the run's log file from now on."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 2)
    os.dup2(fd, 1)
    os.close(fd)


def main() -> int:
    global _events
    t0 = time.monotonic()
    # stdout is reserved for events; anything printed by libraries goes to stderr (the log)
    _events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    # run as ``python -m``, this module is __main__; components import ``crawler.process``: share the channel
    import crawler.process as imported
    imported._events = _events

    _load()
    t_loaded = time.monotonic()
    raw = sys.stdin.read()
    if not raw.strip():
        return 0        # started ahead for a crawl that did not happen
    config = json.loads(raw)
    t_config = time.monotonic()
    if config.get("log_path"):
        _log_to(config["log_path"])

    import logging

    from scrapy.crawler import CrawlerProcess

    from crawler import extensions, middlewares
    from crawler.settings import crawl_options, scrapy_settings
    from crawler.spiders import SPIDERS

    middlewares.ALLOWED_HOSTS[:] = [h.lower() for h in crawl_options(config)["allowed_hosts"]]
    settings = scrapy_settings(config)
    process = CrawlerProcess(settings)
    by_platform: dict[str, list[dict]] = {}
    for acc in config.get("accounts", []):
        by_platform.setdefault(acc["platform"], []).append(acc)
    for platform, accounts in by_platform.items():
        cls = SPIDERS.get(platform)
        if cls is None:
            continue
        process.crawl(cls, config=config, accounts=accounts)
    t_ready = time.monotonic()
    log = logging.getLogger("crawler.process")
    log.info("crawl child: loaded in %.2f s, config after %.2f s more, spiders set up in %.2f s",
             t_loaded - t0, t_config - t_loaded, t_ready - t_config)
    if by_platform:
        process.start()
    log.info("crawl child: crawled in %.2f s", time.monotonic() - t_ready)
    emit({"event": "done", "spiders": extensions.RESULTS})
    return 0


if __name__ == "__main__":
    _rc = main()
    # Leave without the interpreter's teardown (Twisted, asyncio, the spiders' objects: 0.1-0.5 s
    # of a no-change crawl): the pipeline and the run statistics have committed and closed the
    # database, and the parent already has the ``done`` event.
    import logging
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr, _events):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_rc)
