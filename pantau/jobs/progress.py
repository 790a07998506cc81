"""The one progress protocol of every stage: what a job says while it works.

Jobs never print and never import the CLI: they call a ``Progress`` they are given.
The CLI hands them a Rich renderer (``pantau.cli.progress``); the scheduler and
tests hand them :data:`SILENT` or a :class:`Recorder`. Keeping the jobs on this small
protocol is what lets the same stage run in a terminal, under cron and in a test.
"""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """What a stage reports: a line of news, and a counted task that advances."""

    def say(self, text: str) -> None:
        """One line worth keeping in the log or on screen (``crawl: 3 accounts skipped``)."""

    def task(self, name: str, total: int | None) -> None:
        """A counted piece of work begins (``total`` None when unknown); replaces the previous task."""

    def advance(self, done: int, info: str = "") -> None:
        """The current task reached ``done`` items; ``info`` is a short status text."""

    def finish(self) -> None:
        """The current task ended (a bar is closed)."""


class Silent:
    """Reports nothing: the default of every job called from library code."""

    def say(self, text: str) -> None:
        pass

    def task(self, name: str, total: int | None) -> None:
        pass

    def advance(self, done: int, info: str = "") -> None:
        pass

    def finish(self) -> None:
        pass


SILENT: Progress = Silent()


class Recorder:
    """Keeps every report as a tuple: for tests and for the nightly summary log."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any, Any]] = []

    def say(self, text: str) -> None:
        self.events.append(("say", text, None))

    def task(self, name: str, total: int | None) -> None:
        self.events.append(("task", name, total))

    def advance(self, done: int, info: str = "") -> None:
        self.events.append(("advance", done, info))

    def finish(self) -> None:
        self.events.append(("finish", None, None))

    @property
    def lines(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "say"]


class Prefixed:
    """Another progress with every line prefixed (``match: ...``), as the nightly job shows stages."""

    def __init__(self, inner: Progress, prefix: str) -> None:
        self.inner = inner
        self.prefix = prefix

    def say(self, text: str) -> None:
        self.inner.say(f"{self.prefix}{text}")

    def task(self, name: str, total: int | None) -> None:
        self.inner.task(name, total)

    def advance(self, done: int, info: str = "") -> None:
        self.inner.advance(done, info)

    def finish(self) -> None:
        self.inner.finish()
