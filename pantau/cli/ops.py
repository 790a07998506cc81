"""Operations: backups and retention."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command()
def backup(dest: Path = typer.Argument(..., help="Backup file to write.")) -> None:
    """Online backup of the database (safe while a run is going on).

    Example: pantau backup /srv/backups/pantau-$(date +%F).db
    """
    raise NotBuilt("pantau backup is not built yet (issue 5)")


@app.command()
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would go.")) -> None:
    """Apply the retention period: drop unmatched interactions and actors older than [retention] days.

    Example: pantau purge --dry-run
    """
    raise NotBuilt("pantau purge is not built yet (issue 5)")
