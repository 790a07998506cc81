"""The crawl child's entry point: ``python -m crawler.child`` (started by ``crawler.process.CrawlChild``).

Loads Scrapy and the spiders before its config arrives on stdin (the parent
meanwhile syncs watchlists and opens the run), builds one crawler per platform
from ``crawler.settings.scrapy_settings(config)``, connects an
``crawler.events.EventWriter`` on the real stdout to each crawler's
``crawler.signals.report`` signal, crawls, and writes a final ``done`` event.
stdout is reserved for events: anything a library prints goes to the log.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _load() -> None:
    """Everything a crawl needs, imported before the config arrives (see ``CrawlChild``)."""
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

    from crawler import extensions, middlewares, pipelines, spidermiddlewares  # noqa: F401
    from crawler.spiders import SPIDERS  # noqa: F401
    gc.freeze()
    gc.enable()


def _log_to(path: str) -> None:
    """Send stderr (Scrapy's log) and stray prints to the run's log file from now on."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 2)
    os.dup2(fd, 1)
    os.close(fd)


def crawl(config: dict, writer, loading: str = "") -> None:
    """Run every platform's spider over its accounts; events go to ``writer``. ``loading``: the
    child's load times, logged once Scrapy has set up logging."""
    import logging

    from scrapy.crawler import CrawlerProcess

    from crawler import signals
    from crawler.settings import scrapy_settings
    from crawler.spiders import SPIDERS

    t0 = time.monotonic()
    log = logging.getLogger("crawler.child")
    process = CrawlerProcess(scrapy_settings(config))
    scheduled = 0
    by_platform: dict[str, list[dict]] = {}
    for acc in config.get("accounts", []):
        by_platform.setdefault(acc["platform"], []).append(acc)
    for platform, accounts in by_platform.items():
        cls = SPIDERS.get(platform)
        if cls is None:
            continue
        crawler = process.create_crawler(cls)
        crawler.signals.connect(writer.send, signal=signals.report)
        done = process.crawl(crawler, accounts=accounts)
        # a spider that cannot start (a bug, a bad setting) must say so in the log: its accounts
        # are then reported as not collected by the parent
        done.addErrback(lambda f, name=platform: log.error("crawl child: the %s crawl failed: %s", name,
                                                            f.getTraceback()))
        scheduled += 1
    log.info("crawl child: %sspiders set up in %.2f s", loading, time.monotonic() - t0)
    t_ready = time.monotonic()
    if scheduled:
        process.start()
    log.info("crawl child: crawled in %.2f s", time.monotonic() - t_ready)


def main() -> int:
    t0 = time.monotonic()
    from crawler.events import EventWriter

    # stdout is reserved for events; anything printed by libraries goes to stderr (the log)
    writer = EventWriter(os.fdopen(os.dup(1), "w", buffering=1))
    os.dup2(2, 1)
    _load()
    t_loaded = time.monotonic()
    raw = sys.stdin.read()
    if not raw.strip():
        return 0        # started ahead for a crawl that did not happen
    config = json.loads(raw)
    if config.get("log_path"):
        _log_to(config["log_path"])
    crawl(config, writer, f"loaded in {t_loaded - t0:.2f} s, config after {time.monotonic() - t_loaded:.2f} s "
                          "more, ")
    writer.send({"event": "done"})     # flushed: the parent has it before the child exits
    return 0


if __name__ == "__main__":
    _rc = main()
    # Leave without the interpreter's teardown (Twisted, asyncio, the spiders' objects: 0.1-0.5 s
    # of a no-change crawl): the pipeline and the run statistics have committed and closed the
    # database, and the parent already has the ``done`` event.
    import logging
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_rc)
