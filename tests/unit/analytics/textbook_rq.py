"""Exact (r, Q) policies (S&S Ch. 5): normal demand (Sec. 5.2) and Poisson demand (Sec. 5.5).

The textbook reference; notation, units and the book are in :mod:`textbook_loss`.
**Lead-time convention** of continuous review (S&S Ch. 5): the lead-time demand covers exactly
the lead time ``L`` (in the same time unit as ``lambda``), ``N(lambda L, tau^2 L)`` or
``Poisson(lambda L)``. The approximations of Sec. 5.3 are in
:mod:`textbook_rq_approximations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from tests.unit.analytics.textbook_eoq_newsvendor import (
    critical_ratio,
    newsvendor_normal_cost,
    newsvendor_poisson_cost,
)
from tests.unit.analytics.textbook_loss import (
    MAX_ITERATIONS,
    normal_second_loss,
    poisson_ppf,
    require_integer,
    require_non_negative,
    require_positive,
    std_normal_ppf,
)

__all__ = [
    "PoissonRQResult",
    "RQNormal",
    "RQResult",
    "brentq",
    "r_q_cost_normal",
    "r_q_cost_poisson",
    "r_q_normal_optimal",
    "r_q_optimal_reorder_point",
    "r_q_poisson_optimal",
]

# scipy.optimize ships no annotations; give its root finder the signature we rely on.
_scipy_brentq: Callable[..., float] = optimize.brentq


@dataclass(frozen=True, slots=True)
class RQResult:
    """An (r, Q) policy and its *exact* expected cost per unit time ``g(r, Q)`` (S&S (5.7))."""

    reorder_point: float
    order_quantity: float
    cost: float


@dataclass(frozen=True, slots=True)
class PoissonRQResult:
    """An integer (r, Q) policy under Poisson demand and its expected cost per unit time."""

    reorder_point: int
    order_quantity: int
    cost: float


# --- (r, Q) with normal lead-time demand (S&S Ch. 5) ------------------------------------------


@dataclass(frozen=True, slots=True)
class RQNormal:
    """Validated (r, Q) parameters with the lead-time demand ``N(lambda L, tau^2 L)``."""

    holding_cost: float
    stockout_cost: float
    fixed_cost: float
    demand_rate: float
    ltd_mean: float
    ltd_sd: float

    @classmethod
    def build(
        cls,
        *,
        holding_cost: float,
        stockout_cost: float,
        fixed_cost: float,
        demand_rate: float,
        demand_sd: float,
        lead_time: float,
    ) -> RQNormal:
        critical_ratio(holding_cost, stockout_cost)
        require_non_negative("fixed_cost", fixed_cost)
        require_non_negative("demand_rate", demand_rate)
        require_non_negative("demand_sd", demand_sd)
        require_non_negative("lead_time", lead_time)
        return cls(
            holding_cost=holding_cost,
            stockout_cost=stockout_cost,
            fixed_cost=fixed_cost,
            demand_rate=demand_rate,
            ltd_mean=demand_rate * lead_time,
            ltd_sd=demand_sd * math.sqrt(lead_time),
        )

    def newsvendor(self, y: float) -> float:
        """``g(y)``: newsvendor cost of inventory position ``y`` against lead-time demand."""
        return newsvendor_normal_cost(
            y,
            holding_cost=self.holding_cost,
            stockout_cost=self.stockout_cost,
            mean=self.ltd_mean,
            sd=self.ltd_sd,
        )

    def newsvendor_minimiser(self) -> float:
        alpha = self.stockout_cost / (self.holding_cost + self.stockout_cost)
        return self.ltd_mean + std_normal_ppf(alpha) * self.ltd_sd

    def cost(self, r: float, q: float) -> float:
        """Exact cost (5.7) in closed form through the second-order loss function."""
        h, p = self.holding_cost, self.stockout_cost
        mu, sigma = self.ltd_mean, self.ltd_sd
        integral_of_loss = normal_second_loss(r, mean=mu, sd=sigma) - normal_second_loss(
            r + q, mean=mu, sd=sigma
        )
        return (
            self.fixed_cost * self.demand_rate / q
            + h * (r - mu + q / 2)
            + (h + p) * integral_of_loss / q
        )

    def optimal_r(self, q: float) -> float:
        """``r(Q)`` solving ``g(r) = g(r + Q)`` (5.9); the root lies in ``[S* - Q, S*]``."""
        s_star = self.newsvendor_minimiser()

        def gap(r: float) -> float:
            return self.newsvendor(r) - self.newsvendor(r + q)

        lo, hi = s_star - q, s_star
        if gap(lo) <= 0:
            return lo
        if gap(hi) >= 0:
            return hi
        return brentq(gap, lo, hi)

    def result(self, r: float, q: float) -> RQResult:
        return RQResult(reorder_point=r, order_quantity=q, cost=self.cost(r, q))


def brentq(fun: Callable[[float], float], lo: float, hi: float) -> float:
    scale = max(1.0, abs(lo), abs(hi))
    return float(_scipy_brentq(fun, lo, hi, xtol=1e-12 * scale, rtol=4 * np.finfo(float).eps))


def r_q_cost_normal(
    reorder_point: float,
    order_quantity: float,
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> float:
    """Exact expected cost per unit time of an (r, Q) policy: S&S eq. (5.7), Example 5.1.

    Continuous review, backorders, normal demand with rate ``demand_rate`` (``lambda``) and
    standard deviation ``demand_sd`` (``tau``) per unit time. **Lead-time convention: the
    lead-time demand covers exactly the lead time L** (same time unit as ``lambda``), i.e.
    ``N(lambda L, tau^2 L)``, as in stockpyl's ``rq`` module. With ``g(y)`` the newsvendor
    cost of that lead-time demand,

        ``g(r, Q) = (K lambda + integral_r^{r+Q} g(y) dy) / Q``
        ``       = K lambda / Q + h (r - lambda L + Q / 2) + (h + p)(n2(r) - n2(r + Q)) / Q``,

    evaluated in closed form with the second-order loss function ``n2``. S&S Example 5.1
    (``h = 0.225``, ``p = 7.5``, ``K = 8``, ``lambda = 1300``, ``tau = 150`` per year,
    ``L = 1/12`` year): ``g(126.8, 328.5) = 78.07``.
    """
    require_positive("order_quantity", order_quantity)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    return model.cost(float(reorder_point), float(order_quantity))


def r_q_optimal_reorder_point(
    order_quantity: float,
    *,
    holding_cost: float,
    stockout_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> float:
    """Optimal reorder point ``r(Q)`` for a fixed ``Q``: S&S eq. (5.9), Example 5.2.

    ``r(Q)`` solves ``g(r) = g(r + Q)`` where ``g`` is the newsvendor cost of the lead-time
    demand ``N(lambda L, tau^2 L)`` (lead-time demand over exactly ``L``, as in
    :func:`r_q_cost_normal`); found by Brent's method on ``[S* - Q, S*]``, ``S*`` the
    newsvendor optimum. S&S Example 5.2 data with ``Q = 300``: ``r(300) = 129.43``.
    """
    require_positive("order_quantity", order_quantity)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=0.0,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    return model.optimal_r(float(order_quantity))


def r_q_normal_optimal(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> RQResult:
    """Exactly optimal (r, Q) with normal lead-time demand: S&S Ch. 5, data of Example 5.1.

    Minimises the exact cost (5.7) (lead-time demand over exactly ``L``, see
    :func:`r_q_cost_normal`). At the optimum both first-order conditions hold,
    ``g(r) = g(r + Q)`` (5.9) and ``g(r + Q) = g(r, Q)`` (from ``dg(r, Q)/dQ = 0``); the
    second is solved for ``Q`` by Brent's method with ``r = r(Q)``. S&S Example 5.1 data:
    ``r* = 126.87``, ``Q* = 328.45``, ``g* = 78.07`` per year (the book evaluates the policy
    rounded to ``(126.8, 328.5)``).
    """
    require_positive("fixed_cost", fixed_cost)
    require_positive("demand_rate", demand_rate)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )

    def excess(q: float) -> float:
        r = model.optimal_r(q)
        return model.newsvendor(r + q) - model.cost(r, q)

    eoq = math.sqrt(2 * fixed_cost * demand_rate / holding_cost)
    lo, hi = eoq, 2 * eoq
    for _ in range(200):
        if excess(lo) < 0:
            break
        lo /= 2
    for _ in range(200):
        if excess(hi) > 0:
            break
        hi *= 2
    q = brentq(excess, lo, hi)
    return model.result(model.optimal_r(q), q)


# --- (r, Q) with Poisson demand (S&S Ch. 5) ----------------------------------------------------


def _validate_poisson_rq(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    lead_time: float,
) -> float:
    critical_ratio(holding_cost, stockout_cost)
    require_positive("fixed_cost", fixed_cost)
    require_positive("demand_rate", demand_rate)
    require_positive("lead_time", lead_time)
    return demand_rate * lead_time


def r_q_cost_poisson(
    reorder_point: int,
    order_quantity: int,
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    lead_time: float,
) -> float:
    """Exact cost per unit time of an integer (r, Q) policy, Poisson demand: S&S (5.48), Ex 5.8.

    ``g(r, Q) = (K lambda + sum_{y=r+1}^{r+Q} g(y)) / Q`` where ``g`` is the newsvendor cost
    of the lead-time demand ``Poisson(lambda L)``: **lead-time demand covers exactly L** (same
    unit as ``lambda``). Continuous review, unit demands, backorders. S&S Example 5.8
    (``h = 20``, ``p = 150``, ``K = 100``, ``lambda = 1.5``, ``L = 2``):
    ``g(3, 5) = 107.92``.
    """
    r = require_integer("reorder_point", reorder_point)
    q = require_integer("order_quantity", order_quantity)
    if q < 1:
        raise ValueError(f"order_quantity must be a positive integer, got {order_quantity!r}")
    ltd_mean = _validate_poisson_rq(holding_cost, stockout_cost, fixed_cost, demand_rate, lead_time)
    costs = newsvendor_poisson_cost(
        np.arange(r + 1, r + q + 1),
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        mean=ltd_mean,
    )
    return (fixed_cost * demand_rate + float(costs.sum())) / q


def r_q_poisson_optimal(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    lead_time: float,
) -> PoissonRQResult:
    """Optimal integer (r, Q) under Poisson demand: Federgruen & Zheng (1992), S&S Ex. 5.8.

    The cost (5.48) averages ``K lambda`` and ``Q`` consecutive values of the convex newsvendor
    cost ``g`` of ``Poisson(lambda L)`` lead-time demand (exactly ``L``). Starting from
    ``Q = 1``, ``r = S* - 1``, each step adds the cheaper neighbour of the window
    ``{r+1, ..., r+Q}`` (``r -= 1`` if ``g(r) < g(r+Q+1)``) and stops when the average cost
    rises. S&S Example 5.8: ``r* = 3``, ``Q* = 5``, ``g* = 107.92``.
    """
    ltd_mean = _validate_poisson_rq(holding_cost, stockout_cost, fixed_cost, demand_rate, lead_time)
    alpha = critical_ratio(holding_cost, stockout_cost)

    def g(y: int) -> float:
        return newsvendor_poisson_cost(
            y, holding_cost=holding_cost, stockout_cost=stockout_cost, mean=ltd_mean
        )

    s_star = poisson_ppf(alpha, ltd_mean)
    r, q = s_star - 1, 1
    window_sum = g(s_star)
    cost = (fixed_cost * demand_rate + window_sum) / q
    for _ in range(MAX_ITERATIONS):
        left, right = g(r), g(r + q + 1)
        next_r = r - 1 if left < right else r
        next_sum = window_sum + min(left, right)
        next_cost = (fixed_cost * demand_rate + next_sum) / (q + 1)
        if next_cost > cost:
            break
        r, q, window_sum, cost = next_r, q + 1, next_sum, next_cost
    else:  # pragma: no cover - the average cost eventually rises since g is convex
        raise ArithmeticError("Federgruen-Zheng search did not terminate")
    return PoissonRQResult(
        reorder_point=r,
        order_quantity=q,
        cost=r_q_cost_poisson(
            r,
            q,
            holding_cost=holding_cost,
            stockout_cost=stockout_cost,
            fixed_cost=fixed_cost,
            demand_rate=demand_rate,
            lead_time=lead_time,
        ),
    )
