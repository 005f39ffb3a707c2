"""Exponential smoothing on many series at once, the kernels of the forecasts: SES with an
optimised alpha (SES, ADIDA, IMAPA), Croston's smoothed sizes and intervals (Croston, SBA, TSB)
and TSB's smoothed demand occurrence.

The arithmetic follows statsforecast's kernels step for step, so that our Croston, SBA, TSB,
ADIDA and IMAPA agree with statsforecast's models of the same names to the last bit. For SES:

- the level starts at the first value and moves ``level = alpha * x + (1 - alpha) * level``
  with each following value; the one-step-ahead forecast is the last level;
- the sum of squared one-step errors starts at the second value;
- the optimised alpha comes from a golden-section search on ``[lower, upper]`` (default
  0.1-0.3, the range of the intermittent-demand literature) that stops when the bracket is
  narrower than 1e-12 or the two probes tie, and returns the bracket's midpoint.

Each series needs its own 50-odd passes over its values, one per probe of its search, and the
next probe depends on the last comparison, so the search cannot be written as a few whole-array
numpy operations without paying for each pass in memory traffic (numpy runs one operation at a
time over the whole array: about 2.4 ns per value and probe, against statsforecast's compiled
scalar loop at about 4). The kernels are therefore compiled with numba. The search takes the
series in blocks of ``BLOCK``, copies a block once into a time-major buffer that stays in the
CPU's cache, and runs every probe's pass across the block's series at once, so the compiler's
SIMD code handles several series per instruction (about 0.4 ns per value and probe). Each
multiply and add is the one statsforecast's loop does, in the same order, and numba's default
(no fast-math) never fuses them, so the squared errors, the comparisons and the chosen alpha
are statsforecast's to the bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
F = TypeVar("F", bound=Callable[..., Any])

GOLDEN = (math.sqrt(5.0) + 1.0) / 2.0
TOLERANCE = 1e-12
# series per block of the kernel: its time-major copy and working arrays stay in the L2 cache
BLOCK = 128


def _parallel(fn: F) -> F:
    """``fn`` compiled by numba with its ``prange`` loops across the machine's cores."""
    return cast(F, numba.njit(cache=True, nogil=True, parallel=True)(fn))


def _compiled(fn: F) -> F:
    """``fn`` compiled by numba (cached on disk beside the module; IEEE arithmetic, no fused
    multiply-adds)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def optimised_ses(values: Floats, lower: float = 0.1, upper: float = 0.3) -> Floats:
    """The one-step-ahead forecast of SES with the alpha in ``[lower, upper]`` that minimises
    the squared one-step errors, for every row of ``values`` (one row per series, one column
    per step)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.empty(values.shape[0])
    if values.shape[0] and values.shape[1]:
        _search(values, values.shape[0], 0, 0, values.shape[1], lower, upper, out)
    elif values.shape[0]:
        out[:] = np.nan
    return out


@_parallel
def _search(
    source: Floats,
    count: int,
    agg: int,
    lost: int,
    length: int,
    lower: float,
    upper: float,
    out: Floats,
) -> None:
    """Optimised-SES forecasts of the first ``count`` series of ``source``, into ``out``, in
    blocks of :data:`BLOCK` series across the cores.

    With ``agg`` 0 a series is its row of ``source``; otherwise its values are bucket sums,
    differences of the row's running totals at ``lost + agg * t``."""
    for k in numba.prange((count + BLOCK - 1) // BLOCK):
        lo = k * BLOCK
        _search_block(source, lo, min(BLOCK, count - lo), agg, lost, length, lower, upper, out)


@_compiled
def _search_block(
    source: Floats,
    lo: int,
    width: int,
    agg: int,
    lost: int,
    length: int,
    lower: float,
    upper: float,
    out: Floats,
    tolerance: float = TOLERANCE,
    parabolic: bool = False,
) -> None:
    """:func:`_search` of the series ``lo .. lo + width`` (one block), the bracket narrowed
    to ``tolerance``. The forecast is at the final bracket's midpoint (statsforecast's), or
    with ``parabolic`` at the minimum of the parabola through the best probe and its two
    neighbours, kept in the bracket: after a coarse search (planning) that is far nearer the
    exact minimum than the midpoint, for the price of no probe (:func:`_parabola`)."""
    a = np.empty(BLOCK)
    b = np.empty(BLOCK)
    c = np.empty(BLOCK)
    d = np.empty(BLOCK)
    fc = np.empty(BLOCK)
    fd = np.empty(BLOCK)
    # the squared errors at the bracket's ends, once they are probes (the first ends are not)
    fa = np.full(BLOCK, np.inf)
    fb = np.full(BLOCK, np.inf)
    probe = np.empty(BLOCK)
    sse = np.empty(BLOCK)
    level = np.empty(BLOCK)
    going = np.empty(BLOCK, dtype=np.bool_)
    left = np.empty(BLOCK, dtype=np.bool_)
    block = np.empty((length, BLOCK))
    for j in range(width):
        row = source[lo + j]
        if agg == 0:
            for t in range(length):
                block[t, j] = row[t]
        else:
            for t in range(length):
                block[t, j] = row[lost + (t + 1) * agg] - row[lost + t * agg]
    for j in range(width):
        a[j] = lower
        b[j] = upper
        c[j] = b[j] - (b[j] - a[j]) / GOLDEN
        d[j] = a[j] + (b[j] - a[j]) / GOLDEN
        probe[j] = c[j]
    _sse(block, width, probe, level, sse)
    for j in range(width):
        fc[j] = sse[j]
        probe[j] = d[j]
    _sse(block, width, probe, level, sse)
    remaining = 0
    for j in range(width):
        fd[j] = sse[j]
        going[j] = abs(b[j] - a[j]) >= tolerance
        remaining += going[j]
    while remaining:
        for j in range(width):
            if not going[j]:
                continue
            if fc[j] < fd[j]:
                # the minimum lies in [a, d]
                left[j] = True
                b[j] = d[j]
                fb[j] = fd[j]
                d[j] = c[j]
                fd[j] = fc[j]
                c[j] = b[j] - (b[j] - a[j]) / GOLDEN
                probe[j] = c[j]
            elif fd[j] < fc[j]:
                # the minimum lies in [c, b]
                left[j] = False
                a[j] = c[j]
                fa[j] = fc[j]
                c[j] = d[j]
                fc[j] = fd[j]
                d[j] = a[j] + (b[j] - a[j]) / GOLDEN
                probe[j] = d[j]
            else:
                going[j] = False
                remaining -= 1
        if not remaining:
            break
        _sse(block, width, probe, level, sse)
        for j in range(width):
            if not going[j]:
                continue
            if left[j]:
                fc[j] = sse[j]
            else:
                fd[j] = sse[j]
            if abs(b[j] - a[j]) < tolerance:
                going[j] = False
                remaining -= 1
    # the forecast: the level after the last value, at the bracket's midpoint (or parabola's)
    for j in range(width):
        probe[j] = (b[j] + a[j]) / 2.0
        if parabolic:
            probe[j] = _parabola(a[j], c[j], d[j], b[j], fa[j], fc[j], fd[j], fb[j], probe[j])
        level[j] = block[0, j]
    for t in range(1, length):
        current = block[t]
        for j in range(width):
            level[j] = probe[j] * current[j] + (1.0 - probe[j]) * level[j]
    for j in range(width):
        out[lo + j] = level[j]


@_compiled
def _parabola(
    a: float, c: float, d: float, b: float, fa: float, fc: float, fd: float, fb: float, mid: float
) -> float:
    """Where the parabola through three probes of a golden-section bracket ``a < c < d < b``
    (squared errors ``fa`` .. ``fb``, infinite at an end never probed) is least, kept in
    ``[a, b]``: the best interior probe in the middle, with its neighbour end when that was
    probed, else the three probes there are. A parabola that does not open upwards (or whose
    curvature rounds to nothing) gives the bracket's end on the side of the better outer
    probe; with fewer than three probes, ``mid``. The answer is always finite."""
    if fc <= fd:
        if fa < np.inf:
            x1, f1, x2, f2, x3, f3 = a, fa, c, fc, d, fd
        else:
            x1, f1, x2, f2, x3, f3 = c, fc, d, fd, b, fb
    elif fb < np.inf:
        x1, f1, x2, f2, x3, f3 = c, fc, d, fd, b, fb
    else:
        x1, f1, x2, f2, x3, f3 = a, fa, c, fc, d, fd
    if not (f1 < np.inf and f3 < np.inf):
        return mid
    num = (x2 - x1) ** 2 * (f2 - f3) - (x2 - x3) ** 2 * (f2 - f1)
    # -(x2 - x1)(x3 - x2) times the curvature: negative where the parabola opens upwards
    den = (x2 - x1) * (f2 - f3) - (x2 - x3) * (f2 - f1)
    if not den < 0.0:
        return a if f1 < f3 else b
    return min(max(x2 - 0.5 * num / den, a), b)


@_compiled
def _sse(block: Floats, width: int, alpha: Floats, level: Floats, sse: Floats) -> None:
    """The SES sum of squared one-step errors of the block's first ``width`` series at
    ``alpha``: the level starts at the first value, the errors at the second."""
    for j in range(width):
        level[j] = block[0, j]
        sse[j] = 0.0
    for t in range(1, block.shape[0]):
        previous = block[t - 1]
        current = block[t]
        for j in range(width):
            f = alpha[j] * previous[j] + (1.0 - alpha[j]) * level[j]
            level[j] = f
            err = current[j] - f
            sse[j] += err * err


def croston_parts(y: Floats, alpha: float) -> tuple[Floats, Floats, NDArray[np.bool_]]:
    """Per row of ``y`` (one series per row): the SES level (``alpha``) of its positive demand
    sizes, the SES level of the intervals between them (the first interval counts from before
    the first day), and whether it had any positive demand. A series' first demand sets both
    levels; statsforecast's Croston, SBA and TSB do the same arithmetic."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    size = np.zeros(y.shape[0])
    interval = np.zeros(y.shape[0])
    seen = np.zeros(y.shape[0], dtype=np.bool_)
    _croston(y, alpha, size, interval, seen)
    return size, interval, seen


def occurrence_level(y: Floats, alpha: float) -> Floats:
    """Per row of ``y``: SES (``alpha``) of whether each day had demand, starting at the first
    day (TSB's demand probability)."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    out = np.zeros(y.shape[0])
    if y.shape[1]:
        _occurrence(y, alpha, out)
    return out


@_compiled
def _croston(
    y: Floats, alpha: float, size: Floats, interval: Floats, seen: NDArray[np.bool_]
) -> None:
    complement = 1.0 - alpha
    for i in range(y.shape[0]):
        row = y[i]
        last = -1
        for t in range(row.shape[0]):
            v = row[t]
            if not v > 0:
                continue
            if seen[i]:
                size[i] = alpha * v + complement * size[i]
                interval[i] = alpha * float(t - last) + complement * interval[i]
            else:
                size[i] = v
                interval[i] = float(t + 1)
                seen[i] = True
            last = t


@_compiled
def _occurrence(y: Floats, alpha: float, out: Floats) -> None:
    complement = 1.0 - alpha
    for i in range(y.shape[0]):
        row = y[i]
        p = 1.0 if row[0] != 0 else 0.0
        for t in range(1, row.shape[0]):
            p = alpha * (1.0 if row[t] != 0 else 0.0) + complement * p
        out[i] = p
