"""Importing interactions exported from elsewhere."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import PantauError


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="Interactions, .jsonl or .csv (see docs/import.md)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any line is bad."),
) -> None:
    """Import interactions (JSON Lines or CSV); importing the same file twice adds nothing.

    Example: pantau import instagram-likes.jsonl
    """
    from pantau.cli.progress import RichProgress
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
    r = import_interactions(db, file, strict=strict, progress=RichProgress(err_console),
                            tz=settings.schedule.timezone)
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
