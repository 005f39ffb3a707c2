"""Finishing a plan (step 4): :func:`finish` computes the levels at the service targets (per
series, one for all, or chosen to fit a budget of average inventory); :func:`budget_targets`
makes that choice from :data:`BUDGET_MENU` with :func:`expected_value`, the model's average
inventory value and units filled."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.budget import allocate_budget
from rxsupply.analytics.demand import Floats
from rxsupply.analytics.leadtime import IntervalDemand
from rxsupply.analytics.planning.preparation import Prepared
from rxsupply.analytics.planning.result import Plan
from rxsupply.analytics.policy import Levels, Setting, Targets, levels
from rxsupply.errors import InvalidValue


def finish(
    ready: Prepared,
    *,
    setting: Setting,
    targets: Targets,
    target: Floats | None = None,
    budget: float | None = None,
    calibrate: bool = True,
) -> Plan:
    """Levels at the targets (per series, one for all, or chosen to fit a budget); dead
    series that are not vital get none (unless ``targets.stock_dead``; never in the textbook
    plan, which knows no lifecycle).

    Mins are calibrated by replaying each series' history (:func:`rxsupply.analytics.policy
    .levels`) unless ``calibrate`` is off, in the textbook plan, and in a budget plan, whose
    targets are chosen on the model's values and so keep the model's mins."""
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
        # a budget is spent on the model's values, so its plan keeps the model's mins
        history=ready.demand.filled_since_first()
        if calibrate and not ready.textbook and budget is None
        else None,
    ).taken_out(out)
    return Plan(
        series_ids=ready.demand.series_ids,
        abc=ready.abc,
        xyz=ready.xyz,
        demand_class=ready.demand_class,
        lifecycle=ready.lifecycle,
        method=ready.method,
        distribution=ready.distribution,
        # what is taken out of stock is not expected to be used: no use for the dead days
        mean_daily_demand=np.where(lv.do_not_stock, 0.0, ready.mean),
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
