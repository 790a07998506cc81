"""The nightly job: ``run``, ``schedule`` and ``cron``."""

from __future__ import annotations

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import UsageError


@app.command()
def run(
    wait: float = typer.Option(0.0, "--wait", metavar="SECONDS",
                               help="Wait up to this long for another Pantau job to finish "
                                    "(default: stop at once with a message)."),
    trigger: str = typer.Option("cli", "--trigger", hidden=True,
                                help="What started the run (schedule, cron, demo, test); recorded in runs."),
) -> None:
    """The nightly job: sync, crawl, match, capture evidence, summarise.

    Exits 1 when a stage failed (after finishing the stages it could) or when
    another job holds the workspace lock.

    Example: pantau run
    """
    from pantau.cli.progress import RichProgress
    from pantau.jobs.nightly import TRIGGERS, Terminated, nightly
    from pantau.notify import render_text
    if trigger not in TRIGGERS:
        raise UsageError(f"--trigger must be one of {', '.join(TRIGGERS)}")
    try:
        result = nightly(state.settings(), trigger=trigger, wait=wait, progress=RichProgress(err_console))
    except Terminated:
        from pantau.cli import fail
        fail("terminated; the run is recorded as interrupted and the next run completes it")
        raise typer.Exit(143)
    console.print(render_text(result.summary))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def schedule() -> None:
    """Run the in-process scheduler ([schedule] in pantau.toml) until stopped.

    Each run is `pantau run` in a child process; logs go to data/logs/scheduler.log.
    SIGTERM or Ctrl-C stops it (a run in progress is asked to stop).

    Example: pantau schedule
    """
    from pantau.jobs.schedule import serve
    raise typer.Exit(serve(state.settings()))


@app.command()
def cron() -> None:
    """Print a crontab line for the nightly job.

    Example: (crontab -l; pantau cron) | crontab -
    """
    from pantau.jobs.schedule import cron_line
    console.print(cron_line(state.settings()))
