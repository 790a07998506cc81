"""Importing interactions exported from elsewhere."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import PantauError

#: without a terminal (logs, cron), a progress line this often
PROGRESS_EVERY_S = 5.0


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="Interactions, .jsonl or .csv (see docs/import.md)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any line is bad."),
) -> None:
    """Import interactions (JSON Lines or CSV); importing the same file twice adds nothing.

    Example: pantau import instagram-likes.jsonl
    """
    from pantau.importer import import_interactions
    from pantau.jobs.sync import sync_watchlists

    settings = state.settings()
    db = state.db()
    try:
        # a target account that a watchlist has just gained shows its candidate at once
        sync_watchlists(settings, db)
    except PantauError as exc:
        err_console.print(f"warning: watchlists not synced, imported accounts may lack their candidate: {exc}",
                          soft_wrap=True)
    with _progress(file) as progress:
        r = import_interactions(db, file, strict=strict, progress=progress, tz=settings.schedule.timezone)
    for e in r.rejected:
        err_console.print(str(e), soft_wrap=True)
    if r.rejected_total > len(r.rejected):
        err_console.print(f"... and {r.rejected_total - len(r.rejected)} more rejected lines", soft_wrap=True)
    rate = f", {r.lines / r.seconds:,.0f} lines/s" if r.seconds > 0 and r.lines else ""
    console.print(
        f"{r.file}: {r.lines} lines, {r.accepted} accepted, {r.rejected_total} rejected; "
        + (f"{r.new_interactions} new interactions, {r.new_actors} new actors ({r.seconds:.1f} s{rate})"
           if r.stored else "nothing stored"))
    if r.local_times:
        console.print(f"{r.local_times} times without a time zone were read as {r.timezone} time "
                      "([schedule] timezone)")
    if r.rejected_total:
        if strict:
            raise PantauError(f"{r.rejected_total} lines rejected; nothing stored (--strict)")
        raise PantauError(f"{r.rejected_total} lines rejected; the {r.accepted} good lines were stored")


@contextmanager
def _progress(file: Path):
    """A Rich progress bar on a terminal; otherwise a line on stderr every few seconds."""
    if err_console.is_terminal:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("importing"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[lines]} lines"),
                      TimeRemainingColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task("import", total=None, lines=0)

            def update(done: int, total: int, lines: int) -> None:
                bar.update(task, completed=done, total=total, lines=f"{lines:,}")
            yield update
        return
    last = [time.monotonic()]

    def periodic(done: int, total: int, lines: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S and done < total:
            last[0] = now
            pct = 100.0 * done / total if total else 100.0
            err_console.print(f"importing {file.name}: {lines:,} lines read ({pct:.0f}%)", soft_wrap=True)
    yield periodic
