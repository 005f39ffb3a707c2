"""SES of many series at their aggregation levels, the kernels of ADIDA and IMAPA: the sums
over buckets of ``k`` days come from running totals summed block by block inside the kernel
(no copy of the whole history), and each block's series are searched together by
:mod:`rxsupply.analytics.smoothing`'s golden-section kernel, to statsforecast's bits for
whole-unit demand (:func:`summable` says when running totals give the same bits as bucket by
bucket sums)."""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.smoothing import (
    BLOCK,
    TOLERANCE,
    Floats,
    _compiled,
    _parallel,
    _search_block,
)


def summable(y: Floats, rows: NDArray[np.int64]) -> bool:
    """Whether the series ``rows`` of ``y`` are whole units whose running totals stay exact
    in 64-bit floats (below 2**53 in absolute sum), so bucket sums taken from running totals
    have the same bits as sums bucket by bucket. One compiled pass, no copy."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    if rows.size == 0 or y.shape[1] == 0:
        return True
    bad = np.zeros(rows.size, dtype=np.bool_)
    _not_summable(y, rows, bad)
    return not bool(bad.any())


@_parallel
def _not_summable(y: Floats, rows: NDArray[np.int64], bad: NDArray[np.bool_]) -> None:
    for i in numba.prange(rows.size):
        row = y[rows[i]]
        total = 0.0
        for t in range(row.size):
            v = row[t]
            if v != np.trunc(v):  # a fraction, NaN or an infinity
                bad[i] = True
                break
            total += abs(v)
        if total >= 2.0**53:
            bad[i] = True


def mean_over_levels(
    y: Floats,
    rows: NDArray[np.int64],
    count: NDArray[np.int64],
    lower: float = 0.1,
    upper: float = 0.3,
    tolerance: float = TOLERANCE,
    exact: bool = True,
) -> Floats:
    """For the series ``rows`` of ``y``, whose aggregation levels run from 1 up to their own
    (highest first: the first ``count[k - 1]`` of them reach level ``k``), the sum over their
    levels ``k`` of the optimised-SES forecast of ``k``-step bucket sums divided by ``k``
    (IMAPA's numerator), in one compiled pass over every level, the bucket sums taken from
    running totals (summed in order, as ``numpy.cumsum``). ``tolerance`` narrows each search's
    bracket (the default follows statsforecast's probes to its bits; a coarser one is for
    planning). Without ``exact`` (planning), the forecast is at the minimum of the parabola
    through the search's best probe and its two neighbours instead of the bracket's midpoint
    (nearer the exact search's after a coarse one), and a level of one or two buckets is not
    searched: no one-step error depends on alpha there (the level and the first forecast are
    the first bucket), so the forecast is the bracket's midpoint's, where the search ends but
    for the last bits of rounding."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    total = np.zeros(rows.size)
    if rows.size and count.size and y.shape[1]:
        counts = np.ascontiguousarray(count, dtype=np.int64)
        _over_levels(y, rows, counts, lower, upper, total, tolerance, exact)
    return total


@_compiled
def _running_totals(y: Floats, rows: NDArray[np.int64], lo: int, width: int) -> Floats:
    """The running totals (from zero, summed in order as ``numpy.cumsum``) of the series
    ``rows[lo:lo + width]`` of ``y``: one block's, so no copy of the whole history is made."""
    steps = y.shape[1]
    running = np.empty((width, steps + 1))
    for j in range(width):
        row = y[rows[lo + j]]
        acc = 0.0
        running[j, 0] = 0.0
        for t in range(steps):
            acc += row[t]
            running[j, t + 1] = acc
    return running


@_parallel
def _over_levels(
    y: Floats,
    rows: NDArray[np.int64],
    count: NDArray[np.int64],
    lower: float,
    upper: float,
    total: Floats,
    tolerance: float,
    exact: bool,
) -> None:
    """IMAPA's sums, blocks of series across the cores: a block's running totals are summed
    in the block (no copy of the whole history), and in a block (sorted highest level first)
    the first ``count[k - 1] - lo`` series reach level ``k``."""
    steps = y.shape[1]
    n = rows.size
    for k in numba.prange((n + BLOCK - 1) // BLOCK):
        lo = k * BLOCK
        width = min(BLOCK, n - lo)
        running = _running_totals(y, rows, lo, width)
        part = np.empty(width)
        for agg in range(1, count.size + 1):
            m = min(max(count[agg - 1] - lo, 0), width)
            if m == 0:
                break
            lost = steps % agg
            length = (steps - lost) // agg
            if not exact and length <= 2:  # see mean_over_levels
                mid = (lower + upper) / 2.0
                for j in range(m):
                    value = running[j, lost + agg] - running[j, lost]
                    if length == 2:
                        second = running[j, lost + 2 * agg] - running[j, lost + agg]
                        value = mid * second + (1.0 - mid) * value
                    total[lo + j] += value / agg
                continue
            _search_block(
                running,
                0,
                m,
                agg,
                lost,
                length,
                lower,
                upper,
                part,
                tolerance,
                not exact,
            )
            for j in range(m):
                total[lo + j] += part[j] / agg


def ses_at_own_level(
    y: Floats,
    rows: NDArray[np.int64],
    level: NDArray[np.int64],
    lower: float = 0.1,
    upper: float = 0.3,
    tolerance: float = TOLERANCE,
    parabolic: bool = False,
) -> Floats:
    """For the series ``rows`` of ``y``, sorted by their aggregation ``level`` (highest
    first), the optimised-SES forecast of their own ``level``-step bucket sums (cut at the
    front, as statsforecast), divided by the level (ADIDA's), in one compiled pass, the bucket
    sums taken from running totals as in :func:`mean_over_levels`; ``parabolic`` as there."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    out = np.zeros(rows.size)
    if rows.size and y.shape[1]:
        levels = np.ascontiguousarray(level, dtype=np.int64)
        if levels.min() < 1 or levels.max() > y.shape[1] or np.any(np.diff(levels) > 0):
            raise ValueError("levels must run from the highest down, each 1 to the history")
        _at_own_level(y, rows, levels, lower, upper, out, tolerance, parabolic)
    return out


@_parallel
def _at_own_level(
    y: Floats,
    rows: NDArray[np.int64],
    level: NDArray[np.int64],
    lower: float,
    upper: float,
    out: Floats,
    tolerance: float,
    parabolic: bool,
) -> None:
    """:func:`ses_at_own_level`, blocks of series across the cores, each block's runs of
    one level searched together."""
    steps = y.shape[1]
    n = rows.size
    for k in numba.prange((n + BLOCK - 1) // BLOCK):
        lo = k * BLOCK
        width = min(BLOCK, n - lo)
        running = _running_totals(y, rows, lo, width)
        part = np.empty(width)
        start = 0
        while start < width:
            agg = level[lo + start]
            stop = start + 1
            while stop < width and level[lo + stop] == agg:
                stop += 1
            lost = steps % agg
            _search_block(
                running,
                start,
                stop - start,
                agg,
                lost,
                (steps - lost) // agg,
                lower,
                upper,
                part,
                tolerance,
                parabolic,
            )
            for j in range(start, stop):
                out[lo + j] = part[j] / agg
            start = stop
