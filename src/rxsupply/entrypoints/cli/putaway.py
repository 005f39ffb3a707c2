"""``rxsupply putaway [list] | putaway PACKAGE-OR-LOT --to BIN``: shelve received stock."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.errors import InvalidValue
from rxsupply.services import putaway as service


def looks_scanned(text: str) -> bool:
    """A scanner's output (GS1 element string, its human-readable form, a Digital Link URI)
    rather than a lot number."""
    body = text.strip()
    return (
        body.startswith(("(01)", "]d2", "]C1", "]Q3", "http://", "https://"))
        or "\x1d" in body
        or (body.startswith("01") and len(body) >= 24 and body[2:16].isdigit())
    )


@app.command()
def putaway(
    package_or_lot: Annotated[
        str | None,
        typer.Argument(
            help="A scanned package (GS1 barcode) or a lot number; 'list' (or nothing) lists "
            "what sits unshelved."
        ),
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="The storeroom bin.")] = None,
    ndc: Annotated[str | None, typer.Option(help="The NDC, when a lot number is shared.")] = None,
    quantity: Annotated[
        int | None, typer.Option(help="Units (default: the lot's units on the floor).")
    ] = None,
    storeroom: Annotated[str | None, typer.Option(help="List one storeroom only.")] = None,
    external_id: Annotated[
        str | None, typer.Option(help="An id that makes a retry a no-op.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List what a storeroom holds unshelved, with a suggested bin; or put one lot (or one
    scanned package) away into a bin, as a transfer through the ledger."""
    if package_or_lot is None or package_or_lot == "list":
        with SqlUnitOfWork(context.engine(), readonly=True) as uow:
            rows = service.putaway_list(uow, clock=context.clock(), storeroom=storeroom)
        context.emit(
            [r.as_dict() for r in rows], as_json=as_json, title="To put away (suggested bin)"
        )
        return
    if not to:
        raise InvalidValue("to", "name the bin to put the stock into (--to BIN)")
    user = context.user(Permission.TRANSFER)
    clock = context.clock()
    scanned = (
        parse_scan(package_or_lot, today=clock.today()) if looks_scanned(package_or_lot) else None
    )
    bin_code = to
    result = run_with_retry(
        context.engine(),
        lambda uow: service.put_away(
            uow,
            to_bin=bin_code,
            user=user,
            clock=clock,
            lot=None if scanned else package_or_lot,
            product=ndc,
            scanned=scanned,
            quantity=quantity,
            external_id=context.external_id("cli", external_id),
        ),
    )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), default=str) + "\n")
    elif result.duplicate:
        context.out.print("[yellow]already recorded; nothing written[/yellow]")
    else:
        units = sum(m.quantity for m in result.movements)
        context.out.print(f"[green]put away {units} units into {to}[/green]", highlight=False)
