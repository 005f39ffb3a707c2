"""What the inventory optimisation commands share: their options, and where the demand comes
from (the database's ledger, or with ``--demand FILE`` an analyst's demand file and no database
at all), and how their rows are written or shown."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from rxsupply.adapters.demand_files import read_priced_demand, write_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.analytics.classification import Thresholds
from rxsupply.analytics.demand import DemandMatrix
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import emit, engine, out
from rxsupply.errors import InvalidValue
from rxsupply.services import planning


class Measure(StrEnum):
    FILL_RATE = "fill-rate"
    CYCLE = "cycle"
    DAYS = "days"


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


def thresholds_of(abc: str, xyz: str, dead_days: int) -> Thresholds:
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
    """The demand to work on; with its history (what planning knows about each series) when
    it comes from the database."""

    demand: DemandMatrix
    history: planning.History | None
    unit_cost: np.ndarray | None = None
    """A demand file's ``unit_cost`` per series, when it has the column."""


def source(demand_file: Path | None, days: int = planning.PLANNING_HISTORY_DAYS) -> Source:
    if demand_file is not None:
        demand, unit_cost = read_priced_demand(demand_file)
        return Source(demand=demand, history=None, unit_cost=unit_cost)
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        history = planning.load_history(uow, clock=context.clock(), days=days)
    if history.demand.series == 0:
        raise InvalidValue("database", "no demand to plan from: import dispenses first")
    return Source(demand=history.demand, history=history)


def finish(
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
