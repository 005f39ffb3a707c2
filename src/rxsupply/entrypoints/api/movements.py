"""JSON endpoints that write the ledger: receipts, transfers, dispenses and adjustments.

Receipts and dispenses go through the process's batching writer (``api.writer``); transfers
and adjustments are one transaction each.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import run_with_retry
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import writer_of
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import (
    DEFERRED,
    REQUIRES,
    Caller,
    Deferred,
    guarded,
    guarded_in_batch,
)
from rxsupply.services import ledger

router = APIRouter(prefix="/api")


def posted(result: ledger.Posted) -> dict[str, object]:
    return result.as_dict()


class ReceiptIn(BaseModel):
    location: str
    product: str = Field(description="NDC (any form) or GTIN-14.")
    lot: str = Field(max_length=ledger.LOT_LENGTH)
    expiry: date | None = None
    quantity: int = Field(gt=0, description="Dispense units.")
    reference: str = Field("", max_length=ledger.REFERENCE_LENGTH)
    external_id: str | None = Field(
        None, max_length=ledger.EXTERNAL_ID_LENGTH - 4, description="A resend is a no-op."
    )


@router.post("/receipts", status_code=201, **guarded_in_batch(Permission.RECEIVE))
async def post_receipt(
    body: ReceiptIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.RECEIVE])],
) -> dict[str, Any]:
    command = ledger.Receipt(
        location=body.location,
        product=body.product,
        lot=body.lot,
        expiry=body.expiry,
        quantity=body.quantity,
        reference=body.reference,
        external_id=f"api:{body.external_id}" if body.external_id else None,
    )
    return posted(await writer_of(request).post(command, who))


class TransferIn(BaseModel):
    from_location: str
    to_location: str
    item: str | None = None
    product: str | None = None
    lot: str | None = None
    quantity: int = Field(gt=0)
    refill: bool = False
    external_id: str | None = None


@router.post("/transfers", status_code=201, **guarded(Permission.TRANSFER))
def post_transfer(
    body: TransferIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])],
) -> dict[str, Any]:
    kind = MovementKind.REFILL if body.refill else MovementKind.TRANSFER
    return posted(
        run_with_retry(
            engine,
            lambda uow: ledger.transfer(
                uow,
                from_location=body.from_location,
                to_location=body.to_location,
                item=body.item,
                product=body.product,
                lot=body.lot,
                quantity=body.quantity,
                kind=kind,
                now=clock.now(),
                external_id=f"api:{body.external_id}" if body.external_id else None,
                user=who.user.username,
            ),
        )
    )


class DispenseIn(BaseModel):
    location: str
    item: str | None = None
    product: str | None = None
    quantity: int = Field(gt=0)
    kind: Literal["dispense", "return", "waste"] = "dispense"
    external_id: str | None = Field(
        None,
        max_length=ledger.EXTERNAL_ID_LENGTH - 4,
        description="ADC transaction id: a resend is a no-op.",
    )
    occurred_at: datetime | None = None


@router.post("/dispenses", status_code=201, **guarded_in_batch(Permission.DISPENSE))
async def post_dispense(
    body: DispenseIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.DISPENSE])],
) -> dict[str, Any]:
    kind = {
        "dispense": MovementKind.DISPENSE,
        "return": MovementKind.PATIENT_RETURN,
        "waste": MovementKind.WASTE,
    }[body.kind]
    when = None
    if body.occurred_at is not None:  # a time without an offset is the facility's local time
        stamp = body.occurred_at
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=clock.facility_zone())
        when = stamp.astimezone(UTC)
    command = ledger.Dispense(
        location=body.location,
        item=body.item,
        product=body.product,
        quantity=body.quantity,
        kind=kind,
        occurred_at=when,
        external_id=f"txn:{body.external_id}" if body.external_id else None,
    )
    return posted(await writer_of(request).post(command, who))


class AdjustmentIn(BaseModel):
    location: str
    product: str
    lot: str
    quantity: int = Field(description="Signed change in dispense units.")
    reason: str
    count: bool = False


@router.post("/adjustments", status_code=201, **guarded(Permission.ADJUST))
def post_adjustment(
    body: AdjustmentIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])],
) -> dict[str, Any]:
    kind = MovementKind.COUNT_VARIANCE if body.count else MovementKind.ADJUSTMENT
    return posted(
        run_with_retry(
            engine,
            lambda uow: ledger.adjust(
                uow,
                location=body.location,
                product=body.product,
                lot=body.lot,
                quantity=body.quantity,
                reason=body.reason,
                kind=kind,
                now=clock.now(),
                user=who.user.username,
            ),
        )
    )
