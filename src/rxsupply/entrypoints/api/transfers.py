"""JSON endpoints of transfers between locations and of putaway: request, pick, ship,
receive, cancel (``POST /api/transfers`` stays the one-step ledger transfer); the storeroom
floor to put away, and a putaway into a bin. The same use
cases as ``rxsupply transfers`` and ``rxsupply putaway``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.transfer import TransferStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit
from rxsupply.entrypoints.http.bounded import Code, Line, Lot, Note, Units, UnitsOrZero
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import putaway, transfers

router = APIRouter(prefix="/api")
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]


@router.get("/transfers", **guarded(Permission.VIEW))
def get_transfers(
    engine: EngineDep, status: TransferStatus | None = None, limit: Limit = 100
) -> dict[str, Any]:
    """Transfers, newest first (without their lines)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = transfers.list_transfers(uow, status=status, limit=limit)
    return {"data": [t.as_dict() for t in found]}


class TransferIn(BaseModel):
    from_location: Code
    to_location: Code
    quantity: Units = Field(description="Dispense units.")
    item: Code | None = Field(None, description="Item code (or give product).")
    product: Code | None = Field(None, description="NDC or GTIN (or give item).")
    note: Note = ""


@router.post("/transfers/request", status_code=201, **guarded(Permission.TRANSFER))
def post_transfer_request(body: TransferIn, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Request a transfer (nothing moves yet). ``POST /api/transfers`` is the one-step
    transfer that moves stock at once."""
    with SqlUnitOfWork(engine) as uow:
        done = transfers.request_transfer(
            uow,
            from_location=body.from_location,
            to_location=body.to_location,
            quantity=body.quantity,
            item=body.item,
            product=body.product,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
            limits=load_settings().limits(),
        )
    return done.as_dict()


@router.get("/transfers/{number}", **guarded(Permission.VIEW))
def get_transfer(number: str, engine: EngineDep) -> dict[str, Any]:
    """One transfer with its steps and picked lines."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return transfers.get_transfer(uow, number).as_dict()


@router.post("/transfers/{number}/pick", **guarded(Permission.TRANSFER))
def post_pick(number: str, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Pick usable stock, earliest expiry first (409 when the source has too little)."""
    with SqlUnitOfWork(engine) as uow:
        done = transfers.pick_transfer(
            uow, number=number, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


@router.post("/transfers/{number}/ship", **guarded(Permission.TRANSFER))
def post_ship(number: str, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Ship: the picked lots move into the source facility's transit location."""
    with SqlUnitOfWork(engine) as uow:
        done = transfers.ship_transfer(
            uow, number=number, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


class ReceiveIn(BaseModel):
    quantity: UnitsOrZero | None = Field(
        None, description="Units that arrived; default all shipped."
    )
    quarantine: Line | None = Field(
        None, description="A quarantine location for lots blocked or expired on the way."
    )


@router.post("/transfers/{number}/receive", **guarded(Permission.TRANSFER))
def post_receive(number: str, body: ReceiveIn, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Receive at the destination; fewer units than shipped are recorded as a discrepancy."""
    with SqlUnitOfWork(engine) as uow:
        done = transfers.receive_transfer(
            uow,
            number=number,
            user=who.user.username,
            clock=clock.current(),
            quantity=body.quantity,
            quarantine=body.quarantine,
        )
    return done.as_dict()


class CancelIn(BaseModel):
    reason: Line


@router.post("/transfers/{number}/cancel", **guarded(Permission.TRANSFER))
def post_cancel(number: str, body: CancelIn, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Cancel a transfer that has not shipped (409 once it has)."""
    with SqlUnitOfWork(engine) as uow:
        done = transfers.cancel_transfer(
            uow, number=number, reason=body.reason, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


@router.get("/putaway", **guarded(Permission.VIEW))
def get_putaway(engine: EngineDep, storeroom: str | None = None) -> dict[str, Any]:
    """What sits on each storeroom's floor, with a suggested bin."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = putaway.putaway_list(uow, clock=clock.current(), storeroom=storeroom)
    return {"data": [r.as_dict() for r in rows]}


class PutawayIn(BaseModel):
    lot: Lot
    to_bin: Code
    product: Code | None = Field(None, description="NDC, when a lot number is shared.")
    quantity: Units | None = Field(None, description="Units; default all of the lot's floor.")
    external_id: Line | None = Field(None, description="Makes a resend a no-op.")


@router.post("/putaway", **guarded(Permission.TRANSFER))
def post_putaway(body: PutawayIn, engine: EngineDep, who: Mover) -> dict[str, Any]:
    """Put a lot away from a storeroom's floor into one of its bins (a ledger transfer)."""
    with SqlUnitOfWork(engine) as uow:
        done = putaway.put_away(
            uow,
            to_bin=body.to_bin,
            lot=body.lot,
            product=body.product,
            quantity=body.quantity,
            user=who.user.username,
            clock=clock.current(),
            external_id=ExternalId("api", body.external_id) if body.external_id else None,
        )
    return done.as_dict()
