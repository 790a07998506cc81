"""The cyclic garbage collector paused while the matcher allocates millions of small containers.

Preparing actors builds lists, tuples and strings per actor that survive their batch.
Every 700 allocations CPython starts a collection that walks the young survivors, and
every so often the whole heap (the roster index, every actor loaded from the database):
at city scale that was a third of the matcher's CPU time. In forked workers it also
writes to the header of every inherited object it walks, which copies pages the workers
would otherwise share with the parent. Matching makes no reference cycles (arrays,
lists and dicts point down, never back: a test checks), so reference counting frees
everything and nothing waits for the collector; it is switched back on, as it was,
when the work ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Switch the cyclic collector off for the block (nested blocks keep it off until the outer one ends)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
