"""Collecting: ``pantau crawl``."""

from __future__ import annotations

from typing import Optional

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command()
def crawl(
    platform: Optional[str] = typer.Option(None, "--platform", "-p", help="Only this platform."),
    account: Optional[str] = typer.Option(None, "--account", "-a", help="Only this account handle."),
) -> None:
    """Sync the watchlists, then run the spiders.

    Example: pantau crawl --platform mastodon
    """
    raise NotBuilt("pantau crawl is not built yet (issue 3)")
