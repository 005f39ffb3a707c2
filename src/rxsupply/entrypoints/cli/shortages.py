"""``rxsupply shortages import | list | show | add | resolve``: the drug shortage feed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.fda_shortages import read_shortage_file
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.fields import RECORD_ID_LIMIT, ROWS_LIMIT
from rxsupply.domain.shortage import Shortage
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import shortages as service
from rxsupply.services.shortage_board import ImpactRow, shortage_impact
from rxsupply.services.shortage_feed import FeedResult, import_shortage_feed

shortages_app = typer.Typer(
    help="Drug shortages: the FDA list imported and matched to the formulary, shortages "
    "entered by hand or raised by backordered order lines.",
    no_args_is_help=True,
)
app.add_typer(shortages_app, name="shortages")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArg = Annotated[
    int,
    typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The shortage's id (rxsupply shortages list)."),
]


BOARD_COLUMNS = (
    "shortage",
    "item",
    "name",
    "criticality",
    "match",
    "on_hand",
    "on_order",
    "daily_use",
    "days_of_supply",
    "projected_stockout",
    "projected_stockout_p10",
    "risk",
)


def board_table(rows: list[ImpactRow]) -> list[dict[str, object]]:
    """The board's rows as the table shows them (the JSON keeps every field)."""
    return [{k: r.as_dict()[k] for k in BOARD_COLUMNS} for r in rows]


def _print(found: Shortage, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[bold]shortage {found.id}[/bold] {escape(found.generic_name)} ({found.source.value}): "
        f"{found.status.value}, last updated {found.last_updated or '-'}"
        + (f", resolved {found.resolved_on}" if found.resolved_on else "")
        + (f"; {escape(found.reason)}" if found.reason else ""),
        highlight=False,
    )
    context.emit(
        [
            {
                "company": p.company,
                "presentation": p.text,
                "status": p.status.value,
                "updated": p.updated_on,
                "ndc": ", ".join(n.ndc11 or n.digits10 or "" for n in p.ndcs),
            }
            for p in found.presentations
        ],
        as_json=False,
        title="Presentations",
    )
    context.emit([m.as_dict() for m in found.matches], as_json=False, title="Formulary items")
    context.emit(
        [
            {k: v for k, v in e.as_dict().items() if k in ("kind", "effective", "file", "detail")}
            | {"by": e.recorded_by}
            for e in found.events
        ],
        as_json=False,
        title="Events",
    )


def _summary(result: FeedResult) -> str:
    p, e, m = result.presentations, result.events, result.items
    return (
        f"[green]shortages[/green] {escape(result.file)} ({result.format}): "
        f"{result.records:,} records, {result.shortages:,} shortages, {result.ndcs:,} NDCs; "
        f"presentations {p['new']:,} new, {p['updated']:,} updated, {p['unchanged']:,} "
        f"unchanged, {p['older']:,} not newer than what is known; events "
        + ", ".join(f"{n:,} {k}" for k, n in e.items())
        + "; items matched "
        + ", ".join(f"{n:,} by {k}" for k, n in m.items())
        + ("" if result.import_id else " (nothing new: nothing written)")
    )


@shortages_app.command("import")
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="An FDA shortage file as published: a yearly record file "
            "(Drugshortages_YYYY.csv) or the database's export (FDA_DrugShortage_export_*.csv)."
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Import the FDA shortage list, match it to the formulary, record what changed."""
    user = context.user(Permission.IMPORT)
    feed = read_shortage_file(file)
    cap = load_settings().import_error_cap
    result = run_with_retry(
        context.engine(),
        lambda uow: import_shortage_feed(uow, feed, user=user, clock=context.clock(), cap=cap),
    )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=1) + "\n")
    else:
        context.out.print(_summary(result), highlight=False)


@shortages_app.command("list")
def list_cmd(
    active: Annotated[bool, typer.Option("--active", help="Only current shortages.")] = False,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many, latest updated first.")
    ] = 1000,
    as_json: JsonOption = False,
) -> None:
    """Shortages, the latest updated first, with how many formulary items each touches."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.list_shortages(uow, active=active, limit=limit)
    rows = [s.as_dict(details=False) for s in found]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    shown = ("id", "source", "generic_name", "status", "last_updated", "ndcs_count")
    context.emit(
        [{k: r[k] for k in shown} | {"items": r["items_count"]} for r in rows],
        as_json=False,
        title="Shortages",
    )


@shortages_app.command()
def show(shortage_id: IdArg, as_json: JsonOption = False) -> None:
    """One shortage: its presentations and NDCs, the items it touches (and how they were
    matched), its event log, and its impact on each item (stock, days of supply, projected
    stock-out)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.get_shortage(uow, shortage_id)
        impact = shortage_impact(uow, shortage_id, clock=context.clock())
    if as_json:
        shown = found.as_dict() | {"impact": [r.as_dict(curve=True) for r in impact]}
        sys.stdout.write(json.dumps(shown, indent=1) + "\n")
        return
    _print(found, as_json)
    context.emit(board_table(impact), as_json=False, title="Impact")


@shortages_app.command()
def add(
    item: Annotated[str, typer.Option(help="The formulary item's code.")],
    reason: Annotated[
        str, typer.Option(help="Why: 'wholesaler backorder', 'manufacturer letter of ...'.")
    ],
    ndc: Annotated[
        str | None, typer.Option(help="Only this product of the item (default: all of them).")
    ] = None,
    note: Annotated[str, typer.Option(help="Anything else: expected date, contact.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Record a shortage of an item by hand (again: its reason updated, or reopened)."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.add_shortage(
            uow, item=item, reason=reason, ndc=ndc, note=note, user=user, clock=context.clock()
        )
    _print(found, as_json)


@shortages_app.command()
def resolve(
    shortage_id: IdArg,
    note: Annotated[str, typer.Option(help="How it ended.")] = "",
    revert: Annotated[
        bool,
        typer.Option(
            "--revert",
            help="Also reverse its conservation settings (PAR levels, restrictions, limits).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Mark a shortage resolved today (--revert: and reverse its conservation settings; else
    rxsupply shortages revert ID does it later)."""
    user = context.user(Permission.SET_LEVELS if revert else Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.resolve_shortage(
            uow,
            shortage_id=shortage_id,
            note=note,
            revert=revert,
            user=user,
            clock=context.clock(),
        )
    _print(found, as_json)
