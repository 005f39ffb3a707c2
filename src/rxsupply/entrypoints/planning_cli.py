"""``rxsupply analyze | forecast | plan | simulate``: inventory optimisation from the command line.

Each command works on the database (the hospital's own ledger) or, with ``--demand FILE``, on
an analyst's demand file with no database at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from rxsupply.adapters import planning_runs as runs
from rxsupply.adapters.demand_files import read_demand, read_policy, write_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.analytics import classification
from rxsupply.analytics.classification import Thresholds
from rxsupply.analytics.demand import DemandMatrix, mean_daily
from rxsupply.analytics.forecasting import METHODS, forecast
from rxsupply.analytics.planning import plan
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.analytics.simulation import Policy, simulate
from rxsupply.entrypoints.cli import app, emit, engine, err, out
from rxsupply.entrypoints.clock import facility_zone, local_today, now
from rxsupply.errors import InvalidValue
from rxsupply.services import levels


class Measure(StrEnum):
    FILL_RATE = "fill-rate"
    CYCLE = "cycle"


DemandOption = Annotated[
    Path | None,
    typer.Option(
        "--demand",
        help="A long demand file (CSV or Parquet: series_id,date,quantity or "
        "item_id,location_id,date,quantity); without it, the database's ledger.",
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Write the rows to this CSV/Parquet.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON array.")]
AbcOption = Annotated[
    str,
    typer.Option("--abc-shares", help="Shares of annual value that make A and B, e.g. 0.8,0.15."),
]
XyzOption = Annotated[
    str, typer.Option("--xyz-limits", help="Monthly-demand CV limits of X and Y, e.g. 0.5,1.0.")
]
DeadOption = Annotated[
    int, typer.Option("--dead-days", min=1, help="Days without use that make an item dead.")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on this Dask scheduler (tcp://HOST:PORT)."),
]


def _thresholds(abc: str, xyz: str, dead_days: int) -> Thresholds:
    def pair(text: str, option: str) -> tuple[float, float]:
        try:
            first, second = (float(v) for v in text.split(","))
        except ValueError:
            raise InvalidValue(option, "give two numbers separated by a comma", text) from None
        return first, second

    a, b = pair(abc, "--abc-shares")
    x, y = pair(xyz, "--xyz-limits")
    try:
        return Thresholds(a_share=a, b_share=b, x_cv=x, y_cv=y, dead_days=dead_days)
    except ValueError as exc:
        raise InvalidValue("--abc-shares/--xyz-limits", str(exc)) from None


@dataclass(frozen=True, slots=True)
class Source:
    demand: DemandMatrix
    loaded: runs.Loaded | None


def _source(demand_file: Path | None, days: int = runs.HISTORY_DAYS) -> Source:
    if demand_file is not None:
        return Source(demand=read_demand(demand_file), loaded=None)
    loaded = runs.load(engine(), today=local_today(), zone=facility_zone(), days=days)
    if loaded.demand.series == 0:
        raise InvalidValue("database", "no demand to plan from: import dispenses first")
    return Source(demand=loaded.demand, loaded=loaded)


def _finish(
    rows: list[dict[str, Any]],
    *,
    out_file: Path | None,
    as_json: bool,
    title: str,
    columns: list[str] | None = None,
    limit: int = 50,
) -> None:
    if out_file is not None:
        write_table(rows, out_file)
        out.print(f"wrote {len(rows):,} rows to {out_file}")
        return
    shown = rows if as_json else rows[:limit]
    emit(shown, as_json=as_json, title=title, columns=columns)
    if not as_json and len(rows) > limit:
        out.print(f"[dim]... {len(rows) - limit:,} more rows: use --out FILE or --json[/dim]")


@app.command()
def analyze(
    demand_file: DemandOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
    report: Annotated[Path | None, typer.Option(help="Write an HTML report here.")] = None,
    abc_shares: AbcOption = "0.8,0.15",
    xyz_limits: XyzOption = "0.5,1.0",
    dead_days: DeadOption = 180,
) -> None:
    """ABC/XYZ, demand classes and lifecycle of every item-location."""
    thresholds = _thresholds(abc_shares, xyz_limits, dead_days)
    src = _source(demand_file)
    if src.loaded is not None:
        rows = runs.analysis_rows(src.loaded, thresholds=thresholds)
    else:
        rows = _file_analysis(src.demand, thresholds)
    if report is not None:
        from rxsupply.entrypoints.reports import analysis_report

        analysis_report(rows, report)
        err.print(f"wrote the report to {report}")
    key = ["item", "location"] if src.loaded is not None else ["series_id"]
    columns = [*key, "abc", "xyz", "demand_class", "lifecycle", "mean_daily_demand"]
    _finish(
        rows,
        out_file=out_file,
        as_json=as_json,
        title="Classes",
        columns=None if as_json else columns,
    )


def _file_analysis(demand: DemandMatrix, thresholds: Thresholds) -> list[dict[str, Any]]:
    """Classes of a demand file's series; with no prices, ABC ranks by units."""
    q = demand.quantities
    mean = mean_daily(q)
    abc = classification.abc(mean * 365.0, t=thresholds)
    xyz = classification.xyz(q, t=thresholds)
    klass = classification.demand_shape(q).classes()
    life = classification.lifecycle(q, t=thresholds)
    return [
        {
            "series_id": sid,
            "abc": str(abc[i]),
            "xyz": str(xyz[i]),
            "demand_class": str(klass[i]),
            "lifecycle": str(life[i]),
            "mean_daily_demand": round(float(mean[i]), 5),
            "annual_value": round(float(mean[i]) * 365.0, 2),  # units: a file has no prices
        }
        for i, sid in enumerate(demand.series_ids)
    ]


@app.command(name="forecast")
def forecast_cmd(
    demand_file: DemandOption = None,
    method: Annotated[str, typer.Option(help=f"One of: {', '.join(METHODS)}.")] = "sba",
    horizon: Annotated[int, typer.Option(min=1, max=3650, help="Days ahead.")] = 28,
    item: Annotated[str | None, typer.Option(help="Only this item's series (database).")] = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Daily forecasts per series: columns series_id, date, forecast."""
    if method not in METHODS:
        raise InvalidValue("--method", f"unknown; choose from {', '.join(METHODS)}", method)
    src = _source(demand_file)
    demand = src.demand
    if item is not None and src.loaded is not None:
        rows_of = src.loaded.info.rows_of({item})
        if not rows_of.size:
            raise InvalidValue("--item", "has no demand history", item)
        demand = demand.select(rows_of)
    values = forecast(demand.filled(), method, horizon)
    first = demand.end + timedelta(days=1)
    rows = [
        {
            "series_id": sid,
            "date": (first + timedelta(days=d)).isoformat(),
            "forecast": round(float(values[i, d]), 6),
        }
        for i, sid in enumerate(demand.series_ids)
        for d in range(horizon)
    ]
    _finish(rows, out_file=out_file, as_json=as_json, title=f"Forecast ({method})")


def _file_setting(n: int, lead: int, review: int) -> Setting:
    return Setting(
        lead_time_days=np.full(n, lead, dtype=np.int64),
        review_period_days=np.full(n, review, dtype=np.int64),
        capacity=np.zeros(n, dtype=np.int64),
        vital=np.zeros(n, dtype=bool),
        unit_cost=np.ones(n),
        case_pack=np.ones(n, dtype=np.int64),
        storeroom=np.zeros(n, dtype=bool),
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
        Measure, typer.Option(help="fill-rate or cycle.")
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
        bool, typer.Option(help="Store changed levels for a manager's review.")
    ] = False,
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
    thresholds = _thresholds(abc_shares, xyz_limits, dead_days)
    planner = _planner(scheduler, partitions)
    src = _source(demand_file)
    if src.loaded is not None:
        result = runs.plan_loaded(
            src.loaded,
            targets=targets,
            textbook=textbook,
            budget=budget,
            thresholds=thresholds,
            planner=planner,
        )
    else:
        setting = _file_setting(src.demand.series, lead_time_days, review_period_days)
        extra: dict[str, Any] = {"thresholds": thresholds}
        if budget is not None:
            extra["budget"] = budget
        result = planner(src.demand, setting=setting, targets=targets, textbook=textbook, **extra)
    rows = result.rows()
    if propose:
        if src.loaded is None:
            raise InvalidValue("--propose", "stores recommendations in the database: drop --demand")
        recs = runs.recommendations(result, src.loaded.info)
        with SqlUnitOfWork(engine()) as uow:
            levels.propose(
                uow,
                recommendations=recs,
                classes=runs.class_rows(result, src.loaded.info, src.loaded.demand.quantities),
                user="cli",
                now=now(),
            )
        err.print(f"proposed {len(recs):,} changed levels for review")
    if report is not None:
        from rxsupply.entrypoints.reports import plan_report

        plan_report(src.demand, result, report, loaded=src.loaded)
        err.print(f"wrote the report to {report}")
    _finish(
        rows,
        out_file=out_file,
        as_json=as_json,
        title="Plan",
        columns=None if as_json else PLAN_COLUMNS,
    )


def _planner(scheduler: str | None, partitions: int) -> runs.Planner:
    if scheduler is None:
        return plan
    from rxsupply.adapters.dask_planning import distributed_planner

    planner: runs.Planner = distributed_planner(scheduler, partitions=partitions)
    return planner


@app.command(name="simulate")
def simulate_cmd(
    demand_file: DemandOption = None,
    policy_file: Annotated[
        Path | None, typer.Option("--policy", help="Policy file: series_id,min,max[,...].")
    ] = None,
    holdout_days: Annotated[int, typer.Option(min=7, help="Days replayed (database).")] = 180,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay demand under policies: fill rate, service level, stock-outs, value, trips."""
    if demand_file is not None:
        if policy_file is None:
            raise InvalidValue("--policy", "simulate --demand needs --policy FILE")
        rows = _simulate_file(read_demand(demand_file), policy_file)
        _finish(rows, out_file=out_file, as_json=as_json, title="Simulation")
        return
    loaded = _source(None).loaded
    assert loaded is not None
    comparison = runs.compare_on_holdout(loaded, holdout_days=holdout_days)
    rows = [
        {"policy": "current", **comparison.current.totals()},
        {"policy": "recommended", **comparison.recommended.totals()},
    ]
    _finish(rows, out_file=out_file, as_json=as_json, title=f"Last {holdout_days} days replayed")


def _simulate_file(demand: DemandMatrix, policy_file: Path) -> list[dict[str, Any]]:
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

    policy = Policy(
        min_level=column("min", 0).astype(np.int64),
        max_level=column("max", 0).astype(np.int64),
        lead_time_days=np.maximum(column("lead_time_days", 1), 1).astype(np.int64),
        review_period_days=np.maximum(column("review_period_days", 1), 1).astype(np.int64),
        unit_cost=column("unit_cost", 1.0).astype(np.float64),
        shelf_life_days=column("shelf_life_days", runs.SHELF_LIFE_DAYS).astype(np.int64),
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
