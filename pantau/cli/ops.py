"""Operations: backups and retention."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pantau.cli import app, console, state


@app.command()
def backup(
    dest: Optional[Path] = typer.Argument(
        None, help="Backup file to write, or a folder for a dated file (default: [storage] backups)."),
    force: bool = typer.Option(False, "--force", help="Overwrite DEST if it exists."),
) -> None:
    """Online backup of the database (safe while a run is going on).

    Example: pantau backup /srv/backups/pantau-$(date +%F).db
    """
    from pantau.jobs.backup import backup as do_backup
    settings = state.settings()
    if dest is None:
        import storage
        dest = storage.private_dir(settings.path(settings.storage.backups))
    r = do_backup(settings, dest, force=force)
    console.print(f"backup written to {r.dest} ({r.bytes:,} bytes, {r.pages:,} pages, "
                  f"integrity {r.integrity}, {r.seconds:.1f} s)")


@app.command()
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would go.")) -> None:
    """Apply the retention period: drop unmatched interactions and actors older than [retention] days,
    and erase citizens' reports closed as invalid or duplicate as long ago.

    Example: pantau purge --dry-run
    """
    from pantau.jobs.purge import purge as do_purge
    s = state.settings()
    r = do_purge(s, state.db(), dry_run=dry_run)
    verb = "would delete" if r.dry_run else "deleted"
    console.print(f"retention {s.retention.days} days (observed before {r.cutoff}): {verb} "
                  f"{r.interactions:,} interaction(s) of unmatched actors, {r.actors:,} actor(s), "
                  f"{r.evidence_rows:,} evidence row(s)"
                  + ("" if r.dry_run else f", {r.evidence_files:,} evidence file(s)"))
    for platform, n in sorted(r.by_platform.items()):
        console.print(f"  {platform}: {n:,}")
    if r.tips:
        console.print(f"{'would erase' if r.dry_run else 'erased'} {r.tips:,} citizen report(s) closed as invalid "
                      "or duplicate and untouched since then"
                      + ("" if r.dry_run else f" ({r.tip_files:,} image file(s))"))
    if r.dry_run:
        console.print("nothing was deleted (--dry-run)")
