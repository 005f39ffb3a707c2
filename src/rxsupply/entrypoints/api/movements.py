"""JSON endpoints that move stock: receipts (by NDC or by scan), transfers and refills,
dispenses, wastes and patient returns.

Receipts and dispenses go through the process's batching writer (``api.writer``); transfers
are one transaction each. Every one is a ledger command posted under the caller's user; an
``external_id`` makes a resend a no-op.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import writer_of
from rxsupply.entrypoints.http.bounded import Code, Day, Line, LocalMoment, Lot, Units
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of, post_command
from rxsupply.entrypoints.http.security import (
    DEFERRED,
    REQUIRES,
    Caller,
    Deferred,
    guarded,
    guarded_in_batch,
)
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger, scanning

router = APIRouter(prefix="/api")
UNSET = ""  # the user of a batched command: filled in by the writer once the caller is known


def external(source: str, value: str | None) -> ExternalId | None:
    return ExternalId(source, value) if value else None


class ReceiptIn(BaseModel):
    location: Code | None = Field(None, description="Default: the facility's storeroom.")
    product: Code = Field(description="NDC (any form) or GTIN-14 (a case GTIN: its cases).")
    lot: Lot
    expiry: Day | None = Field(None, description="Required unless the item is non-expiring.")
    quantity: Units | None = Field(None, description="Dispense units (or packages).")
    packages: Units | None = Field(None, description="Packages, or cases of a case GTIN.")
    reference: Line = ""
    external_id: Line | None = Field(None, description="A resend is a no-op.")


@router.post("/receipts", status_code=201, **guarded_in_batch(Permission.RECEIVE))
async def post_receipt(
    body: ReceiptIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.RECEIVE])],
) -> dict[str, Any]:
    command = ledger.Receive(
        user=UNSET,
        location=body.location,
        product=body.product,
        lot=body.lot,
        expiry=body.expiry,
        quantity=body.quantity,
        packages=body.packages,
        reference=body.reference,
        external_id=external("api", body.external_id),
    )
    return (await writer_of(request).post(command, who)).as_dict()


class ScanReceiptIn(BaseModel):
    data: str = Field(description="What the scanner sent (GS1 DataMatrix, GS1-128, ...).")
    location: Code | None = Field(None, description="Default: the facility's storeroom.")
    reference: Line = ""
    external_id: Line | None = Field(None, description="A resend is a no-op.")


@router.post("/receipts/scan", status_code=201, **guarded_in_batch(Permission.RECEIVE))
async def post_scanned_receipt(
    body: ScanReceiptIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.RECEIVE])],
) -> dict[str, Any]:
    """Receive one scanned package (or a declared case) with its lot, expiry and serial; a
    serial received before is refused (409 suspect-serial) and flagged."""
    command = scanning.receipt_of(
        parse_scan(body.data, today=clock.local_today()),
        user=UNSET,
        location=body.location,
        reference=body.reference,
        external_id=external("api", body.external_id),
    )
    return (await writer_of(request).post(command, who)).as_dict()


class TransferIn(BaseModel):
    from_location: Code
    to_location: Code = Field(description="A cabinet sends the units to the item's pocket.")
    item: Code | None = None
    product: Code | None = None
    lot: Lot | None = None
    pocket: Code | None = Field(None, description="The cabinet's pocket to fill.")
    quantity: Units
    refill: bool = False
    override: Line = Field("", description="Why a blocked or expired lot moves anyway.")
    approved_by: Code | None = Field(None, description="The manager approving an override.")
    approver_password: str | None = None
    external_id: Line | None = None


@router.post("/transfers", status_code=201, **guarded(Permission.TRANSFER))
def post_transfer(
    body: TransferIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])],
) -> dict[str, Any]:
    command = ledger.Move(
        user=who.user.username,
        from_location=body.from_location,
        to_location=body.to_location,
        item=body.item,
        product=body.product,
        lot=body.lot,
        pocket=body.pocket,
        quantity=body.quantity,
        refill=body.refill,
        override=body.override,
        approval=approval_of(engine, body.approved_by, body.approver_password),
        external_id=external("api", body.external_id),
    )
    return post_command(engine, command).as_dict()


class DispenseIn(BaseModel):
    location: Code
    item: Code | None = None
    product: Code | None = None
    lot: Lot | None = Field(None, description="Waste only: this lot, whatever its status.")
    quantity: Units
    kind: Literal["dispense", "return", "waste"] = "dispense"
    external_id: Line | None = Field(None, description="ADC transaction id: a resend is a no-op.")
    occurred_at: LocalMoment | None = None


KINDS = {
    "dispense": MovementKind.DISPENSE,
    "return": MovementKind.PATIENT_RETURN,
    "waste": MovementKind.WASTE,
}


@router.post("/dispenses", status_code=201, **guarded_in_batch(Permission.DISPENSE))
async def post_dispense(
    body: DispenseIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.DISPENSE])],
) -> dict[str, Any]:
    when = None
    if body.occurred_at is not None:  # a time without an offset is the facility's local time
        stamp = body.occurred_at
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=clock.facility_zone())
        try:
            when = stamp.astimezone(UTC)
        except OverflowError:
            raise InvalidValue("occurred_at", "not a time rxsupply can hold", str(stamp)) from None
    command = ledger.Dispense(
        user=UNSET,
        location=body.location,
        item=body.item,
        product=body.product,
        lot=body.lot,
        quantity=body.quantity,
        kind=KINDS[body.kind],
        occurred_at=when,
        external_id=external("txn", body.external_id),
    )
    return (await writer_of(request).post(command, who)).as_dict()
