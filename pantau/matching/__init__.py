"""Matching actors against the roster: normalise, block, compare, score. Plain records in, candidates out.

No database, Scrapy or web imports here (a test checks). The one entry point is
``match(actors, employees, model)``; ``build_index`` exists so a caller (the match
job) can cache the roster side between runs.

The roster side is built once (``index``: the roster as arrays, cached by the match job;
``blocking`` adds its keys). Pipeline per batch of actors (``model.batch_actors``)::

    prepare_actors  ``actors``: normalise display names (``display_names``: which words are the
                    name), segment handles, digits, words, titles
    blocking        keys -> candidate (actor, employee) pairs, NumPy only
    comparisons     PairFeatures (rapidfuzz ``process.cpdist`` over all pairs at once; row
                    reductions over a pair's few columns in ``rows``) -> one level per comparison
    scoring         points -> score, band; threshold and top-k; explanations
"""

from __future__ import annotations

import signal
import time
from typing import Callable, Iterator, Sequence

import numpy as np

from pantau.matching import blocking
from pantau.matching.comparisons import PairFeatures
from pantau.matching.gcpause import paused
from pantau.matching.actors import actor_rows, batch_of, prepare_actors, remember_rows
from pantau.matching.display_names import before_fork
from pantau.matching.index import INDEX_FORMAT, RosterIndex, build_roster
from pantau.matching.model import MatchModel, default_model
from pantau.matching.normalize import VERSION as NORMALISER_VERSION
from pantau.matching.normalize import normalise
from pantau.matching.scoring import candidates as _candidates
from pantau.matching.scoring import score_pairs, select
from storage.records import Actor, Employee, MatchCandidate

__all__ = ["match", "match_parts", "build_index", "MatchModel", "default_model", "RosterIndex", "normalise",
           "NORMALISER_VERSION", "INDEX_FORMAT"]


def build_index(employees: Sequence[Employee], model: MatchModel | None = None, *,
                fingerprint: str = "") -> RosterIndex:
    """The roster side of matching (arrays and blocking index); reusable across runs of one model."""
    model = model or default_model()
    with paused():
        roster = build_roster(list(employees), fingerprint=fingerprint, model_version=model.version)
        blocking.build(roster, model)
    return roster


_FORK_STATE: dict = {}
PARALLEL_MIN_ACTORS = 20_000
EM_PARALLEL_MIN = 1_000      # actors per process below which pair_levels does not fork


def _match_part(bounds: tuple[int, int]) -> tuple[list[MatchCandidate], dict]:
    st = _FORK_STATE
    s, e = bounds
    stats: dict = {}
    out = match(st["actors"][s:e], None, st["model"], actor_ids=st["ids"][s:e], index=st["index"], stats=stats,
                workers=1, processes=1)
    return out, stats


def match(actors: Sequence[Actor], employees: Sequence[Employee] | None, model: MatchModel | None = None, *,
          actor_ids: Sequence[int] | None = None, index: RosterIndex | None = None,
          progress: Callable[[int, int], None] | None = None, stats: dict | None = None,
          workers: int = -1, processes: int = 1) -> list[MatchCandidate]:
    """Candidates for ``actors`` among ``employees``: at most ``top_k`` per actor, score >= threshold.

    ``actor_ids`` are the ids put in the candidates (default: positions in ``actors``).
    ``index`` (from ``build_index``) replaces ``employees`` when given. ``stats``, if a
    dict, receives counts (pairs, blocks, seconds) for reports and benchmarks.
    ``processes`` > 1 splits a large batch of actors over forked processes that share
    the roster index copy-on-write (actor preparation is Python, so threads would not help).
    """
    return [c for _, part in match_parts(actors, employees, model, actor_ids=actor_ids, index=index,
                                         progress=progress, stats=stats, workers=workers, processes=processes)
            for c in part]


def match_parts(actors: Sequence[Actor], employees: Sequence[Employee] | None, model: MatchModel | None = None, *,
                actor_ids: Sequence[int] | None = None, index: RosterIndex | None = None,
                progress: Callable[[int, int], None] | None = None, stats: dict | None = None,
                workers: int = -1, processes: int = 1) -> Iterator[tuple[list[int], list[MatchCandidate]]]:
    """``match`` in parts, in order, each as soon as it is scored: (the part's actor ids, its candidates).

    Every actor is in exactly one part. A caller that stores each part while the forked
    workers score the next ones (the match job) does its writing in the time it used to
    wait, and never holds every candidate of a large run at once.
    """
    with paused():         # see gcpause: a third of the CPU time went to the cyclic collector
        yield from _match(actors, employees, model, actor_ids=actor_ids, index=index, progress=progress,
                          stats=stats, workers=workers, processes=processes)


def _match(actors, employees, model, *, actor_ids, index, progress, stats, workers, processes
           ) -> Iterator[tuple[list[int], list[MatchCandidate]]]:
    model = model or default_model()
    if index is None:
        index = build_index(employees or [], model)
    ids = list(actor_ids) if actor_ids is not None else list(range(len(actors)))
    if len(ids) != len(actors):
        raise ValueError("actor_ids must be as long as actors")
    if processes > 1 and len(actors) >= PARALLEL_MIN_ACTORS and index.n:
        yield from _match_parallel(actors, ids, model, index, processes, progress, stats)
        return
    st = stats if stats is not None else {}
    st.setdefault("pairs", 0)
    st.setdefault("pairs_before_dedup", 0)
    st.setdefault("pairs_capped", 0)
    st.setdefault("known_handle_pairs", 0)
    st.setdefault("actors", 0)
    st.setdefault("seconds_prepare", 0.0)
    st.setdefault("seconds_blocking", 0.0)
    st.setdefault("seconds_scoring", 0.0)
    if index.n == 0:
        st["actors"] += len(actors)
        if ids:
            yield ids, []
        return
    bs = max(1, model.batch_actors)
    for start in range(0, len(actors), bs):
        out: list[MatchCandidate] = []
        t0 = time.perf_counter()
        batch = prepare_actors(list(actors[start:start + bs]), ids[start:start + bs], index)
        t1 = time.perf_counter()
        pa, pe, bst = blocking.candidate_pairs(batch, index, model)
        t2 = time.perf_counter()
        for k, v in bst.items():
            st[k] = st.get(k, 0) + v
        if len(pa):
            f = PairFeatures(batch, index, pa, pe, workers=workers)
            s = score_pairs(f, batch, index, model)
            keep = select(f, s, model)
            out.extend(_candidates(f, s, keep, batch, index, model))
        t3 = time.perf_counter()
        st["seconds_prepare"] += t1 - t0
        st["seconds_blocking"] += t2 - t1
        st["seconds_scoring"] += t3 - t2
        st["actors"] += batch.n
        if progress:
            progress(min(start + bs, len(actors)), len(actors))
        yield ids[start:start + bs], out


def pair_levels(actors: Sequence[Actor], model: MatchModel, index: RosterIndex, *, processes: int = 1,
                remember: bool = False) -> tuple[list[np.ndarray], np.ndarray]:
    """Each comparison's levels and the prior score of every candidate pair of ``actors``: what EM learns from.

    With ``processes`` > 1 the actors are split over forked workers, as ``match`` splits
    them: on a first run the EM sample was a third of the match's time in one process.
    ``remember`` keeps the actors' prepared rows on the index (the match that follows
    scores them again); the workers send theirs back for it.
    """
    with paused():
        if processes <= 1 or len(actors) < EM_PARALLEL_MIN * processes:
            return _levels_of(actor_rows(actors, index, remember=remember), model, index, workers=-1)
        cut = -(-len(actors) // processes)
        bounds = [(s, min(s + cut, len(actors))) for s in range(0, len(actors), cut)]
        parts = list(_forked(_levels_part, bounds, processes, actors=actors, model=model, index=index))
        if remember:
            for (s, e), (_, _, rows) in zip(bounds, parts):
                remember_rows(actors[s:e], rows, index)
        k = len(model.comparisons)
        levels = [np.concatenate([p[0][c] for p in parts]) for c in range(k)]
        return levels, np.concatenate([p[1] for p in parts])


def _levels_of(rows: list[tuple], model: MatchModel, index: RosterIndex, workers: int
               ) -> tuple[list[np.ndarray], np.ndarray]:
    batch = batch_of(rows, range(len(rows)))
    pa, pe, _ = blocking.candidate_pairs(batch, index, model)
    if not len(pa):
        return [np.zeros(0, np.int64) for _ in model.comparisons], np.zeros(0, np.float32)
    f = PairFeatures(batch, index, np.asarray(pa, np.int64), np.asarray(pe, np.int64), workers=workers)
    s = score_pairs(f, batch, index, model)
    return s.levels, s.score


def _levels_part(bounds: tuple[int, int]) -> tuple[list[np.ndarray], np.ndarray, list[tuple]]:
    st = _FORK_STATE
    s, e = bounds
    rows = actor_rows(st["actors"][s:e], st["index"])
    levels, score = _levels_of(rows, st["model"], st["index"], workers=1)
    return levels, score, rows


def _worker_init() -> None:
    """A forked worker dies of SIGTERM, whatever handler its parent installed.

    The match stage's handler (``jobs.stage``) raises an exception: in a pool worker that
    can fire while the worker holds the task queue's lock, or be caught as a task's
    error, and the other worker then waits on that lock for ever (a national run hung
    so, in ``Pool.terminate``).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


TASKS_PER_PROCESS = 8     # a parallel match's tasks per worker: the last one decides when it ends


def _match_parallel(actors, ids, model, index, processes, progress, stats
                    ) -> Iterator[tuple[list[int], list[MatchCandidate]]]:
    # tasks much smaller than a batch: with two workers and ten batches of 10,000 (city scale)
    # one core sat idle for a second or two at the end while the other finished its last batch
    step = max(1, min(model.batch_actors, -(-len(actors) // (processes * TASKS_PER_PROCESS))))
    bounds = [(s, min(s + step, len(actors))) for s in range(0, len(actors), step)]
    st = stats if stats is not None else {}
    done = 0
    # the pool's results first: zip asks them first, so the pool is run to its end (closed
    # and joined, never terminated) before the bounds run out
    for (cands, part), (s, e) in zip(_forked(_match_part, bounds, processes, actors=actors, ids=ids,
                                             model=model, index=index), bounds):
        for k, v in part.items():
            if isinstance(v, (int, float)):
                st[k] = st.get(k, 0) + v
        done += part.get("actors", 0)
        if progress:
            progress(done, len(actors))
        yield ids[s:e], cands


def _forked(fn: Callable, tasks: list, processes: int, **state) -> Iterator:
    """``fn`` over ``tasks`` in forked workers that share ``state`` (and the index in it)
    copy-on-write through ``_FORK_STATE``; results in task order."""
    import multiprocessing as mp
    before_fork(state["index"])
    _FORK_STATE.update(state)
    try:
        with mp.get_context("fork").Pool(processes, initializer=_worker_init) as pool:
            yield from pool.imap(fn, tasks)
            # the workers end on the queue's sentinel; leaving the block would SIGTERM them
            pool.close()
            pool.join()
    finally:
        _FORK_STATE.clear()
