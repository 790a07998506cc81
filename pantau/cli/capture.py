"""``pantau capture``: a person browses in Chromium; what they viewed is imported."""

from __future__ import annotations

import shutil
from typing import Optional

import typer

from pantau.cli import app, console, err_console, state
from pantau.errors import PantauError, UsageError

NO_DISPLAY = ("no display to open Chromium on: on a desktop computer open the posts in Chrome or Firefox, "
              "press F12, tab Network, and save all as HAR with content, then run `pantau import FILE.har` "
              "(docs/capture.md)")

#: where ``--platform`` opens when no URL is given (the person signs in there)
START_PAGES = {"instagram": "https://www.instagram.com/", "tiktok": "https://www.tiktok.com/",
               "x": "https://x.com/", "facebook": "https://www.facebook.com/"}


@app.command("capture")
def capture(
    url: Optional[str] = typer.Argument(None, help="The page to open first (a post or profile); "
                                                   "afterwards only you navigate."),
    platform: Optional[str] = typer.Option(None, "--platform", "-p",
                                           help="Open this platform's start page when no URL is given."),
) -> None:
    """Open Chromium, let a person browse, then import what they viewed (a HAR and screenshots).

    Sign in yourself, open the candidates' posts, their comments, likes and followers, then
    close the window: Pantau imports what the browser received. Pantau never navigates,
    scrolls or sends requests of its own.

    Example: pantau capture https://www.instagram.com/calon.satu/
    """
    from pantau.capture import recorder
    from pantau.cli.imports import print_capture_report
    from storage import platforms as registry

    if platform is not None:
        if platform not in registry.CAPTURED:
            raise UsageError(f"--platform must be one of {', '.join(registry.CAPTURED)}")
        if url is None:
            url = START_PAGES.get(platform)
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError(f"URL must start with http:// or https:// (got {url[:80]!r})")
    if not recorder.display_available():
        raise PantauError(NO_DISPLAY)
    settings = state.settings()
    out = settings.data_dir / "captures"
    console.print("Chromium opens now: sign in yourself if asked, open the posts and their comments, likes "
                  "and followers, then close the window.", soft_wrap=True)
    from pantau.capture.hosts import from_settings
    try:
        rec = recorder.record(profile_dir=settings.data_dir / "browser-profile", out_dir=out, url=url,
                              hosts=from_settings(settings), user_agent=None,
                              status=lambda s: err_console.print(s, soft_wrap=True))
    except recorder.BrowserDidNotStart as exc:
        raise PantauError(str(exc)) from None
    if rec.entries == 0:
        discard(rec)
        raise PantauError("nothing recorded: no page of Instagram, TikTok, X or Facebook was opened")
    console.print(f"recorded {rec.pages} pages in {rec.seconds:.0f} s; importing", soft_wrap=True)
    report = import_recording(rec)
    print_capture_report(report)


def import_recording(rec):
    """Import a recording, then delete it (the recognised responses are kept as evidence)."""
    from pantau.capture.job import import_capture
    from pantau.jobs.sync import sync_watchlists

    settings = state.settings()
    db = state.db()
    sync_watchlists(settings, db)
    from pantau.cli.progress import RichProgress
    report = import_capture(db, rec.har, settings=settings, fmt="har", screenshots=rec.shots,
                            progress=RichProgress(err_console))
    discard(rec)
    return report


def discard(rec) -> None:
    """The recording and its screenshots, once imported (what matters is kept as evidence)."""
    rec.har.unlink(missing_ok=True)
    if rec.shots_dir is not None:
        shutil.rmtree(rec.shots_dir, ignore_errors=True)
