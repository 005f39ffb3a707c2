"""EOQ (S&S Ch. 3) and the newsvendor / base-stock model (S&S Ch. 4): the textbook reference.

Notation, units and the book are in :mod:`textbook_loss`. **Lead-time convention** of the
periodic-review base-stock model (S&S Ch. 4): an order placed at the start of period ``t``
with lead time ``L`` periods arrives at the start of period ``t + L``, so the inventory
position after ordering must cover demand in periods ``t, ..., t + L``: the *lead-time demand
covers L + 1 periods*, ``N((L+1)mu, (L+1)sigma^2)``. ``L = 0`` is the plain newsvendor. This
is stockpyl's ``newsvendor_normal(..., lead_time=L)`` convention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
from tests.unit.analytics.textbook_loss import (
    SQRT_2PI,
    FloatArray,
    IntArray,
    normal_loss,
    poisson_loss,
    poisson_ppf,
    require_integer,
    require_non_negative,
    require_positive,
    scalar_or_array,
    std_normal_ppf,
)

__all__ = [
    "BaseStockResult",
    "DiscreteBaseStockResult",
    "EOQResult",
    "base_stock_normal",
    "base_stock_normal_cost",
    "critical_ratio",
    "economic_order_quantity",
    "eoq_cost",
    "newsvendor_normal",
    "newsvendor_normal_cost",
    "newsvendor_poisson",
    "newsvendor_poisson_cost",
]


@dataclass(frozen=True, slots=True)
class EOQResult:
    """Optimal EOQ order quantity ``Q*`` (items) and cost ``g*`` (currency per unit time)."""

    order_quantity: float
    cost: float


@dataclass(frozen=True, slots=True)
class BaseStockResult:
    """Optimal base-stock level ``S*`` (items) and expected cost per period ``g(S*)``."""

    base_stock_level: float
    cost: float


@dataclass(frozen=True, slots=True)
class DiscreteBaseStockResult:
    """Optimal integer base-stock level ``S*`` (items) and expected cost per period."""

    base_stock_level: int
    cost: float


# --- EOQ (S&S Ch. 3) ---------------------------------------------------------------------------


def economic_order_quantity(
    *, fixed_cost: float, holding_cost: float, demand_rate: float
) -> EOQResult:
    """Economic order quantity: S&S eqs. (3.4)-(3.5), worked in S&S Example 3.1.

    ``Q* = sqrt(2 K lambda / h)`` items and ``g* = sqrt(2 K lambda h) = h Q*`` per unit time.
    ``fixed_cost`` is ``K`` per order, ``holding_cost`` is ``h`` per item per unit time and
    ``demand_rate`` is ``lambda`` items per unit time (all in one consistent time unit; S&S
    Example 3.1 uses years: ``K = 8``, ``h = 0.225``, ``lambda = 1300`` gives
    ``Q* = 304.05``, ``g* = 68.41``). Deterministic demand, no stockouts, instantaneous
    replenishment (zero lead time; a positive lead time only shifts when orders are placed).
    """
    require_non_negative("fixed_cost", fixed_cost)
    require_positive("holding_cost", holding_cost)
    require_non_negative("demand_rate", demand_rate)
    order_quantity = math.sqrt(2 * fixed_cost * demand_rate / holding_cost)
    return EOQResult(order_quantity=order_quantity, cost=holding_cost * order_quantity)


@overload
def eoq_cost(
    order_quantity: float, *, fixed_cost: float, holding_cost: float, demand_rate: float
) -> float: ...
@overload
def eoq_cost(
    order_quantity: FloatArray, *, fixed_cost: float, holding_cost: float, demand_rate: float
) -> FloatArray: ...
def eoq_cost(
    order_quantity: float | FloatArray,
    *,
    fixed_cost: float,
    holding_cost: float,
    demand_rate: float,
) -> float | FloatArray:
    """EOQ cost per unit time of ordering ``Q`` items at a time (S&S Ch. 3, before (3.4)).

    ``g(Q) = K lambda / Q + h Q / 2`` (ordering plus average holding cost). Vectorised in
    ``order_quantity``, which must be positive. Units as in :func:`economic_order_quantity`.
    """
    require_non_negative("fixed_cost", fixed_cost)
    require_positive("holding_cost", holding_cost)
    require_non_negative("demand_rate", demand_rate)
    q = np.asarray(order_quantity, dtype=np.float64)
    if np.any(~(q > 0)):
        raise ValueError("order_quantity must be positive")
    cost = fixed_cost * demand_rate / q + holding_cost * q / 2
    return scalar_or_array(np.asarray(cost, dtype=np.float64), order_quantity)


# --- newsvendor and base-stock (S&S Ch. 4) ------------------------------------------------------


def critical_ratio(holding_cost: float, stockout_cost: float) -> float:
    require_positive("holding_cost", holding_cost)
    require_positive("stockout_cost", stockout_cost)
    return stockout_cost / (holding_cost + stockout_cost)


@overload
def newsvendor_normal_cost(
    base_stock_level: float, *, holding_cost: float, stockout_cost: float, mean: float, sd: float
) -> float: ...
@overload
def newsvendor_normal_cost(
    base_stock_level: FloatArray,
    *,
    holding_cost: float,
    stockout_cost: float,
    mean: float,
    sd: float,
) -> FloatArray: ...
def newsvendor_normal_cost(
    base_stock_level: float | FloatArray,
    *,
    holding_cost: float,
    stockout_cost: float,
    mean: float,
    sd: float,
) -> float | FloatArray:
    """Expected newsvendor cost of stocking ``S`` against ``N(mean, sd^2)`` demand: S&S (4.24).

    ``g(S) = h nbar(S) + p n(S) = h (S - mean) + (h + p) n(S)``, per period. ``mean`` and
    ``sd`` describe the demand the stock must cover (for a base-stock system with lead time
    use :func:`base_stock_normal_cost`, which covers ``L + 1`` periods). Vectorised in ``S``;
    S&S Example 4.1: ``S = 60`` with ``h = 0.18``, ``p = 0.70``, ``N(50, 8^2)`` costs 2.156.
    """
    critical_ratio(holding_cost, stockout_cost)
    require_non_negative("sd", sd)
    s = np.asarray(base_stock_level, dtype=np.float64)
    cost = holding_cost * (s - mean) + (holding_cost + stockout_cost) * normal_loss(
        s, mean=mean, sd=sd
    )
    return scalar_or_array(np.asarray(cost, dtype=np.float64), base_stock_level)


def newsvendor_normal(
    *, holding_cost: float, stockout_cost: float, mean: float, sd: float
) -> BaseStockResult:
    """Optimal newsvendor quantity for ``N(mean, sd^2)`` demand: S&S eqs. (4.30) and (4.37).

    ``S* = mean + z_alpha sd`` with critical ratio ``alpha = p / (h + p)`` and expected cost
    ``g* = (h + p) phi(z_alpha) sd``. ``holding_cost`` ``h`` and ``stockout_cost`` ``p`` are per
    item per period; ``mean`` and ``sd`` are single-period demand (zero lead time, see
    :func:`base_stock_normal` for ``L > 0``). S&S Example 4.3 (``h = 0.18``, ``p = 0.70``,
    ``N(50, 8^2)``): ``S* = 56.60``, ``g* = 1.998``.
    """
    return base_stock_normal(
        holding_cost=holding_cost, stockout_cost=stockout_cost, mean=mean, sd=sd, lead_time=0
    )


def base_stock_normal(
    *, holding_cost: float, stockout_cost: float, mean: float, sd: float, lead_time: int
) -> BaseStockResult:
    """Optimal base-stock level, normal demand, lead time ``L`` periods: S&S Ch. 4, Example 4.4.

    Periodic review, backorders, ``lead_time`` ``L >= 0`` whole periods. **Lead-time convention:
    the lead-time demand covers L + 1 periods** (the order placed at the start of period ``t``
    arrives at the start of ``t + L`` and protects through the end of ``t + L``), so it is
    ``N((L+1) mean, (L+1) sd^2)`` for i.i.d. per-period demand ``N(mean, sd^2)``; this matches
    stockpyl's ``newsvendor_normal(..., lead_time=L)``. Then ``S* = (L+1) mean +
    z_alpha sd sqrt(L+1)`` and ``g* = (h + p) phi(z_alpha) sd sqrt(L+1)`` per period, with
    ``alpha = p / (h + p)``. S&S Example 4.4 (Example 4.3 with ``L = 4``): ``S* = 264.77``,
    ``g* = 4.467``.
    """
    alpha = critical_ratio(holding_cost, stockout_cost)
    require_positive("sd", sd)
    periods = require_integer("lead_time", lead_time) + 1
    if periods < 1:
        raise ValueError(f"lead_time must be non-negative, got {lead_time!r}")
    ltd_mean = mean * periods
    ltd_sd = sd * math.sqrt(periods)
    z_alpha = std_normal_ppf(alpha)
    return BaseStockResult(
        base_stock_level=ltd_mean + z_alpha * ltd_sd,
        cost=(holding_cost + stockout_cost) * math.exp(-0.5 * z_alpha**2) / SQRT_2PI * ltd_sd,
    )


def base_stock_normal_cost(
    base_stock_level: float,
    *,
    holding_cost: float,
    stockout_cost: float,
    mean: float,
    sd: float,
    lead_time: int,
) -> float:
    """Expected cost per period of base-stock level ``S`` with a lead time: S&S (4.24), Ex. 4.4.

    Same convention as :func:`base_stock_normal`: the lead-time demand covers ``L + 1``
    periods, ``N((L+1) mean, (L+1) sd^2)``; ``g(S) = h nbar(S) + p n(S)`` for that demand.
    """
    periods = require_integer("lead_time", lead_time) + 1
    if periods < 1:
        raise ValueError(f"lead_time must be non-negative, got {lead_time!r}")
    return newsvendor_normal_cost(
        float(base_stock_level),
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        mean=mean * periods,
        sd=sd * math.sqrt(periods),
    )


@overload
def newsvendor_poisson_cost(
    base_stock_level: int, *, holding_cost: float, stockout_cost: float, mean: float
) -> float: ...
@overload
def newsvendor_poisson_cost(
    base_stock_level: IntArray, *, holding_cost: float, stockout_cost: float, mean: float
) -> FloatArray: ...
def newsvendor_poisson_cost(
    base_stock_level: int | IntArray, *, holding_cost: float, stockout_cost: float, mean: float
) -> float | FloatArray:
    """Expected newsvendor cost of integer stock ``S`` against ``Poisson(mean)`` demand.

    S&S eq. (4.6)/(4.24): ``g(S) = h nbar(S) + p n(S) = h (S - mean) + (h + p) n(S)`` per
    period, with the Poisson loss function (C.41). Vectorised over integer arrays.
    """
    critical_ratio(holding_cost, stockout_cost)
    s = np.asarray(base_stock_level)
    loss = poisson_loss(s, mean=mean)
    cost = holding_cost * (s.astype(np.float64) - mean) + (holding_cost + stockout_cost) * loss
    return scalar_or_array(np.asarray(cost, dtype=np.float64), base_stock_level)


def newsvendor_poisson(
    *, holding_cost: float, stockout_cost: float, mean: float
) -> DiscreteBaseStockResult:
    """Optimal newsvendor quantity with discrete Poisson demand: S&S Ch. 4, Example 4.7.

    ``S*`` is the smallest integer with ``F(S*) >= p / (h + p)`` (the discrete form of the
    critical-fractile condition) and the cost is ``g(S*) = h nbar(S*) + p n(S*)`` per period.
    ``mean`` is the demand over the protection interval (zero lead time; for ``L`` periods of
    lead time pass ``(L + 1)`` times the per-period mean, since Poisson sums are Poisson).
    S&S Example 4.7 without the fixed cost (``h = 1``, ``p = 4``, ``Poisson(6)``): ``S* = 8``,
    ``g* = 3.570``.
    """
    alpha = critical_ratio(holding_cost, stockout_cost)
    require_positive("mean", mean)
    level = poisson_ppf(alpha, mean)
    cost = newsvendor_poisson_cost(
        level, holding_cost=holding_cost, stockout_cost=stockout_cost, mean=mean
    )
    return DiscreteBaseStockResult(base_stock_level=level, cost=cost)
