"""Budget mode: choose one service level per series so the stock fits a budget.

Each series ``i`` offers a menu of ``k`` candidate service levels (ascending). Option ``j``
costs ``value[i, j]`` (expected average inventory value, money) and yields ``fill[i, j]``
(expected units filled from the shelf); both are non-decreasing in ``j``. We choose one option per
series with total value within the budget and total fill as large as we can, by *marginal
allocation* (Gross 1956; Fox, "Discrete optimization via marginal analysis", Management
Science 13(3), 1966; as used for spares in Sherbrooke, *Optimal Inventory Modeling of Systems*,
2nd ed., 2004):

1. Every series starts at option 0. If those alone exceed the budget, the allocation stays
   there and says it is infeasible.
2. Each menu is reduced to its *upper concave hull* in the (value, fill) plane: options that
   are dominated (no more fill for at least the cost) or lie under a chord are never worth
   stopping at. Along the hull, the fill gained per unit of money of each step (its *ratio*)
   never increases, so the steps of one series are wanted in their own order.
3. All hull steps of all series are sorted once by ratio, best first (steps of one series keep
   their order on ties), and the longest prefix whose total cost fits the budget is taken. The
   first step that does not fit ends the allocation, even if a cheaper later step would fit.

What this guarantees (the tests check each, bounding ``c`` and ``f`` by a whole menu's span):

- the allocation is optimal for the money it spends: no choice of options costing at most
  ``total_value`` fills more (a prefix of the sorted hull steps solves the continuous
  relaxation at its own cost exactly, and the relaxation bounds the discrete problem);
- hence its fill is at least the discrete optimum for ``budget - c`` and at least the
  discrete optimum for ``budget`` minus ``f``, where ``c`` and ``f`` are the cost and fill of
  the hull step that did not fit;
- the total fill never decreases when the budget grows.

Vectorised: the hull is built with a monotone chain run across all series at once (the loop
runs over the ``k`` options only), and the steps are sorted once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rxsupply.errors import InvalidValue

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

__all__ = ["Allocation", "allocate_budget"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The option chosen for each series and what the choice costs and yields.

    ``feasible`` is False when the options 0 alone exceed the budget (every series then stays
    at option 0).
    """

    choice: Ints
    total_value: float
    total_fill: float
    feasible: bool


def allocate_budget(*, value: Floats, fill: Floats, budget: float) -> Allocation:
    """Choose one option per series (row) so ``value`` totals at most ``budget``.

    ``value`` and ``fill`` have shape ``(n, k)``, non-decreasing along each row. See the module
    docstring for the method and what it guarantees.
    """
    value = np.asarray(value, dtype=np.float64)
    fill = np.asarray(fill, dtype=np.float64)
    _check(value, fill, budget)
    n, k = value.shape
    rows = np.arange(n)
    base = float(value[:, 0].sum())
    if base > budget:
        return _allocation(value, fill, np.zeros(n, dtype=np.int64), feasible=False)

    hull, size = _upper_hull(value, fill)
    steps = size - 1  # hull steps per series
    step = np.arange(k - 1)
    valid = step[None, :] < steps[:, None]
    start, end = hull[:, :-1], hull[:, 1:]
    cost = np.where(valid, value[rows[:, None], end] - value[rows[:, None], start], 0.0)
    gain = np.where(valid, fill[rows[:, None], end] - fill[rows[:, None], start], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / np.where(cost > 0, cost, 1.0), np.inf)
    # The hull makes ratios decrease along a row; the running minimum removes rounding noise so
    # that sorting can never put a series' step before the one it builds on.
    ratio = np.minimum.accumulate(ratio, axis=1)

    series, position = np.nonzero(valid)
    order = np.lexsort((position, -ratio[series, position]))
    spent = base + np.cumsum(cost[series, position][order])
    taken = int(np.count_nonzero(spent <= budget))  # the prefix that fits (spent is sorted)
    while True:
        counts = np.bincount(series[order[:taken]], minlength=n)
        allocation = _allocation(value, fill, hull[rows, counts], feasible=True)
        if allocation.total_value <= budget or taken == 0:
            return allocation
        taken -= 1  # the running sum rounded differently from the total: give up one step


def _upper_hull(value: Floats, fill: Floats) -> tuple[Ints, Ints]:
    """Option indices on each row's upper concave hull, from option 0; and how many there are.

    A monotone chain run on all rows at once. An option with no more fill than the hull's last
    point is dominated and skipped; the last point is popped while the new option lies on or
    above the chord from the point before it (strictly above: collinear options stay, so the
    allocation can stop at them) or costs the same as it.
    """
    n, k = value.shape
    rows = np.arange(n)
    hull = np.zeros((n, k), dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    for j in range(1, k):
        vj, fj = value[:, j], fill[:, j]
        push = fj > fill[rows, hull[rows, size - 1]]
        while True:
            b = hull[rows, size - 1]
            a = hull[rows, np.maximum(size - 2, 0)]
            va, fa, vb, fb = value[rows, a], fill[rows, a], value[rows, b], fill[rows, b]
            above = (fb - fa) * (vj - vb) < (fj - fb) * (vb - va)
            pop = push & (size >= 2) & ((vj == vb) | above)
            if not pop.any():
                break
            size -= pop
        hull[rows[push], size[push]] = j
        size += push
    return hull, size


def _allocation(value: Floats, fill: Floats, choice: Ints, *, feasible: bool) -> Allocation:
    rows = np.arange(value.shape[0])
    return Allocation(
        choice=choice,
        total_value=float(value[rows, choice].sum()),
        total_fill=float(fill[rows, choice].sum()),
        feasible=feasible,
    )


def _check(value: Floats, fill: Floats, budget: float) -> None:
    if value.ndim != 2 or value.shape[1] < 1:
        raise InvalidValue("value", "must be a matrix (series, options) with at least one option")
    if fill.shape != value.shape:
        raise InvalidValue("fill", f"must have the shape of value {value.shape}, not {fill.shape}")
    for name, array in (("value", value), ("fill", fill)):
        if not np.all(np.isfinite(array)):
            raise InvalidValue(name, "must be finite")
        if np.any(np.diff(array, axis=1) < 0):
            raise InvalidValue(name, "must be non-decreasing along each series' options")
    if math.isnan(budget):
        raise InvalidValue("budget", "must be a number", budget)
