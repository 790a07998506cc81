"""Importing interactions exported from elsewhere."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="Interactions, .jsonl or .csv (see docs/import.md)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any line is bad."),
) -> None:
    """Import interactions (JSON Lines or CSV); importing the same file twice adds nothing.

    Example: pantau import instagram-likes.jsonl
    """
    raise NotBuilt("pantau import is not built yet (issue 2)")
