"""JSON endpoints that correct stock or its status: adjustments and counts, returns to vendor,
quarantines (and recalls, suspect product) and releases. One transaction each, posted as ledger
commands under the caller's user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.repackaging import MAX_BUD_DAYS, OPENED_BUD_DAYS
from rxsupply.domain.status import StockStatus, parse_block
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.movements import external
from rxsupply.entrypoints.http.bounded import Code, Day, Line, Lot, SignedUnits, Units
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of, post_command
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import ledger, opening

router = APIRouter(prefix="/api")


class AdjustmentIn(BaseModel):
    location: Code
    product: Code
    lot: Lot
    quantity: SignedUnits = Field(description="Signed change in dispense units.")
    reason: Line
    count: bool = False
    expiry: Day | None = Field(None, description="A new lot's expiry.")
    approved_by: Code | None = Field(
        None, description="A manager approving (above the approval value, controlled drugs)."
    )
    approver_password: str | None = None
    external_id: Line | None = None


@router.post("/adjustments", status_code=201, **guarded(Permission.ADJUST))
def post_adjustment(
    body: AdjustmentIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])],
) -> dict[str, Any]:
    command = ledger.Adjust(
        user=who.user.username,
        location=body.location,
        product=body.product,
        lot=body.lot,
        quantity=body.quantity,
        reason=body.reason,
        count=body.count,
        expiry=body.expiry,
        approval=approval_of(engine, body.approved_by, body.approver_password),
        external_id=external("api", body.external_id),
    )
    return post_command(engine, command).as_dict()


class ReturnIn(BaseModel):
    location: Code
    product: Code
    lot: Lot
    quantity: Units
    reference: Line = Field("", description="Return authorisation or debit memo.")
    external_id: Line | None = None


@router.post("/returns", status_code=201, **guarded(Permission.RETURN_TO_VENDOR))
def post_return(
    body: ReturnIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.RETURN_TO_VENDOR])],
) -> dict[str, Any]:
    """Return units of a lot to the vendor, whatever their status."""
    command = ledger.ReturnToVendor(
        user=who.user.username,
        location=body.location,
        product=body.product,
        lot=body.lot,
        quantity=body.quantity,
        reference=body.reference,
        external_id=external("api", body.external_id),
    )
    return post_command(engine, command).as_dict()


class StatusIn(BaseModel):
    product: Code = Field(description="NDC or GTIN.")
    lot: Lot | None = Field(None, description="The lot, blocked everywhere at once.")
    serial: Code | None = Field(None, description="Or one serialised package.")
    reason: Line
    external_id: Line | None = None


class QuarantineIn(StatusIn):
    status: Line = Field("quarantined", description="quarantined, recalled or suspect.")


def post_status(engine: Engine, body: StatusIn, status: StockStatus, user: str) -> dict[str, Any]:
    """A status change (a block or a release) of what ``body`` names, as ``user``."""
    command = ledger.SetStatus(
        user=user,
        product=body.product,
        lot=body.lot,
        serial=body.serial,
        status=status,
        reason=body.reason,
        external_id=external("api", body.external_id),
    )
    return post_command(engine, command).as_dict()


@router.post("/quarantines", status_code=201, **guarded(Permission.QUARANTINE))
def post_quarantine(
    body: QuarantineIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])],
) -> dict[str, Any]:
    """Block a lot everywhere (pockets included) or one package; picking stops taking it."""
    return post_status(engine, body, parse_block(body.status), who.user.username)


@router.post("/releases", status_code=201, **guarded(Permission.RELEASE))
def post_release(
    body: StatusIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.RELEASE])],
) -> dict[str, Any]:
    """Put a blocked lot or package back into use (a manager's call)."""
    return post_status(engine, body, StockStatus.AVAILABLE, who.user.username)


class OpenIn(BaseModel):
    location: Code
    product: Code
    lot: Lot
    units: Units | None = Field(None, description="Units in the package (default its size).")
    bud_days: int = Field(
        OPENED_BUD_DAYS, ge=1, le=MAX_BUD_DAYS, description="Beyond-use days from opening."
    )
    external_id: Line | None = None


@router.post("/opened-packages", status_code=201, **guarded(Permission.TRANSFER))
def post_opened(
    body: OpenIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])],
) -> dict[str, Any]:
    """Open a multi-dose vial (or another package): its units become the opened lot, expiring
    on its beyond-use date (``bud_days`` from today, never past the lot's expiry)."""
    with SqlUnitOfWork(engine) as uow:
        done = opening.open_package(
            uow,
            location=body.location,
            product=body.product,
            lot=body.lot,
            units=body.units,
            bud_days=body.bud_days,
            user=who.user.username,
            clock=clock.current(),
            external_id=external("api", body.external_id),
        )
    return done.as_dict()
