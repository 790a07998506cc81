"""``pantau watchlist``: edit, check and sync the watchlist files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from pantau import watchlist as wl
from pantau.cli import app, console, err_console, plural, state
from pantau.errors import PantauError, UsageError
from storage.cleaning import terminal_safe
from storage.records import PLATFORMS

watchlist_app = typer.Typer(help="Watchlists of candidate accounts (watchlists/*.yaml).", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")


@watchlist_app.command("add")
def add(
    platform: str = typer.Argument(..., help=f"{', '.join(PLATFORMS)}; or a profile URL, which names the platform."),
    handle: Optional[str] = typer.Argument(None, help="The account's handle (@name@server.example, calon.satu) "
                                                      "or its profile URL (https://www.instagram.com/calon.satu/)."),
    candidate: str = typer.Option(..., "--candidate", help="Candidate the account belongs to."),
    role: Optional[str] = typer.Option(None, "--role", help="capres, cawapres, dpr, dpd, dprd, kepala-daerah, partai, tim-kampanye."),
    url: Optional[str] = typer.Option(None, "--url", help="The account's page; its origin decides where the spider goes."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Selector profile (web only)."),
    file: Optional[Path] = typer.Option(None, "--file", help="Watchlist file (default: the candidate's file, else watchlists/watchlist.yaml)."),
) -> None:
    """Add an account, keeping the file's comments and order. The handle may be a profile URL.

    Example: pantau watchlist add mastodon @calonsatu@mastodon.example --candidate "Calon Satu" --role capres

    Example: pantau watchlist add instagram https://www.instagram.com/calon.satu/ --candidate "Calon Satu"
    """
    if handle is None:
        if not wl.looks_like_url(platform):
            raise UsageError("missing HANDLE: give PLATFORM HANDLE, or a profile URL alone")
        platform, handle = wl.resolve_handle(None, platform)
    if platform not in PLATFORMS and not wl.looks_like_url(platform):
        raise UsageError(f"unknown platform {platform!r} (known: {', '.join(PLATFORMS)})")
    s = state.settings()
    platform, handle = wl.resolve_handle(platform, handle) if platform in PLATFORMS else (platform, handle)
    path = wl.add(s.watchlists_dir, platform, handle, candidate=candidate, role=role, url=url,
                  profile=profile, file=file, profiles=wl.known_profiles(s.workspace))
    console.print(f"added {platform} {handle} ({candidate}) to {path}", markup=False)


@watchlist_app.command("remove")
def remove(
    platform: str = typer.Argument(...),
    handle: str = typer.Argument(...),
    file: Optional[Path] = typer.Option(None, "--file", help="Only look in this file."),
) -> None:
    """Remove an account from its file; `sync` then disables it (its history is kept).

    Example: pantau watchlist remove bluesky calondua.bsky.social
    """
    s = state.settings()
    if wl.looks_like_url(handle):                     # say the handle removed, not the URL given
        platform, handle = wl.resolve_handle(platform, handle)
    path = wl.remove(s.watchlists_dir, platform, handle, file=file)
    console.print(f"removed {platform} {terminal_safe(handle)} from {path}")


@watchlist_app.command("list")
def list_() -> None:
    """List the accounts in the watchlist files.

    Example: pantau watchlist list
    """
    s = state.settings()
    ws = wl.load(s.watchlists_dir)
    table = Table("platform", "handle", "candidate", "role", "enabled", "file")
    for a in ws.accounts:
        table.add_row(a.platform, a.handle, a.candidate or "", a.role or "", "yes" if a.enabled else "no",
                      f"{a.source_file}:{a.line}")
    console.print(table)
    console.print(f"{plural(len(ws.accounts), 'account')} in {plural(len(ws.files), 'file')}")
    for e in ws.errors:
        err_console.print(e, soft_wrap=True)
    if ws.errors:
        raise PantauError(f"{plural(len(ws.errors), 'problem')} in the watchlists")


@watchlist_app.command("validate")
def validate() -> None:
    """Check every watchlist file: platforms, handles, urls, duplicates, profiles.

    Example: pantau watchlist validate
    """
    s = state.settings()
    ws = wl.load(s.watchlists_dir, wl.known_profiles(s.workspace))
    for e in ws.errors:
        err_console.print(e, soft_wrap=True)
    if ws.errors:
        raise PantauError(f"{plural(len(ws.errors), 'problem')} in {plural(len(ws.files), 'watchlist file')}")
    console.print(f"ok: {plural(len(ws.accounts), 'account')} in {plural(len(ws.files), 'file')}")


@watchlist_app.command("sync")
def sync() -> None:
    """Copy the watchlists into the database (accounts no longer listed are disabled).

    Example: pantau watchlist sync
    """
    from pantau.jobs.sync import sync_watchlists
    s = state.settings()
    db = state.db()
    r = sync_watchlists(s, db)
    console.print(f"synced: {r.added} added, {r.updated} updated, {r.disabled} disabled, {r.unchanged} unchanged")
