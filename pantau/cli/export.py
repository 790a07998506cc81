"""Exports of matches and interactions."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pantau.cli import app, err_console, state


@app.command()
def export(
    what: str = typer.Argument(..., help="matches or interactions."),
    format: str = typer.Option("csv", "--format", "-f", help="csv, jsonl or xlsx."),
    status: Optional[str] = typer.Option(None, "--status", help="Only matches with this status."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: stdout)."),
) -> None:
    """Export matches or interactions with the fixed columns of docs/export.md.

    Example: pantau export matches --format xlsx --status confirmed --out confirmed.xlsx
    """
    from pantau.export import export as run_export
    from pantau.wording import for_settings

    settings = state.settings()
    n = run_export(state.db(), what, format, out, status=status, tz=settings.schedule.timezone,
                   wording=for_settings(settings))
    err_console.print(f"exported {n} {what} as {format} to {out if out else 'stdout'}", soft_wrap=True)
