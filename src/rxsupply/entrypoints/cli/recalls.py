"""``rxsupply recall add | list | show | units | quarantine | dispensed | close``: product
recalls, from entering one to closing it with its disposition."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import RECORD_ID_LIMIT, parse_date
from rxsupply.domain.recall import Recall, parse_class, parse_disposition, parse_entries
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import recalls as service
from rxsupply.services.recall_units import dispensed_units, recall_units

recall_app = typer.Typer(
    help="Product recalls: enter one (NDCs and lots, class I, II or III), find every unit of "
    "its lots, quarantine them all at once, list what was dispensed, close it.",
    no_args_is_help=True,
)
app.add_typer(recall_app, name="recall")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArg = Annotated[
    int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The recall's id (rxsupply recall list).")
]
UNIT_COLUMNS = ("location", "cabinet", "unit", "ndc", "lot", "expiry", "status", "quantity")
SHOWN = 200
"""Dispense lines in the table unless --limit says otherwise."""
DISPENSE_COLUMNS = ("occurred_at", "kind", "location", "cabinet", "unit", "ndc", "lot")


def _write(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")


def _headline(found: Recall) -> None:
    follow = " [bold red]class I: follow up the patients[/bold red]" if found.follow_up else ""
    context.out.print(
        f"[bold]recall {found.id}[/bold] {escape(found.number)} class "
        f"{found.recall_class.value} ({found.status.value}"
        + (f", {found.disposition.value}" if found.disposition else "")
        + f"), begun {found.initiated}"
        + (f" by {escape(found.firm)}" if found.firm else "")
        + f": {escape(found.reason)}"
        + follow,
        highlight=False,
    )


def _show(found: Recall, as_json: bool, *, entered: bool = False) -> None:
    if as_json:
        _write(found.as_dict() | ({"warnings": found.warnings} if entered else {}))
        return
    _headline(found)
    for warning in found.warnings:
        context.out.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    context.emit(
        [{"ndc": e.ndc, "lots": ", ".join(e.lots) or "all lots"} for e in found.entries],
        as_json=False,
        title="Recalled",
    )


@recall_app.command()
def add(
    number: Annotated[str, typer.Option(help="The firm's or the FDA's recall number.")],
    recall_class: Annotated[str, typer.Option("--class", help="I, II or III.")],
    reason: Annotated[str, typer.Option(help="Why the product is recalled.")],
    ndc: Annotated[
        list[str],
        typer.Option(
            help="An NDC and its lots, e.g. '0409-4888-02 AB123,AB124' (the NDC alone: every "
            "lot); repeat for each NDC."
        ),
    ],
    initiated: Annotated[
        str | None, typer.Option(help="When the recall began, YYYY-MM-DD (default today).")
    ] = None,
    firm: Annotated[str, typer.Option(help="The recalling firm.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Enter a recall: its number, class, reason and NDCs with their lots."""
    user = context.user(Permission.QUARANTINE)
    entries = parse_entries("\n".join(ndc))
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.enter_recall(
            uow,
            number=number,
            recall_class=parse_class(recall_class),
            reason=reason,
            firm=firm,
            initiated=parse_date(initiated, "initiated") if initiated else context.local_today(),
            entries=entries,
            user=user,
            clock=context.clock(),
        )
    _show(found, as_json, entered=True)


@recall_app.command("list")
def list_cmd(
    open_only: Annotated[bool, typer.Option("--open", help="Only open recalls.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Recalls, the latest begun first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.list_recalls(uow, open_only=open_only)
    rows = [r.as_dict() for r in found]
    if as_json:
        _write(rows)
        return
    shown = ("id", "number", "class", "status", "initiated", "firm", "reason")
    context.emit([{k: r[k] for k in shown} for r in rows], as_json=False, title="Recalls")


@recall_app.command()
def show(recall_id: IdArg, as_json: JsonOption = False) -> None:
    """One recall: what it covers and where it stands."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.get_recall(uow, recall_id)
    _show(found, as_json)


@recall_app.command()
def units(recall_id: IdArg, as_json: JsonOption = False) -> None:
    """Every unit of the recall's lots on hand, location by location (cabinet pockets and
    lots repackaged from them included), with status and value."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = recall_units(uow, recall_id=recall_id).as_dict()
    if as_json:
        _write(found)
        return
    context.out.print(
        f"{found['units']:,} unit(s) in {found['locations']} location(s), value "
        f"${found['value']}; {found['unblocked_units']:,} not blocked",
        highlight=False,
    )
    context.emit(
        [{k: r[k] for k in UNIT_COLUMNS} | {"from": r["repackaged_from"]} for r in found["lines"]],
        as_json=False,
        title="Units on hand",
    )
    if found["not_received"]:
        context.out.print("never received: " + ", ".join(found["not_received"]))


@recall_app.command()
def quarantine(recall_id: IdArg, as_json: JsonOption = False) -> None:
    """Block every lot of the recall, and the lots repackaged from them, as recalled: every
    unit everywhere at once, in one transaction (again: nothing changes)."""
    user = context.user(Permission.QUARANTINE)
    done = run_with_retry(
        context.engine(),
        lambda uow: service.quarantine_recall(
            uow, recall_id=recall_id, user=user, clock=context.clock()
        ),
    )
    if as_json:
        _write(done.as_dict())
        return
    for change in done.changed:
        context.out.print(
            f"[green]{change['ndc']} lot {change['lot']}: {change['from']} -> {change['to']}"
            f"[/green] ({change['units']} units)",
            highlight=False,
        )
    if done.already:
        context.out.print(f"{done.already} lot(s) recalled already: left as they are")


@recall_app.command()
def dispensed(
    recall_id: IdArg,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help=f"Show only the latest N lines (default {SHOWN} in the table; --json prints "
            "them all unless given).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The units of the recall's lots dispensed already, where and when, the latest first;
    patient returns booked to them listed and counted apart (a class I recall: the patients
    to follow up)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = dispensed_units(uow, recall_id=recall_id)
    if as_json:
        _write(found.as_dict(limit=limit))
        return
    shown = found.as_dict(limit=limit or SHOWN)
    t = shown["totals"]
    flag = " [bold red]class I: follow up each patient[/bold red]" if shown["follow_up"] else ""
    context.out.print(
        f"dispensed {t['dispensed']:,} units in {t['dispenses']:,} dispenses; returned by "
        f"patients {t['returned']:,} units, booked to these lots (counted apart){flag}",
        highlight=False,
    )
    context.emit(shown["by_place"], as_json=False, title="By place")
    context.emit(
        [
            {k: r[k] for k in DISPENSE_COLUMNS}
            | {"quantity": r["quantity"], "user": r["user"], "reference": r["reference"]}
            for r in shown["lines"]
        ],
        as_json=False,
        title=f"The latest {shown['shown']:,} of {shown['line_count']:,}",
    )


@recall_app.command()
def close(
    recall_id: IdArg,
    disposition: Annotated[
        str, typer.Option(help="returned, destroyed, released (withdrawn) or none_on_hand.")
    ],
    note: Annotated[
        str, typer.Option(help="Why, where needed (a release names the firm's withdrawal).")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Close a recall with its disposition (refused while units are on hand and usable)."""
    user = context.user(Permission.QUARANTINE)
    how = parse_disposition(disposition)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.close_recall(
            uow,
            recall_id=recall_id,
            disposition=how,
            note=note,
            user=user,
            clock=context.clock(),
        )
    _show(found, as_json)
