"""The review web app and its user accounts."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from pantau.cli import app, console, state
from pantau.errors import PantauError, UsageError

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
    from pantau.review.app import serve

    if port is not None and not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number")
    settings = state.settings()
    console.print(f"Pantau review app on http://{host or settings.review.host}:"
                  f"{settings.review.port if port is None else port}/ (Ctrl+C to stop)")
    serve(settings, host=host, port=port)


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., "--role", help="admin, reviewer or viewer."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Add a review-app user (password from a prompt or --password-stdin).

    Example: echo 's3cret-pass' | pantau user add ani --role reviewer --password-stdin
    """
    from pantau.review.auth import check_password_policy, hash_password
    from storage.queries import users as users_q

    if role not in users_q.ROLES:
        raise UsageError(f"--role {role}: must be one of {', '.join(users_q.ROLES)}")
    if not name.strip() or name != name.strip() or len(name) > 64 or any(c.isspace() for c in name):
        raise UsageError(f"{name!r}: a user name is 1-64 characters without spaces")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if reason := check_password_policy(password):
        raise PantauError(reason)
    db = state.db()
    try:
        users_q.add(db, name, hash_password(password), role)
    except users_q.UserExists:
        raise PantauError(f"user {name!r} already exists") from None
    console.print(f"Added {role} {name}.")
