"""``rxsupply analyze | forecast``: classes and forecasts of every item-location (or every
series of a demand file)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from rxsupply.analytics import classification
from rxsupply.analytics.classification import Thresholds
from rxsupply.analytics.demand import DemandMatrix, mean_daily
from rxsupply.analytics.forecasting import METHODS, forecast
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, err
from rxsupply.entrypoints.cli.demand import (
    AbcOption,
    DeadOption,
    DemandOption,
    JsonOption,
    OutOption,
    XyzOption,
    finish,
    source,
    thresholds_of,
)
from rxsupply.errors import InvalidValue
from rxsupply.services import planning


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
    thresholds = thresholds_of(abc_shares, xyz_limits, dead_days)
    src = source(demand_file)
    if src.history is not None:
        rows = planning.analyse_classes(src.history, thresholds=thresholds)
    else:
        rows = _file_analysis(src.demand, thresholds)
    if report is not None:
        from rxsupply.entrypoints.reports import analysis_report

        analysis_report(rows, report, today=context.local_today())
        err.print(f"wrote the report to {report}")
    key = ["item", "location"] if src.history is not None else ["series_id"]
    columns = [*key, "abc", "xyz", "demand_class", "lifecycle", "mean_daily_demand"]
    finish(
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
    src = source(demand_file)
    demand = src.demand
    if item is not None and src.history is not None:
        rows_of = src.history.info.rows_of({item})
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
    finish(rows, out_file=out_file, as_json=as_json, title=f"Forecast ({method})")
