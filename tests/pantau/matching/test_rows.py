"""The column-by-column row reductions give NumPy's own results, bit for bit (``pantau.matching.rows``)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pantau.matching.rows import row_any, row_count, row_has, row_sum

_SHAPES = st.tuples(st.integers(0, 40), st.integers(0, 12))


@settings(max_examples=200, deadline=None)
@given(st.data(), _SHAPES, st.sampled_from([np.bool_, np.int32, np.int64]))
def test_integer_reductions_equal_numpys(data, shape, dtype):
    x = data.draw(arrays(dtype, shape, elements=st.integers(-3, 3) if dtype is not np.bool_ else None))
    assert np.array_equal(row_any(x), x.any(1))
    assert np.array_equal(row_count(x), (x != 0).sum(1))
    got, want = row_sum(x), x.sum(1)
    assert got.dtype == want.dtype and np.array_equal(got, want)


@settings(max_examples=300, deadline=None)
@given(st.data(), _SHAPES, st.sampled_from([np.float16, np.float32, np.float64]))
def test_float_sums_equal_numpys_bit_for_bit(data, shape, dtype):
    # float addition is not associative: the column order must be NumPy's for short rows,
    # and long rows (pairwise in NumPy) and float16 (summed in float32) must be left to NumPy
    x = data.draw(arrays(dtype, shape, elements=st.floats(-1e3, 1e3, allow_nan=False, width=16)))
    got, want = row_sum(x), x.sum(1)
    assert got.dtype == want.dtype
    assert got.tobytes() == want.tobytes()


@settings(max_examples=200, deadline=None)
@given(st.data(), _SHAPES)
def test_row_has_is_any_equal(data, shape):
    x = data.draw(arrays(np.int32, shape, elements=st.integers(-2, 4)))
    v = data.draw(arrays(np.int32, shape[0], elements=st.integers(-2, 4)))
    assert np.array_equal(row_has(x, v), (x == v[:, None]).any(1))
