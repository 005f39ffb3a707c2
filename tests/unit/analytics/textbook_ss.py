"""Periodic-review (s, S) with Poisson demand (S&S Ch. 4, Algorithm 4.2; Zheng & Federgruen 1991).

The textbook reference; notation, units and the book are in :mod:`textbook_loss`. Solved with
zero lead time, as in S&S Example 4.7 and Zheng & Federgruen (1991).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from tests.unit.analytics.textbook_eoq_newsvendor import (
    critical_ratio,
    newsvendor_poisson,
    newsvendor_poisson_cost,
)
from tests.unit.analytics.textbook_loss import (
    FloatArray,
    poisson_pmf,
    require_integer,
    require_positive,
)

__all__ = ["SSResult", "s_s_cost_poisson", "s_s_poisson_optimal"]


@dataclass(frozen=True, slots=True)
class SSResult:
    """An integer (s, S) policy and its expected cost per period ``g(s, S)``."""

    reorder_point: int
    order_up_to_level: int
    cost: float


# --- (s, S) with Poisson demand (S&S Ch. 4, Zheng & Federgruen 1991) -------------------------


@functools.lru_cache(maxsize=128)
def _poisson_renewal_masses(mean: float, size: int) -> FloatArray:
    """Renewal masses ``m(0), ..., m(size-1)`` of ``Poisson(mean)`` per-period demand.

    ``m(0) = 1 / (1 - f(0))`` and ``m(j) = m(0) sum_{l=1}^{j} f(l) m(j - l)`` (S&S (4.71)-(4.75)).
    Cached (the array is returned read-only) because (s, S) searches evaluate many policies.
    """
    pmf = poisson_pmf(np.arange(size), mean)
    m = np.empty(size, dtype=np.float64)
    m[0] = 1.0 / (1.0 - pmf[0])
    for j in range(1, size):
        m[j] = m[0] * float(np.dot(pmf[1 : j + 1], m[j - 1 :: -1]))
    m.setflags(write=False)
    return m


class _PoissonSS:
    """Cost oracle for periodic-review (s, S) with ``Poisson(mean)`` demand, zero lead time.

    Holds the renewal masses ``m(j)`` (expected number of periods in which cumulative demand
    since the last order equals ``j``), grown on demand, and evaluates
    ``c(s, S) = (K + sum_{j=0}^{S-s-1} m(j) G(S - j)) / M(S - s)``, ``M(n) = sum_{j<n} m(j)``
    (S&S eqs. (4.71)-(4.75); Zheng & Federgruen 1991).
    """

    def __init__(self, holding_cost: float, stockout_cost: float, fixed_cost: float, mean: float):
        critical_ratio(holding_cost, stockout_cost)
        require_positive("fixed_cost", fixed_cost)
        require_positive("mean", mean)
        self.holding_cost = holding_cost
        self.stockout_cost = stockout_cost
        self.fixed_cost = fixed_cost
        self.mean = mean
        self._m: FloatArray = np.empty(0, dtype=np.float64)

    def single_period(self, y: int) -> float:
        """``G(y)``: one-period expected holding and stockout cost at inventory level ``y``."""
        return newsvendor_poisson_cost(
            y, holding_cost=self.holding_cost, stockout_cost=self.stockout_cost, mean=self.mean
        )

    def renewal_masses(self, n: int) -> FloatArray:
        """``m(0), ..., m(n-1)`` for this demand (see :func:`_poisson_renewal_masses`)."""
        if n > self._m.size:
            self._m = _poisson_renewal_masses(self.mean, max(64, 1 << (n - 1).bit_length()))
        return self._m[:n]

    def cost(self, s: int, big_s: int) -> float:
        n = big_s - s
        if n < 1:
            raise ValueError(f"reorder_point must be below order_up_to_level, got ({s}, {big_s})")
        m = self.renewal_masses(n)
        levels = big_s - np.arange(n)
        g = newsvendor_poisson_cost(
            levels, holding_cost=self.holding_cost, stockout_cost=self.stockout_cost, mean=self.mean
        )
        return (self.fixed_cost + float(np.dot(m, g))) / float(m.sum())


def s_s_cost_poisson(
    reorder_point: int,
    order_up_to_level: int,
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    mean: float,
) -> float:
    """Expected cost per period of an (s, S) policy with Poisson demand: S&S Ex. 4.7.

    Periodic review, zero lead time, backorders: at the start of a period, if the inventory
    position is at or below ``s`` raise it to ``S``; then ``Poisson(mean)`` demand occurs and
    ``h`` / ``p`` are charged per item on hand / backordered at the end of the period, ``K``
    per order. ``g(s, S) = (K + sum_{d=0}^{S-s-1} m(d) g(S-d)) / M(S-s)`` (Zheng & Federgruen
    1991; S&S eqs. (4.71)-(4.75)). S&S Example 4.7 (``h = 1``, ``p = 4``, ``K = 5``,
    ``Poisson(6)``): ``g(4, 10) = 8.034``.
    """
    s = require_integer("reorder_point", reorder_point)
    big_s = require_integer("order_up_to_level", order_up_to_level)
    return _PoissonSS(holding_cost, stockout_cost, fixed_cost, mean).cost(s, big_s)


def s_s_poisson_optimal(
    *, holding_cost: float, stockout_cost: float, fixed_cost: float, mean: float
) -> SSResult:
    """Optimal (s, S) with Poisson demand: Zheng & Federgruen (1991), S&S Algorithm 4.2.

    Same model and units as :func:`s_s_cost_poisson` (per period, zero lead time). Starting
    from the newsvendor optimum ``y*`` it lowers ``s`` until ``c(s, y*) <= G(s)``, then raises
    ``S`` while ``G(S) <= c*``, re-optimising ``s`` upward whenever ``S`` improves; the result
    is globally optimal. S&S Example 4.7: ``(s*, S*) = (4, 10)``, ``g* = 8.034``; it also
    reproduces the 24-instance table of Zheng & Federgruen (1991) (``h = 1``, ``p = 9``,
    ``K = 64``).

    Reference: Y.-S. Zheng and A. Federgruen, "Finding optimal (s, S) policies is about as
    simple as evaluating a single policy", *Operations Research* 39(4):654-665, 1991.
    """
    model = _PoissonSS(holding_cost, stockout_cost, fixed_cost, mean)
    y_star = newsvendor_poisson(
        holding_cost=holding_cost, stockout_cost=stockout_cost, mean=mean
    ).base_stock_level
    big_s = y_star
    s = y_star - 1
    while model.cost(s, big_s) > model.single_period(s):
        s -= 1
    best_cost = model.cost(s, big_s)
    candidate = big_s + 1
    while model.single_period(candidate) <= best_cost:
        if model.cost(s, candidate) < best_cost:
            big_s = candidate
            while model.cost(s, big_s) <= model.single_period(s + 1):
                s += 1
            best_cost = model.cost(s, big_s)
        candidate += 1
    return SSResult(reorder_point=s, order_up_to_level=big_s, cost=best_cost)
