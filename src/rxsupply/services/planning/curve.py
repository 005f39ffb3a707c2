"""The service curve: achieved fill rate against average inventory value on the held-out days,
for our plan at each target, our plan spending a budget, the textbook plan, and the current
settings. The HTML plan report and ``bench/holdout.py`` draw it."""

from __future__ import annotations

from typing import Any

import numpy as np

from rxsupply.analytics.planning import BUDGET_MENU, Prepared, expected_value, finish, prepare
from rxsupply.analytics.policy import TARGETS_ONLY, Levels, Setting, Targets
from rxsupply.analytics.simulation import simulate
from rxsupply.services.planning.history import History, abc_of, setting_for
from rxsupply.services.planning.holdout import HOLDOUT_DAYS, current_policy, pocket_rows, policy_of

CURVE_LEVELS = (0.80, 0.90, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
# budgets between the cheapest and the dearest plan of the menu: the frontier is steep low down
BUDGET_SHARES = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)


def service_curve(
    history: History,
    *,
    holdout_days: int = HOLDOUT_DAYS,
    levels: tuple[float, ...] = CURVE_LEVELS,
    stock_dead: bool = False,
) -> list[dict[str, Any]]:
    """Achieved fill rate and average inventory value of the pockets on the held-out days:
    our plan at one target for all (``rxsupply``), our plan spending the same money by
    marginal allocation (``rxsupply budget``), the textbook plan (SES, normal safety stock) at
    each target, and the current settings. ``stock_dead`` keeps our plans from taking dead
    items out of stock (the textbook plan never does)."""
    before, held_out = history.demand.split(holdout_days)
    info = history.info
    rows = pocket_rows(info)
    if not rows.size:
        return []
    pockets = History(demand=before, info=info).take(rows)
    sub = pockets.info
    # service targets alone: what each target buys, with no costs of running out on top
    setting = setting_for(sub, costs=TARGETS_ONLY)
    abc = abc_of(history.demand.quantities, info, None)[rows]
    q = held_out.quantities[rows]

    def point(method: str, target: float | None, levels_: Levels | None = None) -> dict[str, Any]:
        policy = (
            current_policy(info, rows)
            if levels_ is None
            else policy_of(levels_.min_level, levels_.max_level, sub, initial=None)
        )
        totals = simulate(q, policy).totals()
        return {
            "method": method,
            "target": target,
            "fill_rate": totals["fill_rate"],
            "value": totals["average_value"],
        }

    ours_targets = Targets(stock_dead=stock_dead)
    ours = prepare(
        pockets.demand, setting=setting, targets=ours_targets, criticality=sub.criticality, abc=abc
    )
    book = prepare(
        pockets.demand,
        setting=setting,
        targets=Targets(),
        criticality=sub.criticality,
        abc=abc,
        textbook=True,
    )
    points: list[dict[str, Any]] = []
    for level in levels:
        single = Targets.single(level)
        ours_at = finish(ours, setting=setting, targets=single.keeping(stock_dead))
        book_at = finish(book, setting=setting, targets=single)
        points.append(point("rxsupply", level, ours_at.levels))
        points.append(point("textbook", level, book_at.levels))
    low, high = (
        _menu_value(ours, setting, ours_targets, level)
        for level in (BUDGET_MENU[0], BUDGET_MENU[-1])
    )
    for share in BUDGET_SHARES:  # from what the lowest menu target costs to the highest
        budget = low + (high - low) * share
        spent = finish(ours, setting=setting, targets=ours_targets, budget=budget)
        points.append(point("rxsupply budget", round(budget, 2), spent.levels))
    points.append(point("current", None))
    return points


def _menu_value(prepared: Prepared, setting: Setting, targets: Targets, level: float) -> float:
    """The expected inventory value of our plan at one target for every series."""
    target = np.full(prepared.mean.size, level)
    # the model's values, as a budget is spent on them (no calibration by replay)
    levels = finish(
        prepared, setting=setting, targets=targets, target=target, calibrate=False
    ).levels
    value = expected_value(levels, mean=prepared.mean, interval=prepared.interval, setting=setting)
    return float(value[0].sum())
