"""``known_handle``: a handle listed for the employee in the roster gives the pair directly (no block)."""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import BlockingKey


class KnownHandle(BlockingKey):
    def direct_pairs(self, batch) -> tuple[np.ndarray, np.ndarray]:
        kr = [(r, e) for r, lst in enumerate(batch.known) for e, _ in lst]
        return (np.array([x[0] for x in kr], dtype=np.int64), np.array([x[1] for x in kr], dtype=np.int64))


KNOWN_HANDLE = KnownHandle("known_handle", 0, "a handle listed for the employee in the roster")
