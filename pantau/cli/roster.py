"""Importing the employee roster."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt

roster_app = typer.Typer(help="The civil-servant roster.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(..., help="Roster file, .csv or .xlsx."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Sheet of an .xlsx (default: the first)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source name (default: the file's name)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any row is bad."),
) -> None:
    """Import employees; those of the same source missing from the file become inactive.

    Example: pantau roster import pegawai-2029.xlsx --source bkpsdm
    """
    raise NotBuilt("pantau roster import is not built yet (issue 2)")
