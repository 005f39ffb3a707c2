"""Preparing a plan (steps 1-3): :class:`Prepared` and :func:`prepare` (classes, forecast and
demand distribution of every series, whatever the service target), the choice of forecasting
method by rolling-origin backtest (:func:`select_methods`, :func:`backtest_error`), and the
distribution tested on each series' own history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, Floats, mean_daily, std_daily
from rxsupply.analytics.forecasting import LEVELS
from rxsupply.analytics.leadtime import (
    EMPIRICAL_MIN_SAMPLES,
    IntervalDemand,
    choose_distribution,
    coverage,
    interval_demand,
    rolling_sums,
)
from rxsupply.analytics.planning.result import Ints, Labels
from rxsupply.analytics.policy import Setting, Targets

NO_USE = 1e-6
"""A forecast below this many units a day is taken as zero."""
HORIZON = 28
ORIGINS = 4
SMOOTH_CANDIDATES = ("ses", "moving_average")
INTERMITTENT_CANDIDATES = ("sba", "croston", "tsb", "adida")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything about the series that does not depend on the service target."""

    demand: DemandMatrix
    abc: Labels
    xyz: Labels
    demand_class: Labels
    lifecycle: Labels
    criticality: Labels
    method: NDArray[np.str_]
    distribution: NDArray[np.str_]
    mean: Floats
    sd: Floats
    interval: IntervalDemand
    textbook: bool


def prepare(
    demand: DemandMatrix,
    *,
    setting: Setting,
    targets: Targets,
    criticality: Labels | None = None,
    item_groups: Ints | None = None,
    abc: Labels | None = None,
    textbook: bool = False,
    imapa: bool = False,
    thresholds: cls.Thresholds | None = None,
) -> Prepared:
    """Classes, forecast and demand distribution of every series (steps 1-3)."""
    n = demand.series
    history = demand.quantities
    crit = criticality if criticality is not None else np.full(n, "essential")
    mean_hist = mean_daily(history)
    if abc is None:
        abc = cls.abc(mean_hist * 365.0 * setting.unit_cost, groups=item_groups, t=thresholds)
    klass = cls.demand_shape(history).classes()
    filled = demand.filled()
    if textbook:
        method = np.full(n, "ses", dtype="<U16")
        mean = LEVELS["ses"](filled)
    else:
        method, mean = select_methods(filled, klass, imapa=imapa)
    # a level that has decayed below one use in thousands of years is no use at all
    mean = np.where(mean < NO_USE, 0.0, mean)
    sd_hist = std_daily(history)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(mean_hist > 0, sd_hist / np.where(mean_hist > 0, mean_hist, 1.0), 0.0)
    sd = cv * mean
    protection = setting.protection_days()
    if textbook:
        distribution = np.full(n, "normal", dtype="<U20")
        interval = interval_demand(
            daily_mean=mean, daily_variance=sd**2, days=protection, distribution=distribution
        )
    else:
        goal = targets.for_series(abc, crit)
        distribution, interval = _tested_distribution(history, klass, mean, sd**2, protection, goal)
    return Prepared(
        demand=demand,
        abc=abc,
        xyz=cls.xyz(history, t=thresholds),
        demand_class=klass,
        lifecycle=cls.lifecycle(history, t=thresholds),
        criticality=crit,
        method=method,
        distribution=distribution,
        mean=mean,
        sd=sd,
        interval=interval,
        textbook=textbook,
    )


def select_methods(
    filled: Floats, demand_class: Labels, *, imapa: bool = False
) -> tuple[NDArray[np.str_], Floats]:
    """Per series, the method with the least rolling-origin error and its forecast level."""
    n = filled.shape[0]
    method = np.full(n, "none", dtype="<U16")
    mean = np.zeros(n)
    smooth = np.flatnonzero(np.isin(demand_class, ("smooth", "erratic")))
    sparse = np.flatnonzero(np.isin(demand_class, ("intermittent", "lumpy")))
    candidates_sparse = INTERMITTENT_CANDIDATES + (("imapa",) if imapa else ())
    for rows, candidates in ((smooth, SMOOTH_CANDIDATES), (sparse, candidates_sparse)):
        if not rows.size:
            continue
        y = filled[rows]
        errors = np.stack([backtest_error(y, m) for m in candidates])
        best = np.argmin(errors, axis=0)
        method[rows] = np.asarray(candidates)[best]
        levels_now = np.stack([LEVELS[m](y) for m in candidates])
        mean[rows] = levels_now[best, np.arange(rows.size)]
    return method, mean


def backtest_error(
    y: Floats, method: str, *, horizon: int = HORIZON, origins: int = ORIGINS
) -> Floats:
    """Sum over rolling origins of |forecast - actual| of each ``horizon``-day total."""
    days = y.shape[1]
    usable = max(0, min(origins, (days - horizon) // horizon - 1))
    if usable == 0:
        return np.zeros(y.shape[0])
    total = np.zeros(y.shape[0])
    for k in range(usable, 0, -1):
        origin = days - k * horizon
        lv = LEVELS[method](y[:, :origin])
        actual = y[:, origin : origin + horizon].sum(axis=1)
        total += np.abs(lv * horizon - actual)
    return total


def _tested_distribution(
    history: Floats,
    klass: Labels,
    mean: Floats,
    variance: Floats,
    protection: Ints,
    target: Floats,
) -> tuple[NDArray[np.str_], IntervalDemand]:
    samples = rolling_sums(history, protection)
    counts = np.array([s.size for s in samples], dtype=np.int64)
    default = choose_distribution(klass, mean * protection, variance * protection, counts)
    candidates = ["poisson", "negative_binomial", "normal", "empirical"]
    best = default.astype("<U20")
    score = np.full(mean.size, np.inf)
    for kind in candidates:
        chosen = np.full(mean.size, kind, dtype="<U20")
        interval = interval_demand(
            daily_mean=mean,
            daily_variance=variance,
            days=protection,
            distribution=chosen,
            samples=samples,
        )
        q = interval.quantile(target)
        cov = coverage(q, samples)
        miss = np.abs(np.nan_to_num(cov, nan=1.0) - target)
        # the class default wins ties; the empirical one needs enough history
        allowed = (kind != "empirical") | (counts >= EMPIRICAL_MIN_SAMPLES)
        bonus = np.where(default == kind, -1e-9, 0.0)
        better = allowed & (miss + bonus < score)
        best = np.where(better, kind, best)
        score = np.where(better, miss + bonus, score)
    final = interval_demand(
        daily_mean=mean,
        daily_variance=variance,
        days=protection,
        distribution=best,
        samples=samples,
    )
    return best, final
