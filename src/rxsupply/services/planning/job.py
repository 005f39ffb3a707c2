"""Planning the hospital's item-locations, and the planning job: plan the demand history, store
the run's classes and propose the levels that would change for a manager's review
(:func:`rxsupply.services.levels.propose`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from rxsupply.analytics import classification as cls
from rxsupply.analytics.calibration import (
    along_level,
    at_forecast_level,
    expected_measures,
    skips_a_reorder,
)
from rxsupply.analytics.planning import Plan, plan, plan_in_parts
from rxsupply.analytics.policy import Targets, WardCosts
from rxsupply.domain.clock import Clock
from rxsupply.domain.levels import Recommendation
from rxsupply.services import levels
from rxsupply.services.planning.classes import series_class_rows
from rxsupply.services.planning.history import History, abc_of, load_history, setting_for
from rxsupply.services.ports import UnitOfWork

PlanFunction = Callable[..., Plan]
"""What plans a demand matrix: :func:`rxsupply.analytics.planning.plan`, or a drop-in for it
that runs elsewhere (``rxsupply.adapters.dask_planning.distributed_planner``)."""


Progress = Callable[[str, float], None]
"""Told what a run is doing (a stage) and how far it has got (0 to 1)."""
CHUNK = 5_000
"""Item-locations planned at a time: the working memory of a plan grows with the series planned
at once, so a health system's hundreds of thousands go through in parts of this size."""


def plan_history(
    history: History,
    *,
    targets: Targets | None = None,
    textbook: bool = False,
    budget: float | None = None,
    thresholds: cls.Thresholds | None = None,
    planner: PlanFunction = plan,
    costs: WardCosts | None = None,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> Plan:
    """Plan every series of the history (ABC per item, across all its locations), at the
    ward's costs of running out (:class:`WardCosts`, the defaults unless given).

    Planned here, the series go through in parts of ``chunk`` (``progress`` told after each),
    each choosing its forecast methods on the evidence of all the series and ranked by the
    ABC of all, so the parts give the plan of the whole. A budget is spent across all the
    series at once, and a distributed ``planner`` splits the work its own way."""
    extra: dict[str, Any] = {} if budget is None else {"budget": budget}
    if thresholds is not None:
        extra["thresholds"] = thresholds
    info = history.info
    demand = history.demand
    abc = abc_of(demand.quantities, info, thresholds)
    setting = setting_for(info, abc=abc, costs=costs)
    common: dict[str, Any] = {"targets": targets or Targets(), "textbook": textbook, **extra}
    n = demand.series
    if planner is not plan or budget is not None or n <= chunk:
        result = planner(demand, setting=setting, criticality=info.criticality, abc=abc, **common)
        if progress is not None:
            progress("planning", 1.0)
        return result
    return plan_in_parts(
        demand,
        setting=setting,
        targets=common["targets"],
        criticality=info.criticality,
        abc=abc,
        textbook=textbook,
        thresholds=thresholds,
        chunk=chunk,
        progress=None if progress is None else (lambda done: progress("planning", done)),
    )


def plan_rows(result: Plan, history: History) -> list[dict[str, object]]:
    """The plan's rows (:meth:`Plan.rows`) with what a pharmacist reads them by: the item's
    name, the location and its kind, whether the item is a controlled substance, its unit
    cost, the levels in force and what those are expected to achieve, judged as the
    proposal is (``current_fill_rate``, ``current_cycle_service_level``,
    ``current_empty_day_chance``; the proposal's are ``expected_*``), so the two can be
    compared."""
    info = history.info
    rows = result.rows()
    now = current_service(history, result.mean_daily_demand)
    for i, row in enumerate(rows):
        row["item_name"] = info.item_name[i]
        row["location"] = info.location_code[i]
        row["location_kind"] = str(info.location_kind[i])
        row["cabinet"] = info.cabinet[i]
        row["controlled"] = bool(info.controlled[i])
        row["unit_cost"] = round(float(info.unit_cost[i]), 4)
        known = info.current_min[i] >= 0
        row["current_min"] = int(info.current_min[i]) if known else None
        row["current_max"] = int(info.current_max[i]) if known else None
        for name, values in now.items():
            row[f"current_{name}"] = round(float(values[i]), 4) if known else None
    return rows


def current_service(history: History, daily_mean: np.ndarray) -> dict[str, np.ndarray]:
    """What the levels in force are expected to achieve, judged as the plan's own levels are
    (:func:`rxsupply.analytics.calibration.expected_measures`, the history at the plan's
    demand rate ``daily_mean``) but for the shrinkage of a short history: those levels were
    not chosen on it, so its replay is no sample they were fitted to (taken as one, the demo's
    levels in force were put at 4,291 stock-out days a year where the 180 held-out days
    replayed gave about 1,912; taken as they are, 2,706). Fill rate, cycle service level and
    the chance of an empty day, per series (meaningless where a series has no levels)."""
    info = history.info
    low = np.maximum(info.current_min, 0)
    quantity = np.maximum(info.current_max - info.current_min, 1)
    filled = history.demand.filled_since_first()
    got = expected_measures(
        at_forecast_level(filled, daily_mean),
        along=along_level(filled, daily_mean),
        below=skips_a_reorder(quantity, daily_mean, info.lead_time_days, info.review_period_days)
        & (info.current_min >= 0),
        min_level=low,
        order_quantity=quantity,
        lead_time_days=info.lead_time_days,
        review_period_days=info.review_period_days,
        chosen_on_it=False,
    )
    return {
        "fill_rate": got["fill-rate"],
        "cycle_service_level": got["cycle"],
        "empty_day_chance": 1.0 - got["days"],
    }


def changed_levels(
    result: Plan, history: History, *, rows: list[dict[str, object]] | None = None
) -> list[Recommendation]:
    """A recommendation for every series whose levels the plan would change, explained by the
    plan's row (``rows``: :func:`plan_rows` of it, when the caller has them already)."""
    info = history.info
    out: list[Recommendation] = []
    for i, row in enumerate(rows if rows is not None else plan_rows(result, history)):
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


def propose_plan(
    uow: UnitOfWork,
    *,
    history: History,
    result: Plan,
    user: str,
    clock: Clock,
    rows: list[dict[str, object]] | None = None,
) -> int:
    """Store a plan of ``history``: its classes replace the last run's, and the levels it
    would change wait for review (one transaction). How many were proposed. ``rows``: the
    plan's :func:`plan_rows`, when the caller has built them (they replay the levels in
    force, which takes a while)."""
    return levels.propose(
        uow,
        recommendations=changed_levels(result, history, rows=rows),
        classes=series_class_rows(result, history),
        user=user,
        clock=clock,
    )


@dataclass(frozen=True, slots=True)
class RunSummary:
    series: int
    proposed: int
    seconds: float


def run_planning(
    uow: UnitOfWork,
    *,
    targets: Targets | None = None,
    planner: PlanFunction = plan,
    user: str,
    clock: Clock,
    progress: Progress | None = None,
    costs: WardCosts | None = None,
) -> RunSummary:
    """The planning job: load the history up to yesterday, plan it, and store the run
    (:func:`propose_plan`), telling ``progress`` of each stage (reading the history up to 15 %,
    planning to 90 %, storing the proposals).

    ``uow`` comes *not entered*: the history is read through its demand history port (a
    snapshot of its own) and planned with no transaction open, and only storing the run
    enters it, so a run that takes minutes never holds the database's write lock for long."""
    tell = progress or (lambda stage, fraction: None)
    began = time.perf_counter()
    tell("reading the history", 0.0)
    history = load_history(uow, clock=clock)
    tell("planning", 0.15)
    result = plan_history(
        history,
        targets=targets,
        planner=planner,
        costs=costs,
        progress=lambda stage, fraction: tell(stage, 0.15 + 0.75 * fraction),
    )
    tell("storing the proposals", 0.9)
    with uow:
        proposed = propose_plan(uow, history=history, result=result, user=user, clock=clock)
    return RunSummary(
        series=history.demand.series, proposed=proposed, seconds=time.perf_counter() - began
    )
