"""Matching actors against the roster."""

from __future__ import annotations

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command()
def match() -> None:
    """Match new or changed actors against the active roster.

    Example: pantau match
    """
    raise NotBuilt("pantau match is not built yet (issue 6)")
