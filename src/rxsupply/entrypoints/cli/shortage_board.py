"""``rxsupply shortages board | stress-test | risk | bulletin | weekly``: how long the hospital
lasts, what a supplier's outage would do, which items hang on one source, and telling
everyone."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import RECORD_ID_LIMIT, ROWS_LIMIT, parse_date
from rxsupply.entrypoints.bulletins import bulletin_markdown, weekly_markdown
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.shortages import JsonOption, board_table, shortages_app
from rxsupply.errors import InvalidValue
from rxsupply.services.shortage_board import shortage_board
from rxsupply.services.shortage_bulletin import shortage_bulletin, weekly_summary
from rxsupply.services.stress_test import LEVEL, stress_test, supply_risk


@shortages_app.command()
def board(
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many rows (the riskiest).")
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Every formulary item of an active shortage: stock everywhere, on order, daily use, days
    of supply, projected stock-out (median and pessimistic), riskiest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = shortage_board(uow, clock=context.clock())
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in rows], indent=1) + "\n")
        return
    context.emit(board_table(rows[:limit]), as_json=False, title="Shortage board")
    if len(rows) > limit:
        context.out.print(f"[dim]{len(rows) - limit:,} more rows: --limit or --json[/dim]")


@shortages_app.command("stress-test")
def stress_test_cmd(
    supplier: Annotated[str, typer.Option(help="A manufacturer (labeler) or a wholesaler.")],
    days: Annotated[int, typer.Option(min=1, max=36_500, help="How many days it is unavailable.")],
    start: Annotated[
        str | None, typer.Option(help="The first day it is unavailable (YYYY-MM-DD); today.")
    ] = None,
    level: Annotated[
        float, typer.Option(help="The share of demand paths the extra stock must cover.")
    ] = LEVEL,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many items.")
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Which items run out if a supplier is unavailable for N days, when, with what chance,
    and how much extra stock would cover them."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = stress_test(
            uow,
            supplier=supplier,
            days=days,
            start=parse_date(start, "--start") if start else None,
            level=level,
            clock=context.clock(),
        )
    result = found.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return
    context.out.print(
        f"[bold]{escape(found.supplier)}[/bold] ({found.kind}) unavailable {found.days} days "
        f"from {found.start} (back {found.resumes}): {result['items_hit']} of "
        f"{found.items_checked:,} items depend on it alone, {result['items_at_risk']} may run "
        f"out; extra stock to cover {found.level:.0%} of paths ${result['extra_cost']}",
        highlight=False,
    )
    shown = (
        "item",
        "name",
        "criticality",
        "on_hand",
        "days_of_supply",
        "probability",
        "stockout_p10",
        "stockout_median",
        "extra_units",
        "extra_cost",
    )
    rows = [{k: r[k] for k in shown} for r in result["items"][:limit]]
    context.emit(rows, as_json=False, title="Items that depend on it alone")


@shortages_app.command()
def risk(
    days: Annotated[
        int, typer.Option(min=1, max=36_500, help="The outage the buffers should cover, in days.")
    ] = 30,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many items.")
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Sole-source risk per item (0-100, with its reasons), and buffers for vital items that
    have one manufacturer."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = supply_risk(uow, clock=context.clock(), outage_days=days)
    rows = [r.as_dict() for r in found]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    shown = [
        {
            "item": r["item"],
            "name": r["name"],
            "criticality": r["criticality"],
            "score": r["score"],
            "why": "; ".join(r["reasons"]),
            "days_of_supply": r["days_of_supply"],
            "buffer_units": r["buffer_units"],
            "buffer_cost": r["buffer_cost"],
        }
        for r in rows[:limit]
    ]
    context.emit(shown, as_json=False, title="Sole-source risk")


FormatOption = Annotated[
    str, typer.Option("--format", help="md (Markdown) or json.", case_sensitive=False)
]


@shortages_app.command()
def bulletin(
    shortage_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The shortage's id.")
    ],
    fmt: FormatOption = "md",
) -> None:
    """A shortage's bulletin: status, impact, alternatives, conservation steps, expected end
    (printable HTML at /shortages/ID/bulletin)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = shortage_bulletin(uow, shortage_id, clock=context.clock())
    _write(found.as_dict(), bulletin_markdown(found), fmt)


@shortages_app.command()
def weekly(fmt: FormatOption = "md") -> None:
    """The weekly summary of every active shortage (printable HTML at /shortages/weekly)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = weekly_summary(uow, clock=context.clock())
    _write(found.as_dict(), weekly_markdown(found), fmt)


def _write(data: dict[str, object], markdown: str, fmt: str) -> None:
    if fmt.lower() == "json":
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
    elif fmt.lower() == "md":
        sys.stdout.write(markdown)
    else:
        raise InvalidValue("--format", "md or json", fmt)
