"""The ``pantau`` console script's first step: start the crawl child before the CLI loads.

``pantau crawl`` hands its spiders to a child process that needs a quarter of a second to
load Python and Scrapy (``crawler.process.CrawlChild``). Started here, before Typer, Rich,
pydantic and sqlite-utils are imported for the command line, it loads on the other core
while this process builds the command and syncs the watchlists. This module imports
nothing heavy: only ``crawler.process`` when the command is ``crawl``.
"""

from __future__ import annotations

import sys


def command_word(argv: list[str]) -> str | None:
    """The command named on a command line (after the root options), or None for help."""
    args = iter(argv)
    for arg in args:
        if arg in ("--help", "-h"):
            return None
        if arg in ("--workspace", "-w"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def run() -> None:
    argv = sys.argv[1:]
    child = None
    if command_word(argv) == "crawl":
        from crawler.process import CrawlChild      # not pantau.jobs.crawl: it loads more
        child = CrawlChild()                         # this process's environment, as start_crawl_child
    from pantau.cli import main
    sys.exit(main(argv, crawl_child=child))
