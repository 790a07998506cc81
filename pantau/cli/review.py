"""The review web app and its user accounts."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.table import Table

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
    from pantau.review.app import listen, serve

    if port is not None and not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number")
    settings = state.settings()
    host = host or settings.review.host
    port = settings.review.port if port is None else port
    sock = listen(host, port)          # a busy port is one error line, before anything else is said
    console.print(f"Pantau review app on http://{host}:{sock.getsockname()[1]}/ (Ctrl+C to stop)")
    serve(settings, sock)


def _password(password_stdin: bool) -> str:
    from pantau.review.auth import check_password_policy

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if reason := check_password_policy(password):
        raise PantauError(reason)
    return password


def _role(role: str) -> str:
    from storage.queries import users as users_q

    if role not in users_q.ROLES:
        raise UsageError(f"role {role}: must be one of {', '.join(users_q.ROLES)}")
    return role


def _change(fn, name: str, *args):
    """Run a users-table change, turning its refusals into one-line errors."""
    from storage.queries import users as users_q

    try:
        return fn(state.db(), name, *args)
    except KeyError:
        raise PantauError(f"no user named {name!r} (see `pantau user list`)") from None
    except users_q.LastAdmin:
        raise PantauError(f"{name} is the last active admin; make another user admin first") from None


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., "--role", help="admin, reviewer or viewer."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    full_name: Optional[str] = typer.Option(None, "--full-name",
                                            help="Name and titles printed on case reports (default: NAME)."),
) -> None:
    """Add a review-app user (password from a prompt or --password-stdin).

    Example: echo 's3cret-pass' | pantau user add ani --role reviewer --full-name "Ani Lestari, S.H." --password-stdin
    """
    from pantau.review.auth import check_user_name, hash_password
    from storage.queries import users as users_q

    if role not in users_q.ROLES:
        raise UsageError(f"--role {role}: must be one of {', '.join(users_q.ROLES)}")
    if check_user_name(name):
        raise UsageError(f"{name!r}: a user name is 1-64 characters without spaces")
    full_name = _full_name(full_name)
    password = _password(password_stdin)
    db = state.db()
    try:
        users_q.add(db, name, hash_password(password), role, full_name=full_name)
    except users_q.UserExists:
        raise PantauError(f"user {name!r} already exists") from None
    console.print(f"Added {role} {name}.")


def _full_name(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value or len(value) > 200 or not value.isprintable():
        raise UsageError("--full-name: 1-200 printable characters")
    return value


@user_app.command("fullname")
def user_fullname(
    name: str = typer.Argument(..., help="Sign-in name."),
    full_name: str = typer.Argument(..., help="Name and titles as case reports print them ('' to clear)."),
) -> None:
    """Set the full name a case report prints for this reviewer (their decisions and notes).

    Example: pantau user fullname rudi "Rudi Hartono, S.H."
    """
    from storage.queries import users as users_q

    value = _full_name(full_name) if full_name.strip() else None
    try:
        users_q.set_full_name(state.db(), name, value)
    except KeyError:
        raise PantauError(f"no user {name!r}") from None
    console.print(f"{name}: case reports print {value or name}.")


@user_app.command("list")
def user_list() -> None:
    """List the review-app users: role, active or not, last sign-in.

    Example: pantau user list
    """
    from storage.queries import users as users_q

    users = users_q.all_users(state.db())
    table = Table("name", "role", "active", "last sign-in", "created", box=None)
    for u in users:
        table.add_row(u["name"], u["role"], "yes" if u["active"] else "no", u["last_login_at"] or "never",
                      u["created_at"] or "")
    console.print(table)
    console.print(f"{len(users)} users")


@user_app.command("passwd")
def user_passwd(
    name: str = typer.Argument(..., help="Sign-in name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Set a new password for a user (their open sessions end; the sign-in back-off is cleared).

    Example: echo 'new-long-password' | pantau user passwd ani --password-stdin
    """
    from pantau.review.auth import hash_password
    from storage.queries import users as users_q

    if users_q.by_name(state.db(), name) is None:
        raise PantauError(f"no user named {name!r} (see `pantau user list`)")
    password = _password(password_stdin)
    _change(users_q.set_password, name, hash_password(password))
    console.print(f"New password set for {name}.")


@user_app.command("role")
def user_role(
    name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Argument(..., help="admin, reviewer or viewer."),
) -> None:
    """Change a user's role (the last active admin keeps theirs).

    Example: pantau user role rudi admin
    """
    from storage.queries import users as users_q

    changed = _change(users_q.set_role, name, _role(role))
    console.print(f"{name} is now {role}." if changed else f"{name} already is {role}.")


@user_app.command("disable")
def user_disable(name: str = typer.Argument(..., help="Sign-in name.")) -> None:
    """Deactivate a user: sign-in refused, open sessions end, their decisions stay.

    Example: pantau user disable rudi
    """
    from storage.queries import users as users_q

    changed = _change(users_q.set_active, name, False)
    console.print(f"{name} is deactivated." if changed else f"{name} was already deactivated.")


@user_app.command("enable")
def user_enable(name: str = typer.Argument(..., help="Sign-in name.")) -> None:
    """Reactivate a deactivated user.

    Example: pantau user enable rudi
    """
    from storage.queries import users as users_q

    changed = _change(users_q.set_active, name, True)
    console.print(f"{name} is active again." if changed else f"{name} already is active.")
