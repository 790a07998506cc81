"""Per-account figures kept in ``crawler.stats``: the one place that knows their keys.

Every component counts through these functions on the crawler's stats
collector (the budget middleware requests, the retry middleware retries, the
spider items, the pipeline new items, the status middleware errors and status),
and ``crawler.extensions.RunStats`` reads them back when the spider closes.
A crawl child runs one crawler per platform, each with its own stats, so
nothing is shared between crawlers or processes.
"""

from __future__ import annotations

from typing import Any

#: the figures of an ``account_runs`` row
COUNTERS = ("requests", "items", "new_items", "retries", "errors")
#: a worse status replaces a better one, never the other way round
STATUS_RANK = {"ok": 0, "skipped": 1, "budget": 2, "failed": 3}

PREFIX = "pantau/account"


def key(account_id: int, name: str) -> str:
    return f"{PREFIX}/{account_id}/{name}"


def inc(stats, account_id: int, name: str, n: int = 1) -> None:
    """Add ``n`` to one figure of the account (and to the crawl's total of it)."""
    if n:
        stats.inc_value(key(account_id, name), n)
        stats.inc_value(f"pantau/{name}", n)


def get(stats, account_id: int, name: str, default: Any = 0) -> Any:
    return stats.get_value(key(account_id, name), default)


def status(stats, account_id: int) -> str:
    return stats.get_value(key(account_id, "status"), "ok")


def set_status(stats, account_id: int, new: str, message: str | None) -> None:
    """Record a failure: the worse status wins, the first message stays (it names the cause)."""
    if STATUS_RANK.get(new, 3) >= STATUS_RANK.get(status(stats, account_id), 0):
        stats.set_value(key(account_id, "status"), new)
    if message and not stats.get_value(key(account_id, "message")):
        stats.set_value(key(account_id, "message"), message)


def note(stats, account_id: int, what: str, n: int = 1) -> None:
    """An expected condition worth counting (comments disabled, followers hidden)."""
    stats.inc_value(key(account_id, f"note/{what}"), n)


def last_error(stats, account_id: int, message: str | None = None) -> str | None:
    """The last retry problem of the account (set when given), to explain a request that failed."""
    if message is not None:
        stats.set_value(key(account_id, "last_error"), message)
    return stats.get_value(key(account_id, "last_error"))


def mark_finished(stats, account_id: int) -> None:
    if not stats.get_value(key(account_id, "finished")):
        stats.set_value(key(account_id, "finished"), True)
        stats.inc_value("pantau/accounts_finished")


def finished(stats, account_id: int) -> bool:
    return bool(stats.get_value(key(account_id, "finished")))


def report(stats, account_id: int) -> dict:
    """The account's figures: counters, status, message, notes (``{what: n}``)."""
    prefix = key(account_id, "note/")
    notes = {k[len(prefix):]: v for k, v in stats.get_stats().items() if k.startswith(prefix)}
    return {**{c: get(stats, account_id, c) for c in COUNTERS},
            "status": status(stats, account_id), "message": get(stats, account_id, "message", None),
            "notes": notes, "finished": finished(stats, account_id)}


def stop_all(stats, message: str, status: str = "budget") -> None:
    """The platform's own quota is spent (X: the monthly usage cap): no request of this crawl
    may go out any more (``BudgetMiddleware`` refuses them, each account says why). The first
    message stays."""
    if stats.get_value("pantau/stopped") is None:
        stats.set_value("pantau/stopped", (status, message))


def stopped(stats) -> tuple[str, str] | None:
    """(status, message) once :func:`stop_all` was called, else None."""
    return stats.get_value("pantau/stopped")
