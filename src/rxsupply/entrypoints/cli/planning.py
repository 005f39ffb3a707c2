"""``rxsupply plan | simulate``: recommended levels, each explained, and a replay of demand
that proves a policy before anyone changes a cabinet."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from rxsupply.adapters.demand_files import read_policy, read_priced_demand
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.planning import plan
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.analytics.simulation import Policy, simulate
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, engine, err
from rxsupply.entrypoints.cli.demand import (
    AbcOption,
    DeadOption,
    DemandOption,
    JsonOption,
    Measure,
    OutOption,
    SchedulerOption,
    XyzOption,
    finish,
    source,
    thresholds_of,
)
from rxsupply.errors import InvalidValue
from rxsupply.services import planning


def _file_setting(
    n: int,
    lead: int,
    review: int,
    *,
    unit_cost: np.ndarray | None,
    order_cost: float,
    holding_rate: float,
    stockout_cost: float,
) -> Setting:
    """An analyst's series: one lead time and review period for all, the file's unit costs
    (1.0 each without them), and the command line's costs."""
    return Setting(
        lead_time_days=np.full(n, lead, dtype=np.int64),
        review_period_days=np.full(n, review, dtype=np.int64),
        capacity=np.zeros(n, dtype=np.int64),
        vital=np.zeros(n, dtype=bool),
        unit_cost=np.ones(n) if unit_cost is None else unit_cost,
        case_pack=np.ones(n, dtype=np.int64),
        storeroom=np.zeros(n, dtype=bool),
        order_cost=order_cost,
        refill_cost=order_cost,
        holding_rate=holding_rate,
        stockout_cost=np.full(n, stockout_cost) if stockout_cost > 0 else None,
    )


PLAN_COLUMNS = [
    "series_id",
    "min",
    "max",
    "reorder_point",
    "order_up_to",
    "safety_stock",
    "mean_daily_demand",
    "method",
    "distribution",
]


@app.command(name="plan")
def plan_cmd(
    demand_file: DemandOption = None,
    lead_time_days: Annotated[int, typer.Option(min=0, help="Restock lead time (files).")] = 1,
    review_period_days: Annotated[
        int, typer.Option(min=1, help="Days between reviews (files).")
    ] = 1,
    service_level: Annotated[
        float | None,
        typer.Option(
            min=0.5, max=0.9999, help="One target for all (default: by ABC class and criticality)."
        ),
    ] = None,
    service_measure: Annotated[
        Measure,
        typer.Option(
            help="fill-rate, cycle (cycle service level) or days (share of days without a "
            "stock-out)."
        ),
    ] = Measure.FILL_RATE,
    textbook: Annotated[
        bool, typer.Option(help="SES + normal safety stock, for comparison.")
    ] = False,
    budget: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Average inventory value to spend: targets chosen per item-location "
            "by marginal allocation (instead of by ABC class).",
        ),
    ] = None,
    propose: Annotated[
        bool,
        typer.Option(
            help="Store changed levels for a manager's review (the set_levels permission: "
            "managers and admins)."
        ),
    ] = False,
    order_cost: Annotated[
        float,
        typer.Option(min=0.0, help="Money per order or refill (files; the EOQ's K)."),
    ] = 1.5,
    holding_rate: Annotated[
        float,
        typer.Option(min=0.0, max=10.0, help="Holding cost, share of unit cost a year (files)."),
    ] = 0.25,
    stockout_cost: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Money per day a series runs out (files); raises each min while a unit "
            "costs less than it saves. 0: the service targets alone.",
        ),
    ] = 0.0,
    keep_dead: Annotated[
        bool,
        typer.Option(
            help="Keep stocking dead item-locations (no use for --dead-days) that are not "
            "vital; by default they are recommended for removal (levels 0)."
        ),
    ] = False,
    abc_shares: AbcOption = "0.8,0.15",
    xyz_limits: XyzOption = "0.5,1.0",
    dead_days: DeadOption = 180,
    scheduler: SchedulerOption = None,
    partitions: Annotated[int, typer.Option(min=1, help="Dask partitions.")] = 8,
    report: Annotated[Path | None, typer.Option(help="Write an HTML report here.")] = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recommended min/max (PAR), reorder points and order-up-to levels, each explained."""
    targets = (
        Targets.single(service_level, service_measure.value)
        if service_level is not None
        else Targets(measure=service_measure.value)
    ).keeping(keep_dead)
    thresholds = thresholds_of(abc_shares, xyz_limits, dead_days)
    planner = _planner(scheduler, partitions)
    if propose and demand_file is not None:
        raise InvalidValue("--propose", "stores recommendations in the database: drop --demand")
    # a manager's or an admin's, as the API's planning run; refused before a long run
    user = context.user(Permission.SET_LEVELS) if propose else None
    with progress_bar("reading the history") as tell:
        src = source(demand_file)
        if src.history is not None:
            result = planning.plan_history(
                src.history,
                targets=targets,
                textbook=textbook,
                budget=budget,
                thresholds=thresholds,
                planner=planner,
                progress=tell,
                costs=load_settings().ward_costs(),
            )
        else:
            setting = _file_setting(
                src.demand.series,
                lead_time_days,
                review_period_days,
                unit_cost=src.unit_cost,
                order_cost=order_cost,
                holding_rate=holding_rate,
                stockout_cost=stockout_cost,
            )
            extra: dict[str, Any] = {"thresholds": thresholds}
            if budget is not None:
                extra["budget"] = budget
            tell("planning", 0.0)
            result = planner(
                src.demand, setting=setting, targets=targets, textbook=textbook, **extra
            )
        tell("explaining", 1.0)
        rows = result.rows() if src.history is None else planning.plan_rows(result, src.history)
        if user is not None and src.history is not None:
            tell("storing the proposals", 1.0)
            with SqlUnitOfWork(engine()) as uow:
                proposed = planning.propose_plan(
                    uow,
                    history=src.history,
                    result=result,
                    user=user,
                    clock=context.clock(),
                    rows=rows,
                )
    if user is not None and src.history is not None:
        err.print(f"proposed {proposed:,} changed levels for review")
    if report is not None:
        from rxsupply.entrypoints.reports import plan_report

        plan_report(src.demand, result, report, loaded=src.history, today=context.local_today())
        err.print(f"wrote the report to {report}")
    finish(
        rows,
        out_file=out_file,
        as_json=as_json,
        title="Plan",
        columns=None if as_json else PLAN_COLUMNS,
    )


@contextmanager
def progress_bar(stage: str) -> Iterator[planning.Progress]:
    """A progress bar on standard error while a long step runs (on a terminal only), and
    what tells it the stage and how far it has got (0 to 1)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(stage, total=1.0)

        def tell(now: str, fraction: float) -> None:
            bar.update(task, description=now, completed=fraction)

        yield tell


def _planner(scheduler: str | None, partitions: int) -> planning.PlanFunction:
    if scheduler is None:
        return plan
    from rxsupply.adapters.dask_planning import distributed_planner

    return distributed_planner(scheduler, partitions=partitions)


@app.command(name="simulate")
def simulate_cmd(
    demand_file: DemandOption = None,
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy",
            help="Policy file: series_id,min,max[,...]. Stock is valued at its unit_cost "
            "column, else at the demand file's (a plan file has none), else at 1.0.",
        ),
    ] = None,
    holdout_days: Annotated[int, typer.Option(min=7, help="Days replayed (database).")] = 180,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay demand under policies: fill rate, service level, stock-outs, value, trips."""
    if demand_file is not None:
        if policy_file is None:
            raise InvalidValue("--policy", "simulate --demand needs --policy FILE")
        demand, unit_cost = read_priced_demand(demand_file)
        rows = _simulate_file(demand, unit_cost, policy_file)
        finish(rows, out_file=out_file, as_json=as_json, title="Simulation")
        return
    history = source(None).history
    assert history is not None
    comparison = planning.compare_on_holdout(
        history, holdout_days=holdout_days, costs=load_settings().ward_costs()
    )
    rows = [
        {"policy": name, **{k: _rounded(k, v) for k, v in replay.totals().items()}}
        for name, replay in (
            ("current", comparison.current),
            ("recommended", comparison.recommended),
        )
    ]
    finish(
        rows,
        out_file=out_file,
        as_json=as_json,
        title=f"Last {holdout_days} days replayed: the pockets and the storeroom lines that "
        "refill them",
        columns=None if as_json or out_file else REPLAY_COLUMNS,
    )


REPLAY_COLUMNS = [
    "policy",
    "stockout_days",
    "average_value",
    "fill_rate",
    "refill_trips",
    "storeroom_orders",
    "pocket_stockout_days",
    "storeroom_stockout_days",
    "pocket_average_value",
    "storeroom_average_value",
]
"""What the replay's table shows on a terminal (``--json`` and ``--out`` give every total)."""


def _rounded(key: str, value: float) -> float:
    if "rate" in key or "level" in key:
        return round(value, 4)
    return round(value, 2)


def _simulate_file(
    demand: DemandMatrix, unit_cost: np.ndarray | None, policy_file: Path
) -> list[dict[str, Any]]:
    """Replay ``demand`` under the policy file's levels; each series is valued at the policy
    file's ``unit_cost``, else at the demand file's (a plan file has none), else at 1.0."""
    frame = read_policy(policy_file)
    index = {sid: i for i, sid in enumerate(demand.series_ids)}
    ids = frame.get_column("series_id").to_list()
    unknown = [s for s in ids if s not in index]
    if unknown:
        raise InvalidValue(
            f"{policy_file.name}, field series_id",
            f"{len(unknown)} series not in the demand file, e.g. {unknown[0]!r}",
        )
    rows = np.array([index[s] for s in ids], dtype=np.int64)
    n = rows.size

    def column(name: str, default: float) -> np.ndarray:
        if name in frame.columns:
            return frame.get_column(name).to_numpy()
        return np.full(n, default)

    priced = None if "unit_cost" in frame.columns or unit_cost is None else unit_cost[rows]
    policy = Policy(
        min_level=column("min", 0).astype(np.int64),
        max_level=column("max", 0).astype(np.int64),
        lead_time_days=np.maximum(column("lead_time_days", 1), 1).astype(np.int64),
        review_period_days=np.maximum(column("review_period_days", 1), 1).astype(np.int64),
        unit_cost=column("unit_cost", 1.0).astype(np.float64) if priced is None else priced,
        shelf_life_days=column("shelf_life_days", planning.SHELF_LIFE_DAYS).astype(np.int64),
    )
    result = simulate(demand.quantities[rows], policy)
    return [
        {
            "series_id": ids[i],
            "demand": float(result.demand[i]),
            "served": float(result.served[i]),
            "fill_rate": round(float(result.fill_rate[i]), 4),
            "cycle_service_level": round(float(result.cycle_service_level[i]), 4),
            "stockout_days": int(result.stockout_days[i]),
            "average_on_hand": round(float(result.average_on_hand[i]), 3),
            "average_value": round(float(result.average_value[i]), 2),
            "refill_trips": int(result.refill_trips[i]),
            "vend_fill_ratio": None
            if np.isnan(result.vend_fill_ratio[i])
            else round(float(result.vend_fill_ratio[i]), 2),
            "expired_units": int(result.expired_units[i]),
        }
        for i in range(n)
    ]
