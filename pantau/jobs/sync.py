"""Stage: watchlist files -> ``accounts``."""

from __future__ import annotations

from pantau import watchlist
from pantau.config import Settings
from pantau.errors import InputError
from storage.queries import accounts as accounts_q
from storage.queries import audit


def sync_watchlists(settings: Settings, db, *, by: str | None = None) -> accounts_q.SyncResult:
    """Mirror ``watchlists/`` into the database; refuse (changing nothing) if a file is invalid.

    Refusing protects history: a typo that hides an account must not disable it.
    """
    ws = watchlist.load(settings.watchlists_dir, watchlist.known_profiles(settings.workspace))
    if ws.errors:
        more = f" (and {len(ws.errors) - 1} more; see `pantau watchlist validate`)" if len(ws.errors) > 1 else ""
        raise InputError(ws.errors[0] + more)
    result = accounts_q.sync(db, ws.accounts)
    audit.write(db, "watchlist.sync", user=by, object_type="accounts",
                detail={"files": [p.name for p in ws.files], **result.__dict__})
    return result
