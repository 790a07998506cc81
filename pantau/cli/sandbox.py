"""The local demo platforms and the end-to-end demo."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from pantau.cli import app, console, err_console
from pantau.errors import PantauError, UsageError

SIZES = ("small", "large")


@app.command()
def sandbox(
    port: int = typer.Option(8900, "--port", help="Port on 127.0.0.1 (0: any free port)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the generated content."),
    size: str = typer.Option("small", "--size", help="small (the example watchlist) or large (benchmarks)."),
    faults: bool = typer.Option(False, "--faults", help="Inject 429s, 500s, slow and truncated answers at random."),
) -> None:
    """Serve fictional Mastodon, Bluesky, YouTube, the X API v2 and a rendered microblog on 127.0.0.1.

    Example: pantau sandbox --port 8900 --size large
    """
    from pantau.sandbox import Sandbox

    if size not in SIZES:
        raise UsageError(f"--size must be small or large, not {size!r}")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be a port number, not {port}")
    try:
        sb = Sandbox(port=port, seed=seed, size=size, faults=faults).start()
    except OSError as exc:
        raise PantauError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); pick another --port") from None
    console.print(f"Pantau sandbox (seed {seed}, size {size}{', random faults' if faults else ''}) on {sb.url}")
    console.print(f"  watchlist of all its accounts: curl -s {sb.url}/_sandbox/watchlist.yaml "
                  f"> watchlists/sandbox.yaml")
    console.print('  the workspace needs [crawl] allowed_hosts = ["127.0.0.1", "localhost"] and each '
                  f'[platforms.NAME] base_url = "{sb.url}" (mastodon, bluesky, youtube, x)')
    console.print("  YouTube accepts any PANTAU_YOUTUBE_API_KEY, X any PANTAU_X_BEARER_TOKEN")
    console.print(f"  faults: curl -s -X POST {sb.url}/_sandbox/faults -d '{{\"kind\": \"429\", \"count\": 3}}'; "
                  f"counters: {sb.url}/_sandbox/stats")
    console.print("Press Ctrl-C to stop.")
    try:
        sb.wait()
    except KeyboardInterrupt:
        console.print("sandbox stopped")
    finally:
        sb.stop()


@app.command()
def demo(
    directory: Optional[Path] = typer.Argument(None, help="Workspace to create (default: a temporary one)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the sandbox and the sample roster."),
    size: str = typer.Option("small", "--size", help="small or large."),
) -> None:
    """Sandbox + sample roster + crawl + match, end to end, with a summary.

    Example: pantau demo /tmp/pantau-demo
    """
    from pantau.sandbox.demo import DEMO_ENV, run_demo

    if size not in SIZES:
        raise UsageError(f"--size must be small or large, not {size!r}")
    from pantau.cli.progress import RichProgress
    r = run_demo(directory, seed=seed, size=size, progress=RichProgress(err_console, "demo: "))
    console.print("")
    console.print(f"Pantau demo finished in {r.seconds:.1f} s (sandbox seed {seed}, size {size}; all data fictional)")
    console.print(f"  watched accounts: {r.accounts}   employees in the roster: {r.employees}   "
                  f"actors seen: {r.actors}")
    kinds = ("comment", "reply", "like", "repost", "quote", "follow")
    t = Table("platform", *kinds, "total", title=f"Interactions collected: {r.total_interactions}")
    for platform, counts in sorted(r.interactions.items()):
        t.add_row(platform, *(str(counts.get(k, 0)) for k in kinds), str(sum(counts.values())))
    console.print(t)
    bands = ", ".join(f"{b} {r.bands.get(b, 0)}" for b in ("strong", "possible", "namesake"))
    console.print(f"Possible matches to review: {sum(r.bands.values())} ({bands})")
    for note in r.notes:
        console.print(f"note: {note}")
    ws = r.workspace
    console.print("")
    console.print(f"Workspace: {ws}" + ("  (a temporary folder: delete it when done)" if r.temporary else ""))
    console.print("Review the matches in the browser:")
    console.print(f"  pantau --workspace {ws} user add admin --role admin")
    console.print(f"  pantau --workspace {ws} review")
    console.print(f"Crawl again later: pantau sandbox --port {r.sandbox_url.rsplit(':', 1)[1]} --seed {seed} "
                  f"--size {size}   (in another terminal), then")
    keys = " ".join(f"{k}={v}" for k, v in DEMO_ENV.items())
    console.print(f"  {keys} pantau --workspace {ws} crawl   (the sandbox takes any key and token)")
    if r.failures:
        raise PantauError(f"the demo crawl could not collect {len(r.failures)} account(s): " + "; ".join(r.failures))
