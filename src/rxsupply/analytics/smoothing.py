"""Simple exponential smoothing on many sequences at once, the kernel of every forecast here.

The arithmetic follows statsforecast's SES kernel step for step, so that our Croston, SBA, TSB,
ADIDA and IMAPA agree with statsforecast's models of the same names to the last bit:

- the level starts at the first value and moves ``level = alpha * x + (1 - alpha) * level``
  with each following value; the one-step-ahead forecast is the last level;
- the sum of squared one-step errors starts at the second value;
- the optimised alpha comes from a golden-section search on ``[lower, upper]`` (default
  0.1-0.3, the range of the intermittent-demand literature) that stops when the bracket is
  narrower than 1e-12 or the two probes tie, and returns the bracket's midpoint.

Sequences of different lengths are stored *right-aligned* in one matrix of shape
``(steps, sequences)`` (time down, sequences across), sorted by length, longest first. At step
``i`` the sequences that have started form a prefix of the columns, so every step works on one
contiguous slice and no time is spent on masks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

GOLDEN = (math.sqrt(5.0) + 1.0) / 2.0
TOLERANCE = 1e-12


@dataclass(frozen=True, slots=True)
class Ragged:
    """Sequences of different lengths, right-aligned and sorted longest first.

    ``values[steps - length[j]:, j]`` is sequence ``j``; ``order[j]`` is its position in the
    caller's order; ``active[i]`` is how many sequences have started by step ``i``.
    """

    values: Floats
    length: Ints
    order: Ints
    active: Ints

    @property
    def steps(self) -> int:
        return int(self.values.shape[0])

    @property
    def count(self) -> int:
        return int(self.values.shape[1])

    def first(self) -> Floats:
        """Each sequence's first value (NaN for an empty one)."""
        out = np.full(self.count, np.nan)
        has = self.length > 0
        cols = np.flatnonzero(has)
        out[cols] = self.values[self.steps - self.length[cols], cols]
        return out

    def in_caller_order(self, sorted_values: Floats) -> Floats:
        out = np.empty_like(sorted_values)
        out[self.order] = sorted_values
        return out


def pack(groups: Sequence[tuple[int, Floats]]) -> Ragged:
    """Pack blocks of sequences for the kernels: block ``(count, values)`` holds ``count``
    sequences of one length, one per row of ``values`` (shape ``(count, length)``). Sequence
    ``j`` in the caller's order is row ``j`` of the blocks taken in turn."""
    lengths = np.concatenate(
        [np.full(count, values.shape[1], dtype=np.int64) for count, values in groups]
    )
    order = np.argsort(-lengths, kind="stable").astype(np.int64)
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    length = lengths[order]
    steps = int(length[0]) if length.size else 0
    matrix = np.zeros((steps, length.size), dtype=np.float64)
    start = 0
    for count, values in groups:
        matrix[steps - values.shape[1] :, position[start : start + count]] = values.T
        start += count
    return Ragged(values=matrix, length=length, order=order, active=_active(length, steps))


def _active(length: Ints, steps: int) -> Ints:
    # started by step i: steps - length <= i  <=>  length >= steps - i; lengths sorted descending
    thresholds = steps - np.arange(steps, dtype=np.int64)
    return np.searchsorted(-length, -thresholds, side="right").astype(np.int64)


def ses_sse(data: Ragged, alpha: Floats) -> Floats:
    """Sum of squared one-step-ahead errors of SES, per sequence, at per-sequence ``alpha``."""
    x = data.values
    forecast = data.first()
    complement = 1.0 - alpha
    sse = np.zeros(data.count)
    tmp = np.empty(data.count)
    err = np.empty(data.count)
    for i in range(1, data.steps):
        # sequences with a value at i - 1 and at i
        k = int(data.active[i - 1])
        if k == 0:
            continue
        f = forecast[:k]
        np.multiply(complement[:k], f, out=f)
        np.multiply(alpha[:k], x[i - 1, :k], out=tmp[:k])
        np.add(tmp[:k], f, out=f)
        np.subtract(x[i, :k], f, out=err[:k])
        np.multiply(err[:k], err[:k], out=err[:k])
        np.add(sse[:k], err[:k], out=sse[:k])
    return sse


def ses_level(data: Ragged, alpha: Floats) -> Floats:
    """The SES one-step-ahead forecast (the last level) per sequence; NaN when empty."""
    x = data.values
    level = data.first()
    complement = 1.0 - alpha
    tmp = np.empty(data.count)
    for i in range(1, data.steps):
        k = int(data.active[i - 1])
        if k == 0:
            continue
        lv = level[:k]
        np.multiply(complement[:k], lv, out=lv)
        np.multiply(alpha[:k], x[i, :k], out=tmp[:k])
        np.add(tmp[:k], lv, out=lv)
    return level


def golden_alpha(data: Ragged, lower: float = 0.1, upper: float = 0.3) -> Floats:
    """The alpha in ``[lower, upper]`` minimising each sequence's SES squared error."""
    n = data.count
    a = np.full(n, lower)
    b = np.full(n, upper)
    c = b - (b - a) / GOLDEN
    d = a + (b - a) / GOLDEN
    fc = ses_sse(data, c)
    fd = ses_sse(data, d)
    active = np.abs(b - a) >= TOLERANCE
    while active.any():
        left = active & (fc < fd)
        right = active & (fd < fc)
        # left: the minimum lies in [a, d]
        b = np.where(left, d, b)
        d_new = np.where(left, c, d)
        fd = np.where(left, fc, fd)
        # right: the minimum lies in [c, b]
        a = np.where(right, c, a)
        c_new = np.where(right, d, c)
        fc = np.where(right, fd, fc)
        c = np.where(left, b - (b - a) / GOLDEN, c_new)
        d = np.where(right, a + (b - a) / GOLDEN, d_new)
        moved = left | right
        probe = np.where(left, c, d)
        value = ses_sse(data, probe)
        fc = np.where(left, value, fc)
        fd = np.where(right, value, fd)
        active = moved & (np.abs(b - a) >= TOLERANCE)
    return np.asarray((b + a) / 2.0, dtype=np.float64)
