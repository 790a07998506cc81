"""The review web app and its user accounts."""

from __future__ import annotations

from typing import Optional

import typer

from pantau.cli import app, state
from pantau.errors import NotBuilt

user_app = typer.Typer(help="Review-app user accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@app.command()
def review(
    host: Optional[str] = typer.Option(None, "--host", help="Address to listen on ([review] host)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port ([review] port)."),
) -> None:
    """Serve the review web app.

    Example: pantau review --port 8765
    """
    raise NotBuilt("pantau review is not built yet (issue 4)")


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., "--role", help="admin, reviewer or viewer."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Add a review-app user (password from a prompt or --password-stdin).

    Example: echo 's3cret-pass' | pantau user add ani --role reviewer --password-stdin
    """
    raise NotBuilt("pantau user add is not built yet (issue 4)")
