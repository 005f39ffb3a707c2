"""``rxsupply transfers request | pick | ship | receive | cancel | list | show``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.domain.transfer import Transfer, TransferStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import transfers as service

transfers_app = typer.Typer(
    help="Transfers between locations: requested, picked, in transit, received.",
    no_args_is_help=True,
)
app.add_typer(transfers_app, name="transfers")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
NumberArg = Annotated[str, typer.Argument(help="The transfer's number (TR000012) or id.")]


def _print(found: Transfer, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    done = {
        TransferStatus.REQUESTED: f"requested by {found.requested_by}",
        TransferStatus.PICKED: f"picked by {found.picked_by}",
        TransferStatus.IN_TRANSIT: f"shipped by {found.shipped_by}",
        TransferStatus.RECEIVED: f"received by {found.received_by}, {found.received} units"
        + (f", {found.short} short" if found.short else ""),
        TransferStatus.CANCELLED: f"cancelled by {found.cancelled_by} ({found.cancel_reason})",
    }[found.status]
    context.out.print(
        f"[bold]{found.number}[/bold] {found.quantity} {escape(found.what)} "
        f"{found.from_location} -> {found.to_location}: {found.status.value}, {escape(done)}",
        highlight=False,
    )
    if found.lines:
        context.emit(
            [ln.as_dict() for ln in found.lines], as_json=False, title=f"{found.number} lines"
        )


@transfers_app.command()
def request(
    from_location: Annotated[str, typer.Argument(help="Where the stock comes from.")],
    to_location: Annotated[str, typer.Argument(help="Where it goes (a cabinet: its pocket).")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    note: Annotated[str, typer.Option(help="Why, for whom.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Ask for stock to go from one location to another (nothing moves yet)."""
    user = context.user(Permission.TRANSFER)
    found = run_with_retry(
        context.engine(),
        lambda uow: service.request_transfer(
            uow,
            from_location=from_location,
            to_location=to_location,
            quantity=quantity,
            item=item,
            product=product,
            note=note,
            user=user,
            clock=context.clock(),
            limits=context.limits(),
        ),
    )
    _print(found, as_json)


@transfers_app.command()
def pick(number: NumberArg, as_json: JsonOption = False) -> None:
    """Pick a transfer: usable stock, earliest expiry first, lot by lot (nothing moves yet)."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.pick_transfer(uow, number=number, user=user, clock=context.clock())
    _print(found, as_json)


@transfers_app.command()
def ship(number: NumberArg, as_json: JsonOption = False) -> None:
    """Ship a picked transfer: its lots leave the source and are in transit."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.ship_transfer(uow, number=number, user=user, clock=context.clock())
    _print(found, as_json)


@transfers_app.command()
def receive(
    number: NumberArg,
    quantity: Annotated[
        int | None, typer.Option(help="Units that arrived (default: all that shipped).")
    ] = None,
    quarantine: Annotated[
        str | None,
        typer.Option(help="Where lots blocked or expired on the way go (a quarantine location)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Receive a transfer at its destination; fewer units than shipped are a discrepancy."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.receive_transfer(
            uow,
            number=number,
            user=user,
            clock=context.clock(),
            quantity=quantity,
            quarantine=quarantine,
        )
    _print(found, as_json)


@transfers_app.command()
def cancel(
    number: NumberArg,
    reason: Annotated[str, typer.Option(help="Why it is cancelled.")],
    as_json: JsonOption = False,
) -> None:
    """Cancel a transfer that has not shipped."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.cancel_transfer(
            uow, number=number, reason=reason, user=user, clock=context.clock()
        )
    _print(found, as_json)


@transfers_app.command("list")
def list_cmd(
    status: Annotated[
        TransferStatus | None, typer.Option(help="Only transfers in this state.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many, newest first.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Transfers, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.list_transfers(uow, status=status, limit=limit)
    rows = [
        {
            k: v
            for k, v in t.as_dict().items()
            if k
            in ("number", "status", "from_location", "to_location", "item", "product", "quantity")
        }
        for t in found
    ]
    context.emit(rows, as_json=as_json, title="Transfers")


@transfers_app.command()
def show(number: NumberArg, as_json: JsonOption = False) -> None:
    """One transfer, its steps and its lines."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.get_transfer(uow, number)
    _print(found, as_json)
