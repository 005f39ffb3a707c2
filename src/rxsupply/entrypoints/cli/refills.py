"""``rxsupply refills start | list | show | scan | complete | cancel``: the refill run."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.domain.refilling import RefillLine, RefillRun, RunStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import refilling

refills_app = typer.Typer(
    help="Refill runs: the pick list of the cabinets saved, confirmed by scanning at each pocket.",
    no_args_is_help=True,
)
app.add_typer(refills_app, name="refills")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RunArg = Annotated[str, typer.Argument(help="The run's number (RF000012).")]
LINE_COLUMNS = (
    "line_number",
    "pocket",
    "item",
    "from_location",
    "ndc",
    "lot",
    "expiry",
    "quantity",
    "confirmed",
    "left",
    "short",
    "remove",
    "lot_status",  # last: the columns before it keep their places
)


def _print(run: RefillRun, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(run.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[bold]{run.number}[/bold] {escape(run.route)}: {run.status.value}, "
        f"{len(run.lines)} lines, {run.confirmed} of {run.units} units confirmed, "
        f"started by {run.created_by}"
        + (f", {run.status.value} by {run.closed_by}" if run.closed_by else ""),
        highlight=False,
    )
    for ln in run.lines:
        if ln.lot_blocked:
            context.out.print(
                f"[bold red]blocked[/bold red] line {ln.line_number} {escape(ln.pocket)}: "
                f"{escape(ln.lot_blocked)}; do not take it: the scan refuses it",
                highlight=False,
            )
    for cabinet in run.cabinets:
        context.emit(
            [_row(ln) for ln in run.lines if ln.cabinet == cabinet],
            as_json=False,
            title=f"{run.number} {cabinet}",
            columns=LINE_COLUMNS,
        )


def _row(line: RefillLine) -> dict[str, object]:
    """A line as the table shows it: a lot blocked since the run started says so beside its
    status (the JSON has ``lot_status`` and ``lot_blocked``)."""
    row = line.as_dict()
    if line.lot_blocked:
        row["lot_status"] = f"{line.lot_status}: do not take"
    return row


@refills_app.command()
def start(
    cabinet: Annotated[
        list[str] | None,
        typer.Option(help="A cabinet of the route, in the order to visit (repeat); else all."),
    ] = None,
    route: Annotated[str, typer.Option(help="The route's name (else its cabinets).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Save the pick list of the pockets at or below their min as a run, grouped by cabinet in
    route order. A cabinet already on an open run is refused."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        run = refilling.start_refill_run(
            uow, user=user, clock=context.clock(), cabinets=cabinet or (), route=route
        )
    _print(run, as_json)


@refills_app.command("list")
def list_cmd(
    status: Annotated[RunStatus | None, typer.Option(help="Only runs in this state.")] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many, newest first.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Refill runs, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        runs = refilling.list_refill_runs(uow, status=status, limit=max(1, min(limit, 1000)))
    context.emit([r.as_dict(lines=False) for r in runs], as_json=as_json, title="Refill runs")


@refills_app.command()
def show(run: RunArg, as_json: JsonOption = False) -> None:
    """One run's pick list, cabinet by cabinet, with what was confirmed and each line's lot
    status now (a lot blocked or expired since the run started is marked: do not take it)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = refilling.get_refill_run(uow, run, clock=context.clock())
    _print(found, as_json)


@refills_app.command()
def scan(
    run: RunArg,
    pocket: Annotated[str, typer.Option(help="The pocket the package goes into.")],
    barcode: Annotated[
        str | None, typer.Option("--scan", help="The package's GS1 DataMatrix or its text.")
    ] = None,
    ndc: Annotated[str | None, typer.Option(help="The product (without --scan).")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot (without --scan).")] = None,
    units: Annotated[
        int | None, typer.Option(min=1, help="Units put in, from an opened package.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Confirm one package at its pocket: posts its units (never more than the line has left)
    as a refill from the storeroom. A package of another product or lot is refused."""
    user = context.user(Permission.TRANSFER)
    if barcode is not None:
        found = parse_scan(barcode, today=context.local_today())
        product, lot_text = found.gtin, found.lot or ""
    elif ndc and lot:
        product, lot_text = ndc, lot
    else:
        raise typer.BadParameter("give --scan, or --ndc and --lot")
    with SqlUnitOfWork(context.engine()) as uow:
        after, line, posted = refilling.confirm_refill(
            uow,
            run=run,
            pocket=pocket,
            product=product,
            lot=lot_text,
            units=units,
            user=user,
            clock=context.clock(),
            limits=context.limits(),
        )
    if as_json:
        sys.stdout.write(
            json.dumps({"run": after.as_dict(lines=False), "line": line.as_dict()}, indent=1) + "\n"
        )
        return
    over = refilling.units_over(posted, units)
    context.out.print(
        f"{line.pocket}: {line.confirmed} of {line.quantity} units of lot {escape(line.lot)}"
        + (" (already recorded)" if posted.duplicate else "")
        + f"; run {after.number}: {after.confirmed} of {after.units} units"
        + (f"; {over}" if over else ""),
        highlight=False,
    )


@refills_app.command()
def complete(run: RunArg, as_json: JsonOption = False) -> None:
    """Close a run; what its lines still lack is left on them."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = refilling.complete_refill_run(uow, run=run, user=user, clock=context.clock())
    _print(done, as_json)


@refills_app.command()
def cancel(run: RunArg, as_json: JsonOption = False) -> None:
    """Cancel a run before anything was confirmed."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = refilling.cancel_refill_run(uow, run=run, user=user, clock=context.clock())
    _print(done, as_json)
