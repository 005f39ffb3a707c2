"""``rxsupply receive | transfer | dispense | adjust``: stock movements posted to the ledger."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import typer

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import parse_date
from rxsupply.domain.movement import MovementKind
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, engine, out
from rxsupply.services import ledger


def _posted(result: ledger.Posted, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
    elif result.duplicate:
        out.print("[yellow]already recorded; nothing written[/yellow]")
    else:
        out.print(f"[green]posted {len(result.movements)} movement(s)[/green]")


def _write(work: Callable[[SqlUnitOfWork], ledger.Posted], as_json: bool) -> None:
    _posted(run_with_retry(engine(), work), as_json)


@app.command()
def receive(
    location: Annotated[str, typer.Argument(help="Receiving location code.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    expiry: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    reference: Annotated[str, typer.Option(help="PO or invoice.")] = "",
    external_id: Annotated[str | None, typer.Option(help="Id that makes a retry a no-op.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Receive a lot into a location."""
    exp = parse_date(expiry, "expiry") if expiry else None
    _write(
        lambda uow: ledger.receive(
            uow,
            location=location,
            product=product,
            lot=lot,
            expiry=exp,
            quantity=quantity,
            now=context.now(),
            today=context.local_today(),
            reference=reference,
            external_id=external_id,
        ),
        as_json,
    )


@app.command()
def transfer(
    from_location: Annotated[str, typer.Argument(help="From location code.")],
    to_location: Annotated[str, typer.Argument(help="To location code.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    lot: Annotated[str | None, typer.Option(help="Only this lot (else earliest expiry).")] = None,
    refill: Annotated[bool, typer.Option(help="Record as an ADC refill.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Move stock between locations, earliest expiry first."""
    kind = MovementKind.REFILL if refill else MovementKind.TRANSFER
    _write(
        lambda uow: ledger.transfer(
            uow,
            from_location=from_location,
            to_location=to_location,
            quantity=quantity,
            item=item,
            product=product,
            lot=lot,
            kind=kind,
            now=context.now(),
        ),
        as_json,
    )


class DispenseKind(StrEnum):
    DISPENSE = "dispense"
    RETURN = "return"
    WASTE = "waste"


@app.command()
def dispense(
    location: Annotated[str, typer.Argument(help="ADC, pocket or satellite code.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    kind: Annotated[
        DispenseKind, typer.Option(help="dispense, return or waste.")
    ] = DispenseKind.DISPENSE,
    external_id: Annotated[str | None, typer.Option(help="ADC transaction id.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record a dispense, a patient return or waste."""
    mk = {
        DispenseKind.DISPENSE: MovementKind.DISPENSE,
        DispenseKind.WASTE: MovementKind.WASTE,
        DispenseKind.RETURN: MovementKind.PATIENT_RETURN,
    }[kind]
    ext = f"txn:{external_id}" if external_id else None
    _write(
        lambda uow: ledger.dispense(
            uow,
            location=location,
            quantity=quantity,
            item=item,
            product=product,
            kind=mk,
            now=context.now(),
            external_id=ext,
        ),
        as_json,
    )


@app.command(context_settings={"ignore_unknown_options": True})
def adjust(
    location: Annotated[str, typer.Argument(help="Location code.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Signed change in dispense units.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    count: Annotated[bool, typer.Option(help="Record as a cycle-count variance.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Correct on-hand of one lot up or down, with a reason."""
    kind = MovementKind.COUNT_VARIANCE if count else MovementKind.ADJUSTMENT
    _write(
        lambda uow: ledger.adjust(
            uow,
            location=location,
            product=product,
            lot=lot,
            quantity=quantity,
            reason=reason,
            kind=kind,
            now=context.now(),
        ),
        as_json,
    )
