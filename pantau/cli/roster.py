"""Importing the employee roster."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import PantauError
from storage.cleaning import terminal_safe

roster_app = typer.Typer(help="The civil-servant roster.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(..., help="Roster file, .csv or .xlsx."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Sheet of an .xlsx (default: the first)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source name (default: the file's name)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any row is bad."),
    force: bool = typer.Option(False, "--force", help="Store even if more than [roster] max_deactivate_share "
                               "of the source's active employees would become inactive."),
) -> None:
    """Import employees; those of the same source missing from the file become inactive.

    Example: pantau roster import pegawai-2029.xlsx --source bkpsdm
    """
    from pantau.roster import import_roster

    db = state.db()
    with err_console.status("reading the roster", spinner="dots"):
        r = import_roster(db, file, sheet=sheet, source=source, strict=strict, force=force,
                          max_deactivate_share=state.settings().roster.max_deactivate_share)
    for e in r.rejected:
        err_console.print(terminal_safe(e), soft_wrap=True, markup=False, highlight=False)
    console.print(
        f"{r.file}: {r.rows} rows, {r.accepted} accepted, {len(r.rejected)} rejected; "
        + (f"{r.inserted} new, {r.updated} updated, {r.unchanged} unchanged, {r.deactivated} deactivated "
           f"(source {r.source})" if r.stored else "nothing stored"))
    if r.unknown_columns:
        console.print(f"{r.file}: columns not read (Pantau does not know them): {', '.join(r.unknown_columns)}")
    if r.refused:
        raise PantauError(f"{r.file}: {r.refused}")
    if r.rejected:
        if strict:
            raise PantauError(f"{len(r.rejected)} rows rejected; nothing stored (--strict)")
        if not r.stored:
            raise PantauError(f"all {len(r.rejected)} rows rejected; nothing stored")
        raise PantauError(f"{len(r.rejected)} rows rejected; the {r.accepted} good rows were stored")
