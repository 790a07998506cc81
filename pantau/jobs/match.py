"""Stage: actors x active roster -> match candidates (incremental, sticky decisions, cached roster index).

Which actors are scored:

- all of them when ``full`` is asked, on the first run, when the active roster is not
  the one of the last match (its fingerprint: count, last update, ``meta.roster_changed_at``
  written by the roster import), or when the model or normaliser version changed;
- otherwise only actors whose handle, display name or bio changed since the last
  match started (``actors.changed_at``).

Candidates are upserted (a decided pair keeps its decision: a rejected pair is
never raised again) and pending candidates the matcher no longer proposes for a
re-scored actor are withdrawn. Writes happen per part (as the forked workers hand each
over, ``matching.match_parts``) in their own transaction;
``match_last_at`` moves only when the whole run succeeded, so a killed run is
simply repeated next time, without duplicates.

The roster index (arrays + blocking keys) is pickled under ``[matching] cache``
keyed by a fingerprint of the active roster and the model version, so a national
roster is not rebuilt every night.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import storage
from pantau.config import Settings
from pantau.errors import UsageError
from pantau.jobs import match_model
from pantau.jobs.progress import SILENT, Progress
from pantau.jobs.stage import StageRun, stage
from pantau.matching import INDEX_FORMAT, RosterIndex, blocking, default_model, match_parts
from pantau.matching.gcpause import paused
from pantau.matching.index import build_roster
from pantau.matching.normalize import VERSION as NORM_VERSION
from pantau.matching.normalize import normalise
from storage.queries import actors as actors_q
from storage.queries import employees as employees_q
from storage.queries import matches as matches_q
from storage.queries import transaction, utcnow

META_LAST_AT = "match_last_at"
META_MODEL = "match_model_version"
META_ROSTER_CHANGED = "roster_changed_at"
META_ROSTER_FP = "match_roster_fingerprint"
META_SETTINGS = "match_settings"                # [matching] threshold and top_k of the last match
META_LEARNED = "match_learned_version"      # the model version whose weights were last learned
WRITE_BATCH = 20_000
PARALLEL_WRITE_BATCH = 200_000
MAX_PROCESSES = 4          # actor preparation is Python: large runs fork this many workers


@dataclass
class MatchResult:
    actors_scored: int
    candidates: int
    new_matches: int
    updated_matches: int
    seconds: float
    run_id: int | None
    withdrawn: int = 0
    employees: int = 0
    full: bool = False
    reason: str = ""
    index_cached: bool = False
    model_version: str = ""
    learned: list[str] = field(default_factory=list)
    bands: dict[str, int] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


def roster_fingerprint(db, model_version: str) -> str:
    row = employees_q.active_signature(db)
    changed = actors_q.meta_get(db, META_ROSTER_CHANGED) or ""
    raw = f"{INDEX_FORMAT}|{NORM_VERSION}|{model_version}|{row[0]}|{row[1]}|{row[2]}|{row[3]}|{row[4]}|{changed}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _cache_dir(settings: Settings) -> Path:
    return storage.private_dir(settings.path(settings.matching.cache))


def load_index(settings: Settings, db, model, *, say: Callable[[str], None]) -> tuple[RosterIndex, bool]:
    """The roster index: from the cache when the roster is unchanged, else built and cached."""
    n = employees_q.renormalise(db, normalise, NORM_VERSION)
    if n:
        say(f"renormalised {n} roster names (normaliser version {NORM_VERSION})")
    fp = roster_fingerprint(db, model.version)
    cdir = _cache_dir(settings)
    path = cdir / f"roster-{fp}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                idx = pickle.load(fh)
            if isinstance(idx, RosterIndex) and idx.fingerprint == fp:
                say(f"roster index loaded from cache ({idx.n} employees)")
                return idx, True
        except Exception:          # a damaged cache file is rebuilt, never trusted
            pass
    say("building the roster index")
    # the records go as soon as the arrays exist: at national scale they are gigabytes,
    # and sorting the blocking keys needs about as much again
    idx = build_roster(employees_q.active(db), fingerprint=fp, model_version=model.version)
    blocking.build(idx, model)
    tmp = path.with_suffix(".tmp")
    old_umask = os.umask(0o077)
    try:
        with open(tmp, "wb") as fh:
            pickle.dump(idx, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        os.umask(old_umask)
    storage.private_path(path)
    for other in cdir.glob("roster-*.pkl"):
        if other != path:
            other.unlink(missing_ok=True)
    say(f"roster index built: {idx.n} employees, {idx.block_report.get('keys', 0)} blocking keys")
    return idx, False


def _processes(actors: int) -> int:
    """Forked workers for scoring this many actors: one process for small runs (forking costs more)."""
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES)) if actors >= 2 * WRITE_BATCH else 1


def run_match(settings: Settings, db, *, run_id: int | None = None, full: bool = False,
              trigger: str = "cli", progress: Progress = SILENT, learn: bool = False) -> MatchResult:
    """Score new or changed actors against the active roster and store the candidates.

    Called on its own it takes the workspace job lock and records a ``match`` run; with
    ``run_id`` it is a stage of that run (:func:`pantau.jobs.stage.stage`). Weights are
    learned (``jobs.match_model.learn``) on the first run of a model version and when
    ``learn`` is asked; the model in force is the declared one with them.
    """
    with stage(db, "match", run_id=run_id, trigger=trigger, lock=settings.lock_path, progress=progress) as run:
        # loading a million actors and unpickling the roster index are millions of objects
        # too: the collector stays off for the whole stage (pantau.matching.gcpause)
        with paused():
            return _match(settings, db, run, full, learn)


def _match(settings: Settings, db, run: StageRun, full: bool, learn: bool = False) -> MatchResult:
    say = run.progress.say
    run_id = run.run_id
    t0 = time.perf_counter()
    started_at = utcnow()
    base = default_model(threshold=settings.matching.threshold, top_k=settings.matching.top_k)
    index, cached = load_index(settings, db, base, say=say)
    learned: list[str] = []
    everyone: tuple[list[int], list] | None = None
    if not settings.matching.learn_weights:
        if learn:
            raise UsageError("--learn: learning is switched off ([matching] learn_weights = false)")
        model = base                # the built-in weights, whatever was learned before
    elif learn or actors_q.meta_get(db, META_LEARNED) != base.base_version:
        everyone = actors_q.for_matching(db, None)
        model, lr = match_model.learn(db, index, base, everyone[1], say=lambda m: (learned.append(m), say(m)),
                                      processes=_processes(len(everyone[1])))
        learned += lr.notes
        actors_q.meta_set(db, {META_LEARNED: base.base_version})
    else:
        model = match_model.model_in_force(db, base)
    last_at = actors_q.meta_get(db, META_LAST_AT)
    reason = ""
    if full:
        reason = "full re-match asked"
    elif not last_at:
        reason = "first match"
    elif actors_q.meta_get(db, META_MODEL) != model.version:
        reason = "matching model changed"
    if not reason and actors_q.meta_get(db, META_ROSTER_FP) != index.fingerprint:
        reason = "roster changed"
    settings_key = f"threshold={base.threshold:g};top_k={base.top_k}"
    if not reason and actors_q.meta_get(db, META_SETTINGS) != settings_key:
        # a lower threshold must find the pairs it now admits among actors already scored
        reason = "[matching] threshold or top_k changed"
    rescore_all = bool(reason)
    # the first run learned from every actor and scores every actor: they are loaded once
    ids, actors = everyone if rescore_all and everyone is not None else \
        actors_q.for_matching(db, None if rescore_all else last_at)
    everyone = None
    say(f"scoring {len(actors)} actors against {index.n} employees"
        + (f" ({reason})" if reason else " (new or changed since the last match)"))
    result = MatchResult(actors_scored=len(actors), candidates=0, new_matches=0, updated_matches=0,
                         seconds=0.0, run_id=run_id, employees=index.n, full=rescore_all, reason=reason,
                         index_cached=cached, model_version=model.version, learned=learned)
    stats: dict = {}
    processes = _processes(len(actors))
    # one pool of forked workers per PARALLEL_WRITE_BATCH actors; each part's candidates are
    # written (one transaction) as soon as the workers hand it over, while they score the
    # next parts, so a killed run loses at most the parts not yet written
    step = PARALLEL_WRITE_BATCH if processes > 1 else max(model.batch_actors, WRITE_BATCH)
    last_report = [time.monotonic()]
    # nothing pending before this run: no candidate can be stale (a first match skips the check)
    stale_possible = matches_q.any_pending(db)

    def tick(done: int, total: int, base: int) -> None:
        now = time.monotonic()
        if now - last_report[0] >= 2 or base + done == len(actors):
            last_report[0] = now
            say(f"scored {base + done}/{len(actors)} actors")

    for s in range(0, len(actors), step):
        for part_ids, cands in match_parts(actors[s:s + step], None, model, actor_ids=ids[s:s + step], index=index,
                                           stats=stats, progress=lambda d, t, b=s: tick(d, t, b),
                                           processes=processes):
            with transaction(db):
                res = matches_q.upsert_candidates(db, cands, run_id=run_id, model_version=model.version)
                if stale_possible:
                    result.withdrawn += matches_q.withdraw_stale(db, part_ids, {(c.actor_id, c.nip) for c in cands})
            result.candidates += len(cands)
            result.new_matches += res.new
            result.updated_matches += res.updated
    actors_q.meta_set(db, {META_LAST_AT: started_at, META_MODEL: model.version,
                           META_ROSTER_FP: index.fingerprint, META_SETTINGS: settings_key})
    result.bands = matches_q.counts_by_band(db)
    result.stats = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in stats.items()}
    result.stats["blocking"] = index.block_report
    result.seconds = round(time.perf_counter() - t0, 3)
    run.stats = result.stats
    run.summary = {
        "actors_scored": result.actors_scored, "candidates": result.candidates,
        "new_matches": result.new_matches, "updated_matches": result.updated_matches,
        "withdrawn": result.withdrawn, "employees": result.employees, "reason": reason,
        "index_cached": cached, "seconds": result.seconds, "model_version": model.version,
        "learned": learned}
    return result
