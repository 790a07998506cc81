"""Collecting: ``pantau crawl``."""

from __future__ import annotations

from typing import Optional

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import PantauError


@app.command()
def crawl(
    platform: Optional[str] = typer.Option(None, "--platform", "-p", help="Only this platform."),
    account: Optional[str] = typer.Option(None, "--account", "-a", help="Only this account handle."),
) -> None:
    """Sync the watchlists, then run the spiders.

    Example: pantau crawl --platform mastodon
    """
    from pantau.jobs.crawl import run_crawl, start_crawl_child

    # the crawl child loads Scrapy on the other core while this process syncs the watchlists
    # (pantau.launch starts it before the CLI loads; called another way, it starts here)
    with (state.crawl_child or start_crawl_child()) as child:
        from rich.table import Table

        from pantau.cli.progress import RichProgress
        from pantau.jobs.sync import sync_watchlists

        settings = state.settings()
        db = state.db()
        try:
            sync_watchlists(settings, db)
            result = run_crawl(settings, db, platform=platform, account=account, trigger="cli",
                               progress=RichProgress(err_console), child=child)
        finally:
            db.close()
    table = Table(title=f"crawl run {result.run_id}")
    for col in ("platform", "account", "status", "requests", "items", "new", "retries", "errors", "note"):
        table.add_column(col, justify="right" if col in ("requests", "items", "new", "retries", "errors") else "left")
    for a in result.accounts:
        table.add_row(a.platform, a.handle, a.status, str(a.requests), str(a.items), str(a.new_items),
                      str(a.retries), str(a.errors), a.message or "")
    console.print(table)
    for note in result.notes:
        console.print(note, markup=False)
    console.print(f"{result.new_interactions} new interactions from {len(result.accounts)} accounts "
                  f"in {result.seconds:.1f} s")
    if result.failures:
        raise PantauError(f"{len(result.failures)} account(s) not collected: " + "; ".join(result.failures))
