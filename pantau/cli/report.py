"""Case reports, the form in which a case goes to BKN or Bawaslu."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli import app, err_console, state
from pantau.errors import UsageError

report_app = typer.Typer(help="Reports to send on (a case report per employee).", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("case")
def report_case(
    nip: str = typer.Argument(..., help="The employee's NIP (18 digits; spaces allowed)."),
    out: Path = typer.Option(..., "--out", "-o", help="The PDF file to write."),
) -> None:
    """Write the case report of one employee as a PDF (their confirmed accounts and every event).

    Example: pantau report case "19850312 201001 1 001" --out kasus-1001.pdf
    """
    from pantau.case_report import write_case_pdf
    from pantau.export import check_folder
    from pantau.roster import parse_nip
    from storage.queries.audit import cli_user
    from storage.records import mask_nip

    clean, reason = parse_nip(nip)
    if clean is None:
        # the reason names the (masked) NIP itself, or says what is wrong with it
        raise UsageError(reason if reason.startswith("NIP") else f"NIP: {reason}")
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"--out {out}: the report is a PDF; give a file name ending in .pdf")
    check_folder(out)                   # before Chromium prints anything and the export is audited
    size = write_case_pdf(state.db(), state.settings(), clean, out, printed_by=cli_user())
    err_console.print(f"wrote the case report of NIP {mask_nip(clean)} to {out} ({size:,} bytes)", soft_wrap=True)
