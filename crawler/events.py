"""The crawl child's event channel to its parent: one JSON object per line on the child's stdout.

Events: ``progress`` (about once a second per spider: accounts finished,
requests, items, new items), ``account`` (one per account when its spider
closes: its ``account_runs`` figures), ``spider`` (one per spider: its totals
and its accounts' rows) and a final ``done``. The child writes them with
:class:`EventWriter`, connected to the ``crawler.signals.report`` signal of each
crawler; the parent (``crawler.process.CrawlChild``) reads them with :func:`read`.
Components only send the signal: none of them knows there is a parent.
"""

from __future__ import annotations

import json
import threading
from typing import IO, Iterator


class EventWriter:
    """Writes events to one stream, a whole line at a time (the progress ticker and Scrapy's
    callbacks run in one thread, but Scrapy may log from others)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self._lock = threading.Lock()

    def send(self, event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self.stream.write(line)
            self.stream.flush()


def read(stream: IO[bytes]) -> Iterator[dict]:
    """The events of a child's stdout, in order; lines that are not JSON objects are skipped."""
    for raw in stream:
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event
