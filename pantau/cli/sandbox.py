"""The local demo platforms and the end-to-end demo."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt


@app.command()
def sandbox(
    port: int = typer.Option(8900, "--port", help="Port on 127.0.0.1."),
    seed: int = typer.Option(1, "--seed", help="Seed of the generated content."),
    size: str = typer.Option("small", "--size", help="small or large."),
    faults: bool = typer.Option(False, "--faults", help="Inject 429s, 500s, slow and truncated answers."),
) -> None:
    """Serve fictional Mastodon, Bluesky, YouTube and a rendered microblog on 127.0.0.1.

    Example: pantau sandbox --port 8900 --size large
    """
    raise NotBuilt("pantau sandbox is not built yet (issue 3)")


@app.command()
def demo(directory: Optional[Path] = typer.Argument(None, help="Workspace to create (default: a temporary one).")) -> None:
    """Sandbox + sample roster + crawl + match, end to end, with a summary.

    Example: pantau demo /tmp/pantau-demo
    """
    raise NotBuilt("pantau demo is not built yet (issue 3)")
