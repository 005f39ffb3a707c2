"""Classic single-echelon inventory formulas: EOQ, newsvendor / base-stock, (r, Q) and (s, S).

Every function follows the notation and conventions of

    L. V. Snyder and Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed.,
    Wiley, 2019 (cited below as "S&S"),

and is checked in ``tests/unit/analytics/test_formulas.py`` against the book's worked examples
and against the reference implementation by the same author, ``stockpyl`` (a test-only
dependency: this module uses the standard library, numpy and scipy only).

Symbols and units
-----------------
``K``  fixed cost per order (currency per order).
``h``  holding cost per item per unit time (periodic models: per period).
``p``  stockout (backorder) cost per item per unit time (periodic models: per period).
``lambda``, ``tau``  demand rate and its standard deviation per unit time (continuous review).
``mu``, ``sigma``  mean and standard deviation of demand per period (periodic review).
Costs returned are expected costs per unit time (per period in the periodic models). Quantities
are in items. All demand is backordered, never lost.

Lead-time conventions (they differ between the two review settings, as in S&S)
-------------------------------------------------------------------------------
* Periodic review (newsvendor / base-stock, Ch. 4): an order placed at the start of period
  ``t`` with lead time ``L`` periods arrives at the start of period ``t + L``, so the
  inventory position after ordering must cover demand in periods ``t, ..., t + L``: the
  *lead-time demand covers L + 1 periods*, ``N((L+1)mu, (L+1)sigma^2)``. ``L = 0`` is the
  plain newsvendor. This is stockpyl's ``newsvendor_normal(..., lead_time=L)`` convention.
* Continuous review ((r, Q), Ch. 5): lead-time demand covers exactly the lead time ``L`` (in
  the same time unit as ``lambda``), ``N(lambda L, tau^2 L)`` or ``Poisson(lambda L)``.
* Periodic-review (s, S) with Poisson demand (Ch. 4, Algorithm 4.2) is solved here with
  zero lead time, as in S&S Example 4.7 and Zheng & Federgruen (1991).

The normal loss function is ``n(x) = E[(X - x)^+]``, its complement
``nbar(x) = E[(x - X)^+] = x - mean + n(x)`` and the second-order loss function
``n2(x) = 1/2 E[((X - x)^+)^2]`` (S&S Appendix C, eqs. (C.22)-(C.34), (C.41)).
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

__all__ = [
    "BaseStockResult",
    "DiscreteBaseStockResult",
    "EILResult",
    "EOQResult",
    "PoissonRQResult",
    "RQResult",
    "SSResult",
    "base_stock_normal",
    "base_stock_normal_cost",
    "economic_order_quantity",
    "eoq_cost",
    "newsvendor_normal",
    "newsvendor_normal_cost",
    "newsvendor_poisson",
    "newsvendor_poisson_cost",
    "normal_loss",
    "normal_second_loss",
    "poisson_loss",
    "r_q_cost_normal",
    "r_q_cost_poisson",
    "r_q_eil_approximation",
    "r_q_eoqb_approximation",
    "r_q_eoqss_approximation",
    "r_q_loss_function_approximation",
    "r_q_normal_optimal",
    "r_q_optimal_reorder_point",
    "r_q_poisson_optimal",
    "s_s_cost_poisson",
    "s_s_poisson_optimal",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.integer[Any]]

_MAX_ITERATIONS = 10_000
_SQRT_2PI = math.sqrt(2 * math.pi)
# scipy.optimize ships no annotations; give its root finder the signature we rely on.
_scipy_brentq: Callable[..., float] = optimize.brentq


# --- results ---------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class RQResult:
    """An (r, Q) policy and its *exact* expected cost per unit time ``g(r, Q)`` (S&S (5.7))."""

    reorder_point: float
    order_quantity: float
    cost: float


@dataclass(frozen=True, slots=True)
class EILResult:
    """The EIL (r, Q) policy, its approximate cost (S&S (5.16)) and its exact cost (5.7)."""

    reorder_point: float
    order_quantity: float
    approximate_cost: float
    cost: float


@dataclass(frozen=True, slots=True)
class PoissonRQResult:
    """An integer (r, Q) policy under Poisson demand and its expected cost per unit time."""

    reorder_point: int
    order_quantity: int
    cost: float


@dataclass(frozen=True, slots=True)
class SSResult:
    """An integer (s, S) policy and its expected cost per period ``g(s, S)``."""

    reorder_point: int
    order_up_to_level: int
    cost: float


# --- validation helpers ----------------------------------------------------------------------


def _require_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, got {value!r}")


def _require_non_negative(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be non-negative and finite, got {value!r}")


def _require_integer(name: str, value: int) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _scalar_or_array(result: FloatArray, x: float | FloatArray | IntArray) -> float | FloatArray:
    return float(result) if np.ndim(x) == 0 else result


# --- distribution primitives (scipy.special ufuncs, which are typed) ---------------------------


def _std_normal_pdf(z: FloatArray) -> FloatArray:
    return np.asarray(np.exp(-0.5 * z * z) / _SQRT_2PI, dtype=np.float64)


def _std_normal_sf(z: FloatArray) -> FloatArray:
    return np.asarray(special.ndtr(-z), dtype=np.float64)


def _std_normal_ppf(q: float) -> float:
    return float(special.ndtri(q))


def _poisson_pmf(k: IntArray, mean: float) -> FloatArray:
    kk = np.maximum(k, 0).astype(np.float64)
    log_pmf = special.xlogy(kk, mean) - mean - special.gammaln(kk + 1)
    return np.asarray(np.where(k < 0, 0.0, np.exp(log_pmf)), dtype=np.float64)


def _poisson_cdf(k: IntArray, mean: float) -> FloatArray:
    return np.asarray(np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0), mean)), np.float64)


def _poisson_sf(k: IntArray, mean: float) -> FloatArray:
    return np.asarray(np.where(k < 0, 1.0, special.pdtrc(np.maximum(k, 0), mean)), np.float64)


def _poisson_ppf(q: float, mean: float) -> int:
    """Smallest integer ``k >= 0`` with ``F(k) >= q`` for ``Poisson(mean)``, ``0 < q < 1``."""
    upper = int(mean + 12 * math.sqrt(mean) + 12)
    while True:
        cdf = _poisson_cdf(np.arange(upper + 1), mean)
        k = int(np.searchsorted(cdf, q, side="left"))
        if k <= upper:
            return k
        upper *= 2


# --- loss functions (S&S Appendix C) ---------------------------------------------------------


@overload
def normal_loss(x: float, *, mean: float, sd: float) -> float: ...
@overload
def normal_loss(x: FloatArray, *, mean: float, sd: float) -> FloatArray: ...
def normal_loss(x: float | FloatArray, *, mean: float, sd: float) -> float | FloatArray:
    """Normal first-order loss function ``n(x) = E[(X - x)^+]`` for ``X ~ N(mean, sd^2)``.

    S&S eqs. (C.22) and (C.31): ``n(x) = sd * L(z)`` with ``z = (x - mean) / sd`` and
    ``L(z) = phi(z) - z (1 - Phi(z))``. ``x`` is a number or a numpy array (vectorised);
    units are those of the demand. ``sd = 0`` gives the deterministic ``max(mean - x, 0)``.
    """
    _require_non_negative("sd", sd)
    xs = np.asarray(x, dtype=np.float64)
    if sd == 0:
        return _scalar_or_array(np.maximum(mean - xs, 0.0), x)
    z = (xs - mean) / sd
    loss = sd * (_std_normal_pdf(z) - z * _std_normal_sf(z))
    return _scalar_or_array(np.asarray(loss, dtype=np.float64), x)


@overload
def normal_second_loss(x: float, *, mean: float, sd: float) -> float: ...
@overload
def normal_second_loss(x: FloatArray, *, mean: float, sd: float) -> FloatArray: ...
def normal_second_loss(x: float | FloatArray, *, mean: float, sd: float) -> float | FloatArray:
    """Normal second-order loss ``n2(x) = 1/2 E[((X - x)^+)^2]``, ``X ~ N(mean, sd^2)``.

    S&S eqs. (C.27) and (C.33): ``n2(x) = sd^2 * L2(z)`` with
    ``L2(z) = 1/2 [(z^2 + 1)(1 - Phi(z)) - z phi(z)]``; ``d n2 / dx = -n(x)``. Vectorised in
    ``x``; units are demand units squared. ``sd = 0`` gives ``max(mean - x, 0)^2 / 2``.
    """
    _require_non_negative("sd", sd)
    xs = np.asarray(x, dtype=np.float64)
    if sd == 0:
        return _scalar_or_array(0.5 * np.maximum(mean - xs, 0.0) ** 2, x)
    z = (xs - mean) / sd
    loss2 = 0.5 * sd**2 * ((z**2 + 1) * _std_normal_sf(z) - z * _std_normal_pdf(z))
    return _scalar_or_array(np.asarray(loss2, dtype=np.float64), x)


@overload
def poisson_loss(x: int, *, mean: float) -> float: ...
@overload
def poisson_loss(x: IntArray, *, mean: float) -> FloatArray: ...
def poisson_loss(x: int | IntArray, *, mean: float) -> float | FloatArray:
    """Poisson first-order loss function ``n(x) = E[(X - x)^+]`` for ``X ~ Poisson(mean)``.

    S&S eq. (C.41): ``n(x) = -(x - mean)(1 - F(x)) + mean f(x)`` for integer ``x`` (negative
    ``x`` gives ``mean - x``). Vectorised over integer arrays; units are items.
    """
    _require_non_negative("mean", mean)
    xs = np.asarray(x)
    if not np.issubdtype(xs.dtype, np.integer):
        raise ValueError(f"x must be an integer or an integer array, got {x!r}")
    xf = xs.astype(np.float64)
    loss = -(xf - mean) * _poisson_sf(xs, mean) + mean * _poisson_pmf(xs, mean)
    return _scalar_or_array(np.asarray(loss, dtype=np.float64), x)


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
    _require_non_negative("fixed_cost", fixed_cost)
    _require_positive("holding_cost", holding_cost)
    _require_non_negative("demand_rate", demand_rate)
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
    _require_non_negative("fixed_cost", fixed_cost)
    _require_positive("holding_cost", holding_cost)
    _require_non_negative("demand_rate", demand_rate)
    q = np.asarray(order_quantity, dtype=np.float64)
    if np.any(~(q > 0)):
        raise ValueError("order_quantity must be positive")
    cost = fixed_cost * demand_rate / q + holding_cost * q / 2
    return _scalar_or_array(np.asarray(cost, dtype=np.float64), order_quantity)


# --- newsvendor and base-stock (S&S Ch. 4) ------------------------------------------------------


def _critical_ratio(holding_cost: float, stockout_cost: float) -> float:
    _require_positive("holding_cost", holding_cost)
    _require_positive("stockout_cost", stockout_cost)
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
    _critical_ratio(holding_cost, stockout_cost)
    _require_non_negative("sd", sd)
    s = np.asarray(base_stock_level, dtype=np.float64)
    cost = holding_cost * (s - mean) + (holding_cost + stockout_cost) * normal_loss(
        s, mean=mean, sd=sd
    )
    return _scalar_or_array(np.asarray(cost, dtype=np.float64), base_stock_level)


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
    alpha = _critical_ratio(holding_cost, stockout_cost)
    _require_positive("sd", sd)
    periods = _require_integer("lead_time", lead_time) + 1
    if periods < 1:
        raise ValueError(f"lead_time must be non-negative, got {lead_time!r}")
    ltd_mean = mean * periods
    ltd_sd = sd * math.sqrt(periods)
    z_alpha = _std_normal_ppf(alpha)
    return BaseStockResult(
        base_stock_level=ltd_mean + z_alpha * ltd_sd,
        cost=(holding_cost + stockout_cost) * math.exp(-0.5 * z_alpha**2) / _SQRT_2PI * ltd_sd,
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
    periods = _require_integer("lead_time", lead_time) + 1
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
    _critical_ratio(holding_cost, stockout_cost)
    s = np.asarray(base_stock_level)
    loss = poisson_loss(s, mean=mean)
    cost = holding_cost * (s.astype(np.float64) - mean) + (holding_cost + stockout_cost) * loss
    return _scalar_or_array(np.asarray(cost, dtype=np.float64), base_stock_level)


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
    alpha = _critical_ratio(holding_cost, stockout_cost)
    _require_positive("mean", mean)
    level = _poisson_ppf(alpha, mean)
    cost = newsvendor_poisson_cost(
        level, holding_cost=holding_cost, stockout_cost=stockout_cost, mean=mean
    )
    return DiscreteBaseStockResult(base_stock_level=level, cost=cost)


# --- (r, Q) with normal lead-time demand (S&S Ch. 5) ------------------------------------------


@dataclass(frozen=True, slots=True)
class _RQNormal:
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
    ) -> _RQNormal:
        _critical_ratio(holding_cost, stockout_cost)
        _require_non_negative("fixed_cost", fixed_cost)
        _require_non_negative("demand_rate", demand_rate)
        _require_non_negative("demand_sd", demand_sd)
        _require_non_negative("lead_time", lead_time)
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
        return self.ltd_mean + _std_normal_ppf(alpha) * self.ltd_sd

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
        return _brentq(gap, lo, hi)

    def result(self, r: float, q: float) -> RQResult:
        return RQResult(reorder_point=r, order_quantity=q, cost=self.cost(r, q))


def _brentq(fun: Callable[[float], float], lo: float, hi: float) -> float:
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
    _require_positive("order_quantity", order_quantity)
    model = _RQNormal.build(
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
    _require_positive("order_quantity", order_quantity)
    model = _RQNormal.build(
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
    _require_positive("fixed_cost", fixed_cost)
    _require_positive("demand_rate", demand_rate)
    model = _RQNormal.build(
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
    q = _brentq(excess, lo, hi)
    return model.result(model.optimal_r(q), q)


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
    _require_positive("tol", tol)
    _require_positive("fixed_cost", fixed_cost)
    _require_positive("demand_rate", demand_rate)
    _require_positive("demand_sd", demand_sd)
    _require_positive("lead_time", lead_time)
    model = _RQNormal.build(
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
    for _ in range(_MAX_ITERATIONS):
        fractile = 1 - q * h / (p * lam)
        if not 0 < fractile < 1:
            raise ValueError("EIL approximation undefined: Q h >= p lambda at some iterate")
        r_new = mu + sigma * _std_normal_ppf(fractile)
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
    _require_positive("fixed_cost", fixed_cost)
    model = _RQNormal.build(
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
    _require_positive("fixed_cost", fixed_cost)
    model = _RQNormal.build(
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
    _require_positive("tol", tol)
    _require_positive("fixed_cost", fixed_cost)
    _require_positive("demand_rate", demand_rate)
    _require_positive("demand_sd", demand_sd)
    _require_positive("lead_time", lead_time)
    model = _RQNormal.build(
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
    for _ in range(_MAX_ITERATIONS):
        target = h * q / (h + p)

        def loss_gap(x: float, target: float = target) -> float:
            return normal_loss(x, mean=mu, sd=sigma) - target

        lo, hi = mu - sigma, mu + sigma
        while loss_gap(lo) < 0:
            lo -= 2 * (hi - lo)
        while loss_gap(hi) > 0:
            hi += 2 * (hi - lo)
        r_new = _brentq(loss_gap, lo, hi)
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


# --- (r, Q) with Poisson demand (S&S Ch. 5) ----------------------------------------------------


def _validate_poisson_rq(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    lead_time: float,
) -> float:
    _critical_ratio(holding_cost, stockout_cost)
    _require_positive("fixed_cost", fixed_cost)
    _require_positive("demand_rate", demand_rate)
    _require_positive("lead_time", lead_time)
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
    r = _require_integer("reorder_point", reorder_point)
    q = _require_integer("order_quantity", order_quantity)
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
    alpha = _critical_ratio(holding_cost, stockout_cost)

    def g(y: int) -> float:
        return newsvendor_poisson_cost(
            y, holding_cost=holding_cost, stockout_cost=stockout_cost, mean=ltd_mean
        )

    s_star = _poisson_ppf(alpha, ltd_mean)
    r, q = s_star - 1, 1
    window_sum = g(s_star)
    cost = (fixed_cost * demand_rate + window_sum) / q
    for _ in range(_MAX_ITERATIONS):
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


# --- (s, S) with Poisson demand (S&S Ch. 4, Zheng & Federgruen 1991) -------------------------


@functools.lru_cache(maxsize=128)
def _poisson_renewal_masses(mean: float, size: int) -> FloatArray:
    """Renewal masses ``m(0), ..., m(size-1)`` of ``Poisson(mean)`` per-period demand.

    ``m(0) = 1 / (1 - f(0))`` and ``m(j) = m(0) sum_{l=1}^{j} f(l) m(j - l)`` (S&S (4.71)-(4.75)).
    Cached (the array is returned read-only) because (s, S) searches evaluate many policies.
    """
    pmf = _poisson_pmf(np.arange(size), mean)
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
        _critical_ratio(holding_cost, stockout_cost)
        _require_positive("fixed_cost", fixed_cost)
        _require_positive("mean", mean)
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
    s = _require_integer("reorder_point", reorder_point)
    big_s = _require_integer("order_up_to_level", order_up_to_level)
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
