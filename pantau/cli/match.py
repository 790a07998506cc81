"""Matching actors against the roster: ``pantau match``."""

from __future__ import annotations

import typer

from pantau.cli import app, console, err_console, state


@app.command()
def match(
    full: bool = typer.Option(False, "--full", help="Re-score every actor, not only new or changed ones."),
    learn: bool = typer.Option(False, "--learn", help="Re-learn the weights first: EM over this workspace, "
                               "then a refit from reviewers' decisions (kept only if it is better)."),
    explain_model: bool = typer.Option(False, "--explain-model", help="Print the weights in force and where "
                                       "they came from, and match nothing."),
) -> None:
    """Match new or changed actors against the active roster.

    Scores only actors new or changed since the last match, unless the roster or the
    matching model changed (then all). Decisions stay: a rejected pair is never raised again.
    The weights are learned from the workspace on the first run of a model version
    (and with --learn); --explain-model shows them.

    Example: pantau match --full

    Example: pantau match --explain-model
    """
    from pantau.cli.progress import RichProgress

    settings = state.settings()
    db = state.db()
    if explain_model:
        from pantau.jobs.match_model import explain_model as describe
        from pantau.matching import default_model
        base = default_model(threshold=settings.matching.threshold, top_k=settings.matching.top_k)
        for line in describe(db, base, learned=settings.matching.learn_weights):
            console.print(line, markup=False, highlight=False)
        return
    from pantau.jobs.match import run_match

    result = run_match(settings, db, full=full, trigger="cli", progress=RichProgress(err_console, "match: "),
                       learn=learn)
    bands = ", ".join(f"{result.bands.get(b, 0)} {b}" for b in ("strong", "possible", "namesake"))
    console.print(
        f"match run {result.run_id}: scored {result.actors_scored} actors against {result.employees} employees "
        f"in {result.seconds:.1f} s; {result.candidates} candidates ({result.new_matches} new, "
        f"{result.updated_matches} updated, {result.withdrawn} withdrawn); pending: {bands}; "
        f"model {result.model_version}", markup=False, highlight=False)
