"""``rxsupply adjust | quarantine | release``: corrections and stock status."""

from __future__ import annotations

from typing import Annotated

import typer

from rxsupply.domain.fields import parse_date
from rxsupply.domain.status import StockStatus, parse_block
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.entrypoints.cli.movements import (
    ApproverOption,
    ApproverPassword,
    ExternalOption,
    JsonOption,
)
from rxsupply.services import ledger


@app.command(context_settings={"ignore_unknown_options": True})
def adjust(
    location: Annotated[str, typer.Argument(help="Location code.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Signed change in dispense units.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    count: Annotated[bool, typer.Option(help="Record as a cycle-count variance.")] = False,
    expiry: Annotated[str | None, typer.Option(help="A new lot's expiry, YYYY-MM-DD.")] = None,
    approved_by: ApproverOption = None,
    approver_password: ApproverPassword = None,
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct on-hand of one lot up or down, with a reason. Above the approval value, and
    for controlled substances, a second user approves (--approved-by)."""
    context.post(
        ledger.Adjust(
            user=context.user(Permission.ADJUST),
            location=location,
            product=product,
            lot=lot,
            quantity=quantity,
            reason=reason,
            count=count,
            expiry=parse_date(expiry, "expiry") if expiry else None,
            approval=context.approval(approved_by, approver_password),
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )


@app.command()
def quarantine(
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str | None, typer.Argument(help="Lot number (every unit, everywhere).")] = None,
    reason: Annotated[str, typer.Option(help="Why (required).")] = "",
    status: Annotated[
        str, typer.Option(help="quarantined, recalled or suspect.")
    ] = StockStatus.QUARANTINED.value,
    serial: Annotated[str | None, typer.Option(help="One serialised package instead.")] = None,
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Block a lot everywhere at once, pockets included (or one serialised package): picking
    stops taking it in the same transaction."""
    context.post(
        ledger.SetStatus(
            user=context.user(Permission.QUARANTINE),
            product=product,
            lot=lot,
            serial=serial,
            status=parse_block(status),
            reason=reason,
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )


@app.command()
def release(
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str | None, typer.Argument(help="Lot number.")] = None,
    reason: Annotated[str, typer.Option(help="Why it may be used again (required).")] = "",
    serial: Annotated[str | None, typer.Option(help="One serialised package instead.")] = None,
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Release a quarantined, recalled or suspect lot (or package) back into use."""
    context.post(
        ledger.SetStatus(
            user=context.user(Permission.RELEASE),
            product=product,
            lot=lot,
            serial=serial,
            status=StockStatus.AVAILABLE,
            reason=reason,
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )
