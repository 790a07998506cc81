"""Row-wise reductions over the few columns of a pair matrix (P x 6 name tokens, P x 3 call forms).

NumPy reduces along a short last axis with a generic inner loop: ``X.any(1)`` on a P x 6
boolean matrix takes 5-8 times as long as OR-ing its six columns, and such reductions were
most of the comparison time of a city run. Column by column gives the same result bit for
bit: integer and boolean sums are exact, and a float row shorter than eight is summed in
column order by NumPy too (longer rows, and float16 which NumPy sums in float32, are left to
NumPy).
"""

from __future__ import annotations

import numpy as np

_NUMPY_SEQUENTIAL = 8      # float rows shorter than this NumPy adds left to right


def row_any(x: np.ndarray) -> np.ndarray:
    """``x.any(1)``."""
    if x.shape[1] == 0:
        return np.zeros(x.shape[0], bool)
    out = x[:, 0] != 0
    for k in range(1, x.shape[1]):
        out |= x[:, k] != 0
    return out


def row_count(x: np.ndarray) -> np.ndarray:
    """``(x != 0).sum(1)``, as int64: how many columns of each row are set."""
    out = np.zeros(x.shape[0], np.int64)
    for k in range(x.shape[1]):
        out += x[:, k] != 0
    return out


def row_sum(x: np.ndarray) -> np.ndarray:
    """``x.sum(1)``, with its dtype."""
    if x.dtype.kind in "fc" and (x.shape[1] >= _NUMPY_SEQUENTIAL or x.dtype.itemsize < 4) or x.shape[1] == 0:
        return x.sum(1)         # (NumPy sums float16 in float32)
    out = np.zeros(x.shape[0], x[:1].sum(1).dtype)      # from zero, as NumPy: -0.0 sums to 0.0
    for k in range(x.shape[1]):
        out += x[:, k]
    return out


def row_has(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``(x == v[:, None]).any(1)``: which rows hold their own value ``v``."""
    out = np.zeros(x.shape[0], bool)
    for k in range(x.shape[1]):
        out |= x[:, k] == v
    return out
