"""The planning run: demand matrix in, one explained recommendation per series out.

1. Classify each series (ABC by value, XYZ, Syntetos-Boylan class, lifecycle).
2. Choose its forecasting method by a rolling-origin backtest among the methods that suit its
   class (smooth and erratic: SES, moving average; intermittent and lumpy: Croston, SBA, TSB,
   ADIDA, and IMAPA when asked), scored on the absolute error of each 28-day total.
3. Choose the distribution of demand over the protection interval by class, then test it on
   the series' own history: of the class default and the alternatives, keep the one whose
   quantile at the target covered the share of past interval sums closest to the target.
4. Compute the levels (:mod:`rxsupply.analytics.policy`).

The *textbook* plan (``textbook=True``) is the comparison everyone knows: SES forecast, normal
demand, ``z x sigma x sqrt(P)`` safety stock, for every series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics import classification as cls
from rxsupply.analytics.budget import allocate_budget
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
from rxsupply.analytics.policy import Levels, Setting, Targets, levels
from rxsupply.errors import InvalidValue

Ints = NDArray[np.int64]
Labels = NDArray[np.str_]
HORIZON = 28
ORIGINS = 4
SMOOTH_CANDIDATES = ("ses", "moving_average")
INTERMITTENT_CANDIDATES = ("sba", "croston", "tsb", "adida")


@dataclass(frozen=True, slots=True)
class Plan:
    """Recommendations and their explanation, one entry per series."""

    series_ids: tuple[str, ...]
    abc: Labels
    xyz: Labels
    demand_class: Labels
    lifecycle: Labels
    method: Labels
    distribution: Labels
    mean_daily_demand: Floats
    sd_daily_demand: Floats
    protection_days: Ints
    levels: Levels
    setting: Setting
    measure: str

    def rows(self) -> list[dict[str, object]]:
        """One dictionary per series: the recommendation with its explanation."""
        lv = self.levels
        out: list[dict[str, object]] = []
        for i, sid in enumerate(self.series_ids):
            out.append(
                {
                    "series_id": sid,
                    "min": int(lv.min_level[i]),
                    "max": int(lv.max_level[i]),
                    "reorder_point": int(lv.reorder_point[i]),
                    "order_up_to": int(lv.order_up_to[i]),
                    "order_quantity": int(lv.order_quantity[i]),
                    "safety_stock": round(float(lv.safety_stock[i]), 3),
                    "mean_daily_demand": round(float(self.mean_daily_demand[i]), 5),
                    "sd_daily_demand": round(float(self.sd_daily_demand[i]), 5),
                    "method": str(self.method[i]),
                    "distribution": str(self.distribution[i]),
                    "lead_time_days": int(self.setting.lead_time_days[i]),
                    "review_period_days": int(self.setting.review_period_days[i]),
                    "protection_days": int(self.protection_days[i]),
                    "service_measure": self.measure,
                    "target": round(float(lv.target[i]), 4),
                    "abc": str(self.abc[i]),
                    "xyz": str(self.xyz[i]),
                    "demand_class": str(self.demand_class[i]),
                    "lifecycle": str(self.lifecycle[i]),
                    "capped_by_capacity": bool(lv.capped[i]),
                    "do_not_stock": bool(lv.do_not_stock[i]),
                }
            )
        return out


def concat(parts: list[Plan]) -> Plan:
    """Plans of consecutive parts of the series as one plan."""
    first = parts[0]

    def joined(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    return Plan(
        series_ids=tuple(s for p in parts for s in p.series_ids),
        abc=joined("abc"),
        xyz=joined("xyz"),
        demand_class=joined("demand_class"),
        lifecycle=joined("lifecycle"),
        method=joined("method"),
        distribution=joined("distribution"),
        mean_daily_demand=joined("mean_daily_demand"),
        sd_daily_demand=joined("sd_daily_demand"),
        protection_days=joined("protection_days"),
        levels=Levels.concat([p.levels for p in parts]),
        setting=Setting.concat([p.setting for p in parts]),
        measure=first.measure,
    )


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


def plan(
    demand: DemandMatrix,
    *,
    setting: Setting,
    targets: Targets,
    criticality: Labels | None = None,
    item_groups: Ints | None = None,
    abc: Labels | None = None,
    target: Floats | None = None,
    textbook: bool = False,
    imapa: bool = False,
    budget: float | None = None,
    thresholds: cls.Thresholds | None = None,
) -> Plan:
    """Recommend levels for every series of ``demand`` (history only: hold out before).

    Every step is per series except ABC, which ranks all series together: pass ``abc`` when
    planning a part of the series (a Dask partition) so every part ranks alike.

    With ``budget`` (money of average inventory), each series' target is chosen from
    :data:`BUDGET_MENU` by marginal allocation so that the expected average inventory value
    fits the budget and the expected units filled are the most."""
    ready = prepare(
        demand,
        setting=setting,
        targets=targets,
        criticality=criticality,
        item_groups=item_groups,
        abc=abc,
        textbook=textbook,
        imapa=imapa,
        thresholds=thresholds,
    )
    return finish(ready, setting=setting, targets=targets, target=target, budget=budget)


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
    mean = np.maximum(mean, 0.0)
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


def finish(
    ready: Prepared,
    *,
    setting: Setting,
    targets: Targets,
    target: Floats | None = None,
    budget: float | None = None,
) -> Plan:
    """Levels at the targets (per series, one for all, or chosen to fit a budget); dead
    series that are not vital get none (unless ``targets.stock_dead``; never in the textbook
    plan, which knows no lifecycle)."""
    goal = target if target is not None else targets.for_series(ready.abc, ready.criticality)
    out = (
        (ready.lifecycle == "dead") & ~setting.vital
        if not (ready.textbook or targets.stock_dead)
        else np.zeros(ready.mean.size, dtype=bool)
    )
    if budget is not None:
        goal = budget_targets(
            mean=ready.mean,
            interval=ready.interval,
            setting=setting,
            budget=budget,
            measure=targets.measure,
            textbook=ready.textbook,
            out_of_stock=out,
        )
        # a budget never buys a vital drug less than its target
        goal = np.where(ready.criticality == "vital", np.maximum(goal, targets.vital), goal)
    lv = levels(
        daily_mean=ready.mean,
        interval=ready.interval,
        setting=setting,
        target=goal,
        measure=targets.measure,
        textbook=ready.textbook,
    ).taken_out(out)
    return Plan(
        series_ids=ready.demand.series_ids,
        abc=ready.abc,
        xyz=ready.xyz,
        demand_class=ready.demand_class,
        lifecycle=ready.lifecycle,
        method=ready.method,
        distribution=ready.distribution,
        mean_daily_demand=ready.mean,
        sd_daily_demand=ready.sd,
        protection_days=setting.protection_days(),
        levels=lv,
        setting=setting,
        measure=targets.measure,
    )


BUDGET_MENU = (0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9999)


def expected_value(
    lv: Levels, *, mean: Floats, interval: IntervalDemand, setting: Setting
) -> tuple[Floats, Floats]:
    """Model estimates per series: average inventory value, and units filled per day.

    The position after a review is spread over ``min + 1 .. max``; on hand averages that less
    the demand of the protection interval, plus what is short (never below zero). A series
    taken out of stock holds nothing and fills nothing."""
    q = np.maximum(lv.max_level - lv.min_level, 1)
    per_period = mean * setting.review_period_days
    short = interval.expected_shortage(
        min_level=lv.min_level, order_quantity=q, per_period=per_period
    )
    filled = np.clip(per_period - short, 0.0, None) / np.maximum(setting.review_period_days, 1)
    on_hand = (lv.min_level + 1 + lv.max_level) / 2.0 - mean * setting.protection_days() + short
    value = np.clip(on_hand, 0.0, None) * setting.unit_cost
    return np.where(lv.do_not_stock, 0.0, value), np.where(lv.do_not_stock, 0.0, filled)


def budget_targets(
    *,
    mean: Floats,
    interval: IntervalDemand,
    setting: Setting,
    budget: float,
    measure: str,
    textbook: bool = False,
    out_of_stock: NDArray[np.bool_] | None = None,
) -> Floats:
    """Per series, the menu target that spends the budget where it fills the most units
    (series ``out_of_stock`` cost and fill nothing, whatever their target)."""
    menu = np.asarray(BUDGET_MENU)
    value = np.empty((mean.size, menu.size))
    fill = np.empty((mean.size, menu.size))
    for j, level in enumerate(menu.tolist()):
        lv = levels(
            daily_mean=mean,
            interval=interval,
            setting=setting,
            target=np.full(mean.size, level),
            measure=measure,
            textbook=textbook,
        )
        if out_of_stock is not None:
            lv = lv.taken_out(out_of_stock)
        value[:, j], fill[:, j] = expected_value(lv, mean=mean, interval=interval, setting=setting)
    # a higher target never has to cost less or fill less: keep the menu monotone
    value = np.maximum.accumulate(value, axis=1)
    fill = np.maximum.accumulate(fill, axis=1)
    allocation = allocate_budget(value=value, fill=fill, budget=budget)
    if not allocation.feasible:
        raise InvalidValue(
            "budget",
            f"cannot be met: the leanest plan needs {float(value[:, 0].sum()):,.0f} "
            "of average inventory",
            budget,
        )
    return np.asarray(menu[allocation.choice], dtype=np.float64)


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
