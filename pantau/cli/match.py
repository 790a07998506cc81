"""Matching actors against the roster: ``pantau match``."""

from __future__ import annotations

import typer

from pantau.cli import app, console, err_console, state


@app.command()
def match(
    full: bool = typer.Option(False, "--full", help="Re-score every actor, not only new or changed ones."),
) -> None:
    """Match new or changed actors against the active roster.

    Scores only actors new or changed since the last match, unless the roster or the
    matching model changed (then all). Decisions stay: a rejected pair is never raised again.

    Example: pantau match --full
    """
    from pantau.cli.progress import RichProgress
    from pantau.jobs.match import run_match

    settings = state.settings()
    db = state.db()
    result = run_match(settings, db, full=full, trigger="cli", progress=RichProgress(err_console, "match: "))
    bands = ", ".join(f"{result.bands.get(b, 0)} {b}" for b in ("strong", "possible", "namesake"))
    console.print(
        f"match run {result.run_id}: scored {result.actors_scored} actors against {result.employees} employees "
        f"in {result.seconds:.1f} s; {result.candidates} candidates ({result.new_matches} new, "
        f"{result.updated_matches} updated, {result.withdrawn} withdrawn); pending: {bands}")
