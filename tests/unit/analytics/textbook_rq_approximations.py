"""Approximations of the (r, Q) policy with normal demand (S&S Ch. 5, Sec. 5.3).

The textbook reference; notation, units and the book are in :mod:`textbook_loss`, the exact
model and its lead-time convention (lead-time demand over exactly ``L``) in
:mod:`textbook_rq`. Each approximation returns its policy with the exact cost (5.7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.unit.analytics.textbook_loss import (
    MAX_ITERATIONS,
    normal_loss,
    normal_second_loss,
    require_positive,
    std_normal_ppf,
)
from tests.unit.analytics.textbook_rq import RQNormal, RQResult, brentq

__all__ = [
    "EILResult",
    "r_q_eil_approximation",
    "r_q_eoqb_approximation",
    "r_q_eoqss_approximation",
    "r_q_loss_function_approximation",
]


@dataclass(frozen=True, slots=True)
class EILResult:
    """The EIL (r, Q) policy, its approximate cost (S&S (5.16)) and its exact cost (5.7)."""

    reorder_point: float
    order_quantity: float
    approximate_cost: float
    cost: float


def r_q_eil_approximation(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
    tol: float = 1e-10,
) -> EILResult:
    """Expected-inventory-level (EIL) approximation: S&S eqs. (5.16)-(5.18), Algorithm 5.1.

    Iterates ``r = F^-1(1 - Q h / (p lambda))`` and ``Q = sqrt(2 lambda (K + p n(r)) / h)``
    from ``Q = EOQ`` until both move less than ``tol`` (items); ``F`` and ``n`` belong to the
    lead-time demand ``N(lambda L, tau^2 L)`` (exactly ``L``). Returns the EIL approximate
    cost ``h (r - lambda L + Q/2) + K lambda / Q + p lambda n(r) / Q`` (5.16) and the exact
    cost (5.7) of the same policy. Whitin (1953); Hadley & Whitin (1963). S&S Example 5.2:
    ``r = 213.97``, ``Q = 318.59``, approximate cost ``95.45``.
    """
    require_positive("tol", tol)
    require_positive("fixed_cost", fixed_cost)
    require_positive("demand_rate", demand_rate)
    require_positive("demand_sd", demand_sd)
    require_positive("lead_time", lead_time)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    h, p, k, lam = holding_cost, stockout_cost, fixed_cost, demand_rate
    mu, sigma = model.ltd_mean, model.ltd_sd
    q = math.sqrt(2 * k * lam / h)
    r = 0.0
    for _ in range(MAX_ITERATIONS):
        fractile = 1 - q * h / (p * lam)
        if not 0 < fractile < 1:
            raise ValueError("EIL approximation undefined: Q h >= p lambda at some iterate")
        r_new = mu + sigma * std_normal_ppf(fractile)
        q_new = math.sqrt(2 * lam * (k + p * normal_loss(r_new, mean=mu, sd=sigma)) / h)
        converged = abs(r_new - r) <= tol and abs(q_new - q) <= tol
        r, q = r_new, q_new
        if converged:
            break
    else:  # pragma: no cover - the map is a contraction on realistic inputs
        raise ArithmeticError("EIL iteration did not converge")
    approximate = (
        h * (r - mu + q / 2) + k * lam / q + p * lam * normal_loss(r, mean=mu, sd=sigma) / q
    )
    return EILResult(
        reorder_point=r, order_quantity=q, approximate_cost=approximate, cost=model.cost(r, q)
    )


def r_q_eoqb_approximation(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> RQResult:
    """EOQ-with-backorders (EOQB) approximation: S&S eqs. (3.27) and (5.9), Example 5.4.

    ``Q = sqrt(2 K lambda (h + p) / (h p))`` (the deterministic EOQ with planned backorders)
    and ``r = r(Q)`` from :func:`r_q_optimal_reorder_point` (lead-time demand over exactly
    ``L``). Zheng (1992) shows its relative cost error is at most 1/8. Returns the exact cost
    (5.7). S&S Example 5.4 (data of Example 5.1): ``r = 128.64``, ``Q = 308.57``.
    """
    require_positive("fixed_cost", fixed_cost)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    h, p = holding_cost, stockout_cost
    q = math.sqrt(2 * fixed_cost * demand_rate * (h + p) / (h * p))
    return model.result(model.optimal_r(q), q)


def r_q_eoqss_approximation(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> RQResult:
    """EOQ plus safety stock (EOQ+SS) approximation: S&S eqs. (3.4) and (5.21), Example 5.5.

    ``Q = sqrt(2 K lambda / h)`` and ``r = lambda L + z_alpha tau sqrt(L)`` with
    ``alpha = p / (h + p)``: the newsvendor optimum of the lead-time demand over exactly
    ``L``. Returns the exact cost (5.7). S&S Example 5.5 (data of Example 5.1):
    ``r = 190.34``, ``Q = 304.05``.
    """
    require_positive("fixed_cost", fixed_cost)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    q = math.sqrt(2 * fixed_cost * demand_rate / holding_cost)
    return model.result(model.newsvendor_minimiser(), q)


def r_q_loss_function_approximation(
    *,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
    tol: float = 1e-10,
) -> RQResult:
    """Loss-function approximation (Hadley & Whitin 1963): S&S eqs. (5.28)-(5.29), Ex. 5.6.

    Iterates ``n(r) = h Q / (h + p)`` and ``Q = sqrt(2 (K lambda + (h + p) n2(r)) / h)`` from
    ``Q = EOQ`` until ``r`` and ``Q`` move less than ``tol`` (items); ``n`` and ``n2`` are the
    loss functions of the lead-time demand ``N(lambda L, tau^2 L)`` (exactly ``L``). It
    drops only the ``n2(r + Q)`` term of (5.7), so it is close to exact. Returns the exact
    cost (5.7). S&S Example 5.6 (data of Example 5.1): ``r = 126.87``, ``Q = 328.45``.
    """
    require_positive("tol", tol)
    require_positive("fixed_cost", fixed_cost)
    require_positive("demand_rate", demand_rate)
    require_positive("demand_sd", demand_sd)
    require_positive("lead_time", lead_time)
    model = RQNormal.build(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        fixed_cost=fixed_cost,
        demand_rate=demand_rate,
        demand_sd=demand_sd,
        lead_time=lead_time,
    )
    h, p, k, lam = holding_cost, stockout_cost, fixed_cost, demand_rate
    mu, sigma = model.ltd_mean, model.ltd_sd
    q = math.sqrt(2 * k * lam / h)
    r = mu
    for _ in range(MAX_ITERATIONS):
        target = h * q / (h + p)

        def loss_gap(x: float, target: float = target) -> float:
            return normal_loss(x, mean=mu, sd=sigma) - target

        lo, hi = mu - sigma, mu + sigma
        while loss_gap(lo) < 0:
            lo -= 2 * (hi - lo)
        while loss_gap(hi) > 0:
            hi += 2 * (hi - lo)
        r_new = brentq(loss_gap, lo, hi)
        q_new = math.sqrt(
            2 * (k * lam + (h + p) * normal_second_loss(r_new, mean=mu, sd=sigma)) / h
        )
        converged = abs(r_new - r) <= tol and abs(q_new - q) <= tol
        r, q = r_new, q_new
        if converged:
            break
    else:  # pragma: no cover - the map is a contraction on realistic inputs
        raise ArithmeticError("loss-function iteration did not converge")
    return model.result(r, q)
