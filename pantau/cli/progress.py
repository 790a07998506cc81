"""The Rich renderer of the jobs' progress protocol (``pantau.jobs.progress``): stderr only."""

from __future__ import annotations

import re
import time

from rich.console import Console

#: without a terminal (logs, cron), a progress line this often
PROGRESS_EVERY_S = 5.0

# collected text (handles, messages) reaches these lines: no terminal escapes from strangers
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: str) -> str:
    return _CONTROL.sub("?", text)


class RichProgress:
    """Lines on stderr, and one progress bar for the current counted task (when a terminal shows it).

    The consoles of ``pantau.cli`` are built with ``markup=False``, and the bar's text
    columns are too, so nothing a stranger wrote is read as Rich markup.
    """

    def __init__(self, console: Console, prefix: str = "") -> None:
        self.console = console
        self.prefix = prefix
        self.bar = None
        self.task_id = None
        self.name = ""
        self.total: int | None = None
        self.last_line = 0.0

    def say(self, text: str) -> None:
        line = _plain(f"{self.prefix}{text}")
        (self.bar.console if self.bar is not None else self.console).print(line, markup=False, highlight=False)

    def task(self, name: str, total: int | None) -> None:
        self.finish()
        self.name, self.total, self.last_line = name, total, time.monotonic()
        if not self.console.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn(_plain(name), markup=False), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[info]}", markup=False), TimeElapsedColumn(),
                            console=self.console, transient=False)
        self.task_id = self.bar.add_task(name, total=total, info="")
        self.bar.start()

    def advance(self, done: int, info: str = "") -> None:
        if self.bar is not None:
            self.bar.update(self.task_id, completed=done, info=_plain(info))
            return
        now = time.monotonic()      # no terminal: a line every few seconds, for logs
        if now - self.last_line >= PROGRESS_EVERY_S and (self.total is None or done < self.total):
            self.last_line = now
            pct = f" ({100.0 * done / self.total:.0f}%)" if self.total else ""
            self.say(f"{self.name}: {info or done}{pct}")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
            self.task_id = None
