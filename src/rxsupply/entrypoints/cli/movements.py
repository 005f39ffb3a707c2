"""``rxsupply receive | receive-scan | transfer | dispense | return``: stock movements.

Each builds one ledger command under the acting user (``--user`` or ``RXSUPPLY_USER``) and
posts it through :func:`rxsupply.services.ledger.post_one`, as the API and the web pages do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.domain.fields import parse_date
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger, scanning

ExternalOption = Annotated[
    str | None, typer.Option("--external-id", help="An id that makes a retry a no-op.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print what was posted as JSON.")]
ApproverOption = Annotated[
    str | None,
    typer.Option("--approved-by", help="A manager who approves (types their password)."),
]
ApproverPassword = Annotated[
    str | None,
    typer.Option("--approver-password", help="The approver's password (else prompted)."),
]


@app.command()
def receive(
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="[LOCATION] PRODUCT LOT QUANTITY",
            help="Where to (default: the facility's storeroom), the NDC or GTIN, the lot "
            "number and the dispense units.",
        ),
    ],
    expiry: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD (required unless the item is non-expiring).")
    ] = None,
    reference: Annotated[str, typer.Option(help="PO or invoice.")] = "",
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Receive a lot (by NDC or GTIN; a case GTIN receives its declared packages)."""
    if len(args) not in (3, 4):
        raise typer.BadParameter("give [LOCATION] PRODUCT LOT QUANTITY", param_hint="ARGS")
    *where, product, lot, quantity = args
    try:
        units = int(quantity.replace(",", ""))
    except ValueError:
        raise InvalidValue("quantity", "a whole number of dispense units", quantity) from None
    context.post(
        ledger.Receive(
            user=context.user(Permission.RECEIVE),
            location=where[0] if where else None,
            product=product,
            lot=lot,
            expiry=parse_date(expiry, "expiry") if expiry else None,
            quantity=units,
            reference=reference,
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )


@app.command("receive-scan")
def receive_scan(
    data: Annotated[str, typer.Argument(help="What the scanner sent (see rxsupply scan).")],
    location: Annotated[
        str | None, typer.Option(help="Where to (default: the facility's storeroom).")
    ] = None,
    reference: Annotated[str, typer.Option(help="PO or invoice.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Receive one scanned package (or case): its GTIN, lot, expiry and serial from the
    barcode; a serial already received is refused and flagged as suspect product."""
    identifier = parse_scan(data, today=context.local_today())
    context.post(
        scanning.receipt_of(
            identifier,
            location=location,
            reference=reference,
            user=context.user(Permission.RECEIVE),
        ),
        as_json,
    )


@app.command()
def transfer(
    from_location: Annotated[str, typer.Argument(help="From location code.")],
    to_location: Annotated[str, typer.Argument(help="To location code (a cabinet: its pocket).")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    lot: Annotated[str | None, typer.Option(help="Only this lot (else earliest expiry).")] = None,
    pocket: Annotated[str | None, typer.Option(help="The cabinet's pocket to fill.")] = None,
    refill: Annotated[bool, typer.Option(help="Record as an ADC refill.")] = False,
    override: Annotated[
        str, typer.Option(help="Why a blocked or expired lot moves anyway (needs --approved-by).")
    ] = "",
    approved_by: ApproverOption = None,
    approver_password: ApproverPassword = None,
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move stock between locations, earliest expiry first among usable stock."""
    context.post(
        ledger.Move(
            user=context.user(Permission.TRANSFER),
            from_location=from_location,
            to_location=to_location,
            quantity=quantity,
            item=item,
            product=product,
            lot=lot,
            pocket=pocket,
            refill=refill,
            override=override,
            approval=context.approval(approved_by, approver_password),
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )


class DispenseKind(StrEnum):
    DISPENSE = "dispense"
    RETURN = "return"
    WASTE = "waste"


KINDS = {
    DispenseKind.DISPENSE: MovementKind.DISPENSE,
    DispenseKind.WASTE: MovementKind.WASTE,
    DispenseKind.RETURN: MovementKind.PATIENT_RETURN,
}


@app.command()
def dispense(
    location: Annotated[str, typer.Argument(help="ADC, pocket or satellite code.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    kind: Annotated[
        DispenseKind, typer.Option(help="dispense, return or waste.")
    ] = DispenseKind.DISPENSE,
    lot: Annotated[
        str | None, typer.Option(help="Waste: this lot (may be expired or quarantined).")
    ] = None,
    external_id: Annotated[str | None, typer.Option(help="ADC transaction id.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a dispense, a patient return or waste."""
    context.post(
        ledger.Dispense(
            user=context.user(Permission.DISPENSE),
            location=location,
            quantity=quantity,
            item=item,
            product=product,
            lot=lot,
            kind=KINDS[kind],
            external_id=context.external_id("txn", external_id),
        ),
        as_json,
    )


@app.command("return")
def return_to_vendor(
    location: Annotated[str, typer.Argument(help="Where the units are.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    reference: Annotated[str, typer.Option(help="Return authorisation or debit memo.")] = "",
    external_id: ExternalOption = None,
    as_json: JsonOption = False,
) -> None:
    """Return units of a lot to the vendor (expired, recalled or quarantined stock leaves
    this way)."""
    context.post(
        ledger.ReturnToVendor(
            user=context.user(Permission.RETURN_TO_VENDOR),
            location=location,
            product=product,
            lot=lot,
            quantity=quantity,
            reference=reference,
            external_id=context.external_id("cli", external_id),
        ),
        as_json,
    )
