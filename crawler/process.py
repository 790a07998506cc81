"""Run the chosen spiders in a child process and hand their figures back.

The Twisted reactor cannot be restarted within one process, so every crawl,
tests included, runs in a fresh ``python -m crawler.process``. The parent writes
a JSON config to the child's stdin; the child writes one JSON event per line to
its stdout (progress, one per finished account, and a final ``done``); Scrapy's
log goes to a file.

Config keys: ``db_path``, ``run_id``, ``accounts`` (from
``storage.queries.accounts.crawl_targets``), ``crawl`` (the [crawl] values),
``platforms`` (name -> base_url, api_key_env, storage_state, page_size),
``profile_dirs`` (folders of selector profiles), optional ``log_level``,
``today`` (tests), ``batch_size``, ``retry_backoff``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
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


def run_in_child(config: dict, on_event: Callable[[dict], None] | None = None, *,
                 log_path: Path | None = None, env: dict | None = None) -> dict:
    """Run a crawl in a child process; returns the ``done`` event's ``spiders`` figures."""
    log_file = open(log_path, "ab") if log_path else subprocess.DEVNULL
    if log_path:
        try:
            os.chmod(log_path, 0o600)
        except OSError:
            pass
    try:
        child = subprocess.Popen([sys.executable, "-m", "crawler.process"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=log_file, env=env,
                                 preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        child.stdin.write(json.dumps(config, default=str).encode())
        child.stdin.close()
        done = None
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
    finally:
        if log_path:
            log_file.close()
    if done is None:
        tail = ""
        if log_path and Path(log_path).exists():
            lines = Path(log_path).read_text(errors="replace").strip().splitlines()
            tail = next((ln for ln in reversed(lines) if ln.strip()), "")
        raise CrawlChildError(f"the crawl process ended without a report (exit status {rc})"
                              + (f"; last log line: {tail[:300]}" if tail else ""))
    return done.get("spiders", {})


def main() -> int:
    global _events
    config = json.load(sys.stdin)
    # stdout is reserved for events; anything printed by libraries goes to stderr (the log)
    _events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    # run as ``python -m``, this module is __main__; components import ``crawler.process``: share the channel
    import crawler.process as imported
    imported._events = _events

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
    if by_platform:
        process.start()
    emit({"event": "done", "spiders": extensions.RESULTS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
