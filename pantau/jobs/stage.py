"""One lifecycle for every stage: the run row, the job lock, the final status.

Crawl, match, purge, import and the nightly job used to open, lock and close their
runs each in its own way (Ctrl-C was "failed" in one and "interrupted" in another).
Now each runs its body inside :func:`stage`:

- a stage called on its own opens its ``runs`` row (and, if it is a job that must not
  overlap, takes the workspace lock first and closes runs left by dead processes);
- a stage called inside another run (``run_id`` given: the nightly job) joins that run
  and leaves its row alone, because the outer run owns it;
- the row is closed as ``ok``/``partial`` (what the body set), ``failed`` on an
  exception, ``interrupted`` on Ctrl-C, SIGTERM (see :func:`sigterm_unwinds`) or exit.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pantau.jobs.progress import SILENT, Progress


@dataclass
class StageRun:
    """What the body of a stage sees and fills: its run id, and what to record at the end."""

    run_id: int
    own: bool                           # this stage opened the run row (and closes it)
    progress: Progress = SILENT
    status: str = "ok"                  # ok | partial | failed: what the body concluded
    stats: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None
    closed_stale: int = 0               # runs of dead processes this stage marked interrupted
    extra: dict[str, Any] = field(default_factory=dict)


def interrupted_status(exc: BaseException) -> str:
    """``interrupted`` for Ctrl-C, SIGTERM and exits; ``failed`` for errors."""
    return "failed" if isinstance(exc, Exception) else "interrupted"


@contextmanager
def stage(db, kind: str, *, run_id: int | None = None, trigger: str = "cli", lock: Path | None = None,
          job: str | None = None, wait: float = 0.0, progress: Progress = SILENT) -> Iterator[StageRun]:
    """Run the ``with`` body as stage ``kind``; see the module docstring."""
    from storage.queries import runs as runs_q

    if run_id is not None:
        yield StageRun(run_id=run_id, own=False, progress=progress)
        return
    with ExitStack() as stack:
        if lock is not None:
            from pantau.lock import job_lock
            stack.enter_context(job_lock(lock, job=job or kind, wait=wait))
        closed = runs_q.mark_interrupted(db)
        run = StageRun(run_id=runs_q.start(db, kind, trigger), own=True, progress=progress, closed_stale=closed)
        try:
            stack.enter_context(sigterm_unwinds())
            yield run
        except BaseException as exc:
            try:
                runs_q.finish(db, run.run_id, interrupted_status(exc), stats=run.stats, summary=run.summary,
                              error=(run.error or f"{type(exc).__name__}: {exc}")[:500])
            except Exception:
                pass            # the database itself failing: the next stage closes the row by its pid
            raise
        runs_q.finish(db, run.run_id, run.status, stats=run.stats, summary=run.summary, error=run.error)


class Terminated(BaseException):
    """SIGTERM, turned into an exception so that ``finally`` blocks and run rows are closed."""


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (main thread only; elsewhere a no-op)."""
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(f"signal {signum}")

    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield               # someone above already turns SIGTERM into an exception
        return
    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
