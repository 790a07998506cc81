"""``pantau init`` and ``pantau status``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from pantau.cli import app, console, state
from pantau.workspace import create_workspace
from storage.cleaning import terminal_safe


@app.command()
def init(directory: Path = typer.Argument(Path("."), help="Folder of the new workspace.")) -> None:
    """Create a workspace: a commented pantau.toml, watchlists/ with an example, a private data/.

    Example: pantau init ~/pantau-kota
    """
    ws = create_workspace(directory)
    console.print(f"new workspace in {ws}: edit pantau.toml, add candidate accounts with `pantau watchlist add` "
                  "(watchlists/example.yaml holds switched-off sandbox examples), then `pantau roster import FILE`")


def _platform_reads(settings, db) -> list[dict]:
    """This month's posts read per platform that counts them (X), beside its cap."""
    from datetime import datetime, timezone

    from storage.queries import reads as reads_q
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    out = []
    for platform, reads in reads_q.of_month(db, month).items():
        out.append({"platform": platform, "month": month, "reads": reads,
                    "cap": settings.platform(platform).monthly_read_cap})
    return out


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Counts per table, the last runs, and when each account was last collected.

    Example: pantau status --json
    """
    from storage.queries import runs as runs_q
    from storage.queries import status as status_q
    from storage.queries import tips as tips_q

    s = state.settings()
    db = state.db()
    runs_q.mark_interrupted(db)     # a run whose process is gone (a killed import) is not "running"
    data = {
        "workspace": str(s.workspace),
        "database": str(s.db_path),
        "counts": status_q.counts(db),
        "matches": status_q.match_counts(db),
        "runs": runs_q.recent(db, 5),
        "accounts": status_q.accounts_overview(db),
        "silent_accounts": runs_q.silent_accounts(db),
        "tips": tips_q.counts(db),
        "platform_reads": _platform_reads(s, db),
    }
    for r in data["runs"]:
        r["stats"] = json.loads(r["stats"] or "{}")
        r["summary"] = json.loads(r["summary"] or "{}")
    if as_json:
        print(json.dumps(data, indent=2, default=str))
        return
    console.print(f"workspace {data['workspace']}")
    t = Table("table", "rows", title="Counts")
    for k, v in data["counts"].items():
        t.add_row(k, str(v))
    console.print(t)
    if data["matches"]:
        console.print("matches: " + ", ".join(f"{k} {v}" for k, v in sorted(data["matches"].items())))
    if any(data["tips"].values()):
        console.print("citizen reports: " + ", ".join(f"{k} {v}" for k, v in data["tips"].items()))
    for r in data["platform_reads"]:
        cap = f" of the monthly_read_cap {r['cap']:,}" if r["cap"] is not None else " (no monthly_read_cap set)"
        console.print(f"{r['platform']} posts read in {r['month']}: {r['reads']:,}{cap}")
    t = Table("run", "kind", "trigger", "started", "ended", "status", title="Last runs")
    for r in data["runs"]:
        t.add_row(str(r["id"]), r["kind"], terminal_safe(r["trigger"]), r["started_at"], r["ended_at"] or "",
                  r["status"])
    console.print(t)
    t = Table("platform", "account", "candidate", "enabled", "interactions", "last collected", "last run items",
              title="Accounts")
    for a in data["accounts"]:
        # handles and names come from files and platforms: shown with control characters made visible
        t.add_row(a["platform"], terminal_safe(a["handle"]), terminal_safe(a["candidate"] or ""),
                  "yes" if a["enabled"] else "no",
                  str(a["interactions"]), a["last_collected_at"] or "never",
                  "" if a["last_items"] is None else str(a["last_items"]))
    console.print(t)
    for a in data["silent_accounts"]:
        console.print(f"warning: {a['platform']} {terminal_safe(a['handle'])} yielded nothing in run {a['run_id']} "
                      f"after {a['previous_items']} items before: check its selector profile or the API")
