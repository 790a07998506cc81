"""Importing interactions exported from elsewhere."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli import app, console, err_console, plural, state
from pantau.errors import PantauError
from storage.cleaning import terminal_safe


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="Interactions (.jsonl or .csv), a browser HAR (.har) or a Zeeschuimer "
                                          "export (.ndjson); see docs/import.md and docs/capture.md."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any line is bad."),
) -> None:
    """Import interactions (JSON Lines, CSV, HAR or Zeeschuimer NDJSON); importing the same file twice adds nothing.

    Example: pantau import instagram-likes.jsonl

    Example: pantau import instagram-komentar.har
    """
    from pantau.capture.job import detect

    fmt = detect(file) if file.is_file() else None
    if fmt:
        import_capture_file(file, fmt)
        return
    from pantau.cli.progress import RichProgress
    from pantau.importer import import_interactions

    settings = state.settings()
    db = state.db()
    # a target account that a watchlist has just gained shows its candidate at once
    sync_or_warn(settings, db, "imported accounts may lack their candidate")
    r = import_interactions(db, file, strict=strict, progress=RichProgress(err_console),
                            tz=settings.schedule.timezone)
    for e in r.rejected:
        err_console.print(terminal_safe(e), soft_wrap=True)
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


def sync_or_warn(settings, db, consequence: str) -> None:
    """Sync the watchlists before an import; a watchlist with a problem changes nothing (``sync``
    refuses), so the import goes on with the accounts of the last good sync and says so."""
    from pantau.jobs.sync import sync_watchlists
    try:
        sync_watchlists(settings, db)
    except PantauError as exc:
        err_console.print(f"warning: watchlists not synced, {consequence}: {exc}", soft_wrap=True)


def import_capture_file(file: Path, fmt: str | None = None) -> None:
    """``pantau import`` of a HAR or Zeeschuimer file (and the import step of ``pantau capture``)."""
    from pantau.capture.job import import_capture

    settings = state.settings()
    db = state.db()
    # interactions land only on accounts the watchlists name: those of the last good sync
    sync_or_warn(settings, db, "interactions on accounts added since the last sync are dropped")
    from pantau.cli.progress import RichProgress
    r = import_capture(db, file, settings=settings, fmt=fmt, progress=RichProgress(err_console))
    print_capture_report(r)


def print_capture_report(r) -> None:
    """What a capture import found, in a few lines a clerk can read."""
    console.print(
        f"{r.file}: {plural(r.entries, 'entry', 'entries') if r.format == 'har' else plural(r.entries, 'item')}, "
        f"{r.platform_responses} from "
        f"Instagram/TikTok/X/Facebook, {r.recognised} recognised, {r.unrecognised} not recognised"
        + (f", {r.no_body} saved without content" if r.no_body else "")
        + (f", {r.damaged} with a damaged body" if r.damaged else "")
        + (f", {r.failed} failed requests" if r.failed else ""), soft_wrap=True)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(r.by_kind.items())) or "none"
    console.print(f"interactions on watched accounts: {r.kept} ({kinds}); {r.new_interactions} new, "
                  f"{r.new_actors} new actors; {r.evidence_files} new evidence files", soft_wrap=True)
    for acc, n in sorted(r.by_account.items()):
        console.print(f"  {acc}: {n}", soft_wrap=True)
    if r.dropped_unwatched:
        top = ", ".join(f"{a} ({n})" for a, n in r.unwatched_accounts.most_common(5))
        console.print(f"dropped {r.dropped_unwatched} interactions on accounts in no watchlist: {top}", soft_wrap=True)
    if r.own_posts:
        console.print(f"skipped {r.own_posts} comments by the watched accounts themselves (their posts)",
                      soft_wrap=True)
    if r.owner_unknown:
        console.print(f"dropped {r.owner_unknown} interactions whose post owner the capture does not show "
                      "(open the post page itself while capturing)", soft_wrap=True)
    if r.unrecognised:
        shapes = "; ".join(f"{s} ({n})" for s, n in r.unrecognised_samples.most_common(5))
        console.print(f"not recognised: {shapes}", soft_wrap=True)
    if r.entries and not r.platform_responses and not r.no_body and not r.damaged:
        console.print("nothing in this file came from Instagram, TikTok, X or Facebook: save the HAR from the "
                      "browser tab where you opened their pages (see docs/capture.md)", soft_wrap=True)
    if r.damaged:
        console.print("some responses in the file are damaged (their content is not valid base64) and were "
                      "not read: save the HAR again from the browser", soft_wrap=True)
    if r.no_body:
        console.print("some responses were saved without their content: in Firefox use "
                      "'Save All As HAR' after the page finished loading (see docs/capture.md)", soft_wrap=True)
