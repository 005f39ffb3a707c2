"""``rxsupply kpi [show | refresh]``: the dashboard's key figures on the command line, from the
same function as the dashboard and ``GET /api/kpi``
(:func:`rxsupply.entrypoints.kpi.key_figures`), and the refresh of their daily summaries."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from rxsupply.domain.fields import parse_date
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.entrypoints.kpi import fold, key_figures
from rxsupply.errors import InvalidValue

kpi_app = typer.Typer(
    help="Key figures: inventory value, turns, days on hand, stock-outs, contract share, "
    "vend-to-fill.",
    no_args_is_help=True,
)
app.add_typer(kpi_app, name="kpi")


def _ratio(value: Any, places: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{places}f}"


@kpi_app.command()
def show(
    on: Annotated[
        str | None, typer.Option("--on", help="Last day of the windows (default today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The key figures, each with how it is computed (--json: the same as GET /api/kpi)."""
    today = context.local_today()
    day = parse_date(on, "--on") if on else today
    if day > today:
        raise InvalidValue("--on", f"{day} is after today ({today}): no figures yet", on)
    figures = key_figures(context.engine(), zone=context.facility_zone(), today=today, on=day)
    if as_json:
        sys.stdout.write(json.dumps(figures, indent=1) + "\n")
        return
    turns, outs, days = figures["turns"], figures["stock_outs"], figures["stockout_days"]
    share = figures["contract"]["share_on_contract"]
    lines = [
        f"Key figures on {day.isoformat()}",
        f"  on-hand value        ${float(turns['on_hand_value']):,.2f}"
        f" (average over the year ${float(turns['average_value']):,.2f})",
        f"  turns                {_ratio(turns['turns'], 2)}"
        f" (issues ${float(turns['issues_value']):,.2f} in {turns['days']} days)",
        f"  days on hand         {_ratio(turns['days_on_hand'])}",
        f"  items at zero        {outs['count']:,} stocked item-locations ({outs['vital']} vital)",
        f"  stock-out days       {days['stockout_days']:,} in the last 30 days"
        f" ({days['item_locations_out']:,} of {days['stocked']:,} item-locations)",
        f"  on-contract share    {'n/a' if share is None else f'{share:.1%}'}"
        f" of ${float(figures['contract']['spend']):,.2f} invoice spend",
    ]
    context.out.print("\n".join(lines), highlight=False)
    context.emit(
        [
            {"class": r["class"], "units": r["units"], "value": r["value"]}
            for r in figures["value_by_class"]
        ],
        as_json=False,
        title="Inventory value by ABC class",
    )
    context.emit(
        [
            {"location": r["location"], "kind": r["kind"], "units": r["units"], "value": r["value"]}
            for r in figures["value_by_location"]
        ],
        as_json=False,
        title="Inventory value by location",
    )
    context.emit(figures["vend_to_fill"], as_json=False, title="Vend-to-fill, last 30 days")
    context.emit(
        [
            {
                "item": z["code"],
                "name": z["name"],
                "criticality": z["criticality"],
                "location": z["location"],
            }
            for z in outs["lines"]
        ],
        as_json=False,
        title="Items at zero (stocked item-locations, vital first)",
    )
    context.out.print("\nHow these are computed:", highlight=False)
    for name, text in figures["definitions"].items():
        context.out.print(f"  {name}: {text}", highlight=False, soft_wrap=True)


@kpi_app.command()
def refresh() -> None:
    """Fold the movements recorded since the last refresh into the daily summaries the key
    figures read (the dashboard also does so itself when many are waiting)."""
    folded = fold(context.engine(), zone=context.facility_zone(), always=True)
    context.out.print(f"folded {folded:,} movements into the daily summaries", highlight=False)
