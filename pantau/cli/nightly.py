"""The nightly job: ``run``, ``schedule`` and ``cron``."""

from __future__ import annotations

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command()
def run() -> None:
    """The nightly job: sync, crawl, match, capture evidence, summarise.

    Example: pantau run
    """
    raise NotBuilt("pantau run is not built yet (issue 5)")


@app.command()
def schedule() -> None:
    """Run the in-process scheduler ([schedule] in pantau.toml) until stopped.

    Example: pantau schedule
    """
    raise NotBuilt("pantau schedule is not built yet (issue 5)")


@app.command()
def cron() -> None:
    """Print a crontab line for the nightly job.

    Example: pantau cron >> mycrontab
    """
    raise NotBuilt("pantau cron is not built yet (issue 5)")
