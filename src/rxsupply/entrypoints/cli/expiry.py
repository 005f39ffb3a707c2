"""``rxsupply expiry report``: the lots on hand that have expired or expire soon, by window,
location, class and wholesaler."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from rxsupply.adapters.queries.expiry import CONTRACT, expiry_rows, expiry_totals
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app

expiry_app = typer.Typer(
    help="Expiry: the lots that have expired or expire soon, with units and value.",
    no_args_is_help=True,
)
app.add_typer(expiry_app, name="expiry")
MAX_DAYS = 3650


@expiry_app.command()
def report(
    within_days: Annotated[
        int, typer.Option(min=0, max=MAX_DAYS, help="Lots expiring within this many days.")
    ] = 180,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many lots.")
    ] = 50,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the lot-locations as JSON (location, ndc, lot, expiry, quantity, value).",
        ),
    ] = False,
) -> None:
    """Every lot-location on hand that has expired or expires within N days (expired, 30, 60,
    90 and 180-day windows), with units and value, and the totals by window, location, ABC
    class and wholesaler."""
    with context.engine().connect() as conn:
        rows = expiry_rows(conn, today=context.local_today(), within_days=within_days)
    if as_json:
        lots = [{k: r[k] for k in CONTRACT} for r in rows]
        sys.stdout.write(json.dumps(lots, indent=1) + "\n")
        return
    totals = expiry_totals(rows)
    titles = {
        "window": "By window (days to expiry)",
        "place": "By location",
        "abc": "By ABC class",
        "wholesaler": "By wholesaler",
    }
    for key, title in titles.items():
        context.emit(totals[key][:15], as_json=False, title=title)
    shown = ("window", "location", "item", "ndc", "lot", "expiry", "quantity", "value")
    context.emit(
        [{k: r[k] for k in shown} for r in rows[:limit]],
        as_json=False,
        title="Lots, earliest first",
    )
    if len(rows) > limit:
        context.out.print(f"[dim]{len(rows) - limit:,} more lots: --limit or --json[/dim]")
