"""Planning on the hospital's own data: load the demand, plan, compare, propose.

The CLI, the API and the web pages call these, so every face shows the same numbers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Engine

from rxsupply.adapters.demand_history import ISSUING_KINDS, SeriesInfo, ledger_demand
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, mean_daily
from rxsupply.analytics.planning import (
    BUDGET_MENU,
    Plan,
    expected_value,
    finish,
    plan,
    prepare,
)
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.analytics.simulation import Policy, SimulationResult, simulate
from rxsupply.domain.levels import Recommendation
from rxsupply.services import levels as level_service

HISTORY_DAYS = 730
SHELF_LIFE_DAYS = 540

Planner = Callable[..., Plan]


@dataclass(frozen=True, slots=True)
class Loaded:
    demand: DemandMatrix
    info: SeriesInfo


def load(engine: Engine, *, today: date, zone: ZoneInfo, days: int = HISTORY_DAYS) -> Loaded:
    """The last ``days`` local days of demand, up to yesterday."""
    with engine.connect() as conn:
        matrix, info = ledger_demand(
            conn, start=today - timedelta(days=days), end=today - timedelta(days=1), zone=zone
        )
    return Loaded(demand=matrix, info=info)


def setting_for(info: SeriesInfo) -> Setting:
    return Setting(
        lead_time_days=info.lead_time_days.astype(np.int64),
        review_period_days=info.review_period_days.astype(np.int64),
        capacity=info.capacity,
        vital=info.criticality == "vital",
        unit_cost=info.unit_cost,
        case_pack=info.case_pack,
        storeroom=np.isin(info.location_kind, ISSUING_KINDS),
    )


def annual_value(history: np.ndarray, info: SeriesInfo) -> np.ndarray:
    """Annual consumption value per item-location (historical mean x 365 x unit cost), the
    basis of ABC. A storeroom's or satellite's demand is what it issues to the locations that
    dispense, so for an item that has dispensing locations its value there is not counted again:
    an item's value does not grow with the tiers it passes through."""
    value = mean_daily(history) * 365.0 * info.unit_cost
    stocking = np.isin(info.location_kind, ISSUING_KINDS)
    dispensed = np.unique(info.item_id[~stocking])
    return np.asarray(
        np.where(stocking & np.isin(info.item_id, dispensed), 0.0, value), dtype=np.float64
    )


def abc_of(history: np.ndarray, info: SeriesInfo, thresholds: cls.Thresholds | None) -> Any:
    """ABC per item (all its locations together, valued by :func:`annual_value`)."""
    return cls.abc(annual_value(history, info), groups=info.item_id, t=thresholds)


def analysis_rows(
    loaded: Loaded, *, thresholds: cls.Thresholds | None = None
) -> list[dict[str, Any]]:
    """Classes of every item-location: ABC (per item, by annual value), XYZ, demand class,
    lifecycle, with the figures behind them."""
    q = loaded.demand.quantities
    info = loaded.info
    mean = mean_daily(q)
    value = annual_value(q, info)
    abc = abc_of(q, info, thresholds)
    xyz = cls.xyz(q, t=thresholds)
    shape = cls.demand_shape(q)
    klass = shape.classes()
    life = cls.lifecycle(q, t=thresholds)
    cv = cls.monthly_cv(q)
    rows: list[dict[str, Any]] = []
    for i in range(loaded.demand.series):
        rows.append(
            {
                "item": info.item_code[i],
                "name": info.item_name[i],
                "location": info.location_code[i],
                "abc": str(abc[i]),
                "xyz": str(xyz[i]),
                "demand_class": str(klass[i]),
                "lifecycle": str(life[i]),
                "criticality": str(info.criticality[i]),
                "mean_daily_demand": round(float(mean[i]), 4),
                "annual_value": round(float(value[i]), 2),
                "adi": None if not np.isfinite(shape.adi[i]) else round(float(shape.adi[i]), 2),
                "cv2": round(float(shape.cv2[i]), 3),
                "monthly_cv": None if np.isnan(cv[i]) else round(float(cv[i]), 3),
                "censored_days": int(np.isnan(q[i]).sum()),
            }
        )
    return rows


def plan_loaded(
    loaded: Loaded,
    *,
    targets: Targets | None = None,
    textbook: bool = False,
    budget: float | None = None,
    thresholds: cls.Thresholds | None = None,
    planner: Planner = plan,
) -> Plan:
    """Plan every series of the loaded history (ABC per item, across all locations)."""
    extra: dict[str, Any] = {} if budget is None else {"budget": budget}
    if thresholds is not None:
        extra["thresholds"] = thresholds
    info = loaded.info
    abc = abc_of(loaded.demand.quantities, info, thresholds)
    return planner(
        loaded.demand,
        setting=setting_for(info),
        targets=targets or Targets(),
        criticality=info.criticality,
        abc=abc,
        textbook=textbook,
        **extra,
    )


def recommendations(plan_: Plan, info: SeriesInfo) -> list[Recommendation]:
    """A recommendation for every series whose levels would change."""
    out: list[Recommendation] = []
    for i, row in enumerate(plan_.rows()):
        new_min, new_max = int(row["min"]), int(row["max"])  # type: ignore[call-overload]
        if new_min == info.current_min[i] and new_max == info.current_max[i]:
            continue
        if info.current_min[i] < 0 and new_max == 0:
            continue  # not stocked there and not to be: nothing to set up
        out.append(
            Recommendation(
                location_id=int(info.location_id[i]),
                item_id=int(info.item_id[i]),
                min_level=new_min,
                max_level=new_max,
                current_min=None if info.current_min[i] < 0 else int(info.current_min[i]),
                current_max=None if info.current_max[i] < 0 else int(info.current_max[i]),
                explanation=json.dumps(row, sort_keys=True),
            )
        )
    return out


def policy_of(
    min_level: np.ndarray, max_level: np.ndarray, info: SeriesInfo, *, initial: np.ndarray | None
) -> Policy:
    return Policy(
        min_level=min_level.astype(np.int64),
        max_level=np.maximum(max_level, min_level).astype(np.int64),
        lead_time_days=np.maximum(info.lead_time_days, 1).astype(np.int64),
        review_period_days=np.maximum(info.review_period_days, 1).astype(np.int64),
        unit_cost=info.unit_cost,
        shelf_life_days=np.full(min_level.size, SHELF_LIFE_DAYS, dtype=np.int64),
        initial_on_hand=initial,
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same held-out demand replayed under the current and the recommended levels."""

    current: SimulationResult
    recommended: SimulationResult
    plan: Plan  # made on the history before the held-out days
    rows: np.ndarray  # the pockets replayed (rows of the plan)


def compare_on_holdout(
    loaded: Loaded, *, holdout_days: int = 180, targets: Targets | None = None
) -> Comparison:
    """Plan on the history before the last ``holdout_days`` days, then replay those days
    under the current settings and under the recommendation (both start full, at max)."""
    history, holdout = loaded.demand.split(holdout_days)
    planned = plan_loaded(Loaded(demand=history, info=loaded.info), targets=targets)
    info = loaded.info
    rows = pocket_rows(info)
    sub = subset_info(info, rows)
    cur = policy_of(info.current_min[rows], info.current_max[rows], sub, initial=None)
    rec = policy_of(
        planned.levels.min_level[rows], planned.levels.max_level[rows], sub, initial=None
    )
    q = holdout.quantities[rows]
    return Comparison(
        current=simulate(q, cur),
        recommended=simulate(q, rec),
        plan=planned,
        rows=rows,
    )


def subset_info(info: SeriesInfo, rows: np.ndarray) -> SeriesInfo:
    def pick(values: Any) -> Any:
        if isinstance(values, tuple):
            return tuple(values[i] for i in rows.tolist())
        return values[rows]

    return SeriesInfo(**{name: pick(getattr(info, name)) for name in SeriesInfo.__slots__})


CURVE_LEVELS = (0.80, 0.90, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
# budgets between the cheapest and the dearest plan of the menu: the frontier is steep low down
BUDGET_SHARES = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)


def pocket_rows(info: SeriesInfo) -> np.ndarray:
    """The ADC pockets (and other dispensing locations) that have settings: where PAR levels
    are decided. Storerooms are left out of replays: their demand is the pockets' refills,
    which a change of pocket levels would change."""
    return np.flatnonzero((info.current_min >= 0) & ~np.isin(info.location_kind, ISSUING_KINDS))


def service_curve(
    loaded: Loaded,
    *,
    holdout_days: int = 180,
    levels: tuple[float, ...] = CURVE_LEVELS,
    stock_dead: bool = False,
) -> list[dict[str, Any]]:
    """Achieved fill rate and average inventory value of the pockets on the held-out days:
    our plan at one target for all (``rxsupply``), our plan spending the same money by
    marginal allocation (``rxsupply budget``), the textbook plan (SES, normal safety stock) at
    each target, and the current settings. ``stock_dead`` keeps our plans from taking dead
    items out of stock (the textbook plan never does)."""
    history, holdout = loaded.demand.split(holdout_days)
    info = loaded.info
    rows = pocket_rows(info)
    if not rows.size:
        return []
    sub = subset_info(info, rows)
    demand = history.select(rows)
    setting = setting_for(sub)
    abc = abc_of(loaded.demand.quantities, info, None)[rows]
    q = holdout.quantities[rows]

    def replay(levels_: Any) -> dict[str, float]:
        policy = policy_of(levels_.min_level, levels_.max_level, sub, initial=None)
        return simulate(q, policy).totals()

    points: list[dict[str, Any]] = []
    ours_targets = Targets(stock_dead=stock_dead)
    ours = prepare(
        demand, setting=setting, targets=ours_targets, criticality=sub.criticality, abc=abc
    )
    book = prepare(
        demand,
        setting=setting,
        targets=Targets(),
        criticality=sub.criticality,
        abc=abc,
        textbook=True,
    )
    for level in levels:
        single = Targets.single(level)
        for name, result in (
            ("rxsupply", finish(ours, setting=setting, targets=single.keeping(stock_dead))),
            ("textbook", finish(book, setting=setting, targets=single)),
        ):
            totals = replay(result.levels)
            points.append(
                {
                    "method": name,
                    "target": level,
                    "fill_rate": totals["fill_rate"],
                    "value": totals["average_value"],
                }
            )
    # budget mode: from what the lowest menu target costs to what the highest does
    low, high = (
        float(
            expected_value(
                finish(
                    ours, setting=setting, targets=ours_targets, target=np.full(rows.size, level)
                ).levels,
                mean=ours.mean,
                interval=ours.interval,
                setting=setting,
            )[0].sum()
        )
        for level in (BUDGET_MENU[0], BUDGET_MENU[-1])
    )
    for share in BUDGET_SHARES:
        budget = low + (high - low) * share
        spent = finish(ours, setting=setting, targets=ours_targets, budget=budget)
        totals = replay(spent.levels)
        points.append(
            {
                "method": "rxsupply budget",
                "target": round(budget, 2),
                "fill_rate": totals["fill_rate"],
                "value": totals["average_value"],
            }
        )
    totals = simulate(
        q, policy_of(info.current_min[rows], info.current_max[rows], sub, initial=None)
    ).totals()
    points.append(
        {
            "method": "current",
            "target": None,
            "fill_rate": totals["fill_rate"],
            "value": totals["average_value"],
        }
    )
    return points


def class_rows(result: Plan, info: SeriesInfo, history: np.ndarray) -> list[dict[str, Any]]:
    """The run's view of every item-location, as stored in ``series_class``: the historical
    mean and annual value (what ABC ranks, as ``analyze`` shows them) and the forecast."""
    lv = result.levels
    mean = mean_daily(history)
    value = annual_value(history, info)
    return [
        {
            "location_id": int(info.location_id[i]),
            "item_id": int(info.item_id[i]),
            "abc": str(result.abc[i]),
            "xyz": str(result.xyz[i]),
            "demand_class": str(result.demand_class[i]),
            "lifecycle": str(result.lifecycle[i]),
            "mean_daily_demand": float(mean[i]),
            "forecast_daily": float(result.mean_daily_demand[i]),
            "sd_daily_demand": float(result.sd_daily_demand[i]),
            "annual_value": float(value[i]),
            "method": str(result.method[i]),
            "distribution": str(result.distribution[i]),
            "min_level": int(lv.min_level[i]),
            "max_level": int(lv.max_level[i]),
            "target": float(lv.target[i]),
        }
        for i in range(len(result.series_ids))
    ]


@dataclass(frozen=True, slots=True)
class RunSummary:
    series: int
    proposed: int
    seconds: float


def run_planning(
    engine: Engine,
    *,
    today: date,
    zone: ZoneInfo,
    now: Any,
    user: str,
    targets: Targets | None = None,
    planner: Planner = plan,
) -> RunSummary:
    """The planning job: load the history, plan, store the classes and propose the changed
    levels for review (one transaction)."""
    began = time.perf_counter()
    loaded = load(engine, today=today, zone=zone)
    result = plan_loaded(loaded, targets=targets, planner=planner)
    recs = recommendations(result, loaded.info)
    with SqlUnitOfWork(engine) as uow:
        level_service.propose(
            uow,
            recommendations=recs,
            classes=class_rows(result, loaded.info, loaded.demand.quantities),
            user=user,
            now=now,
        )
    return RunSummary(
        series=loaded.demand.series, proposed=len(recs), seconds=time.perf_counter() - began
    )
