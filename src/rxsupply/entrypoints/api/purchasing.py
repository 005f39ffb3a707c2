"""JSON endpoints of purchase orders: the storeroom's suggested orders, an order with its
lines, a Schedule II line's DEA Form 222 or CSOS number, approval (the answer carries the
wholesaler's CSV and the X12 850) and cancellation. The same use cases as ``rxsupply
orders``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.order_documents import order_csv, x12_850
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.purchasing import OrderStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit
from rxsupply.entrypoints.http.bounded import (
    Code,
    Day,
    Days,
    Line,
    Lot,
    RecordId,
    Units,
    UnitsOrZero,
)
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import purchasing, receiving
from rxsupply.services.order_lines import change_order_line
from rxsupply.services.receiving import MIN_SHELF_DAYS

router = APIRouter(prefix="/api/orders")
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]


@router.get("", **guarded(Permission.VIEW))
def get_orders(
    engine: EngineDep, status: OrderStatus | None = None, limit: Limit = 100
) -> dict[str, Any]:
    """Purchase orders, newest first (without their lines)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.list_orders(uow, status=status, limit=limit)
    return {"data": [o.as_dict(lines=False) for o in found]}


@router.post("/suggest", **guarded(Permission.PURCHASE))
def post_suggestion(engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Write today's suggested orders as drafts (one per wholesaler), and say which items at
    their reorder point could not be ordered and why."""
    with SqlUnitOfWork(engine) as uow:
        done = purchasing.suggest_orders(uow, clock=clock.current(), user=who.user.username)
    return done.as_dict()


@router.get("/{number}", **guarded(Permission.VIEW))
def get_order(number: str, engine: EngineDep) -> dict[str, Any]:
    """One order with its lines and why each was suggested."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return purchasing.get_order(uow, number).as_dict()


class DeaFormIn(BaseModel):
    line: RecordId = Field(description="The Schedule II line.")
    number: Code = Field(description="Its DEA Form 222 serial number or CSOS order number.")


@router.post("/{number}/dea", **guarded(Permission.PURCHASE))
def post_dea_form_number(
    number: str, body: DeaFormIn, engine: EngineDep, who: Buyer
) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        done = purchasing.set_dea_form_number(
            uow,
            order=number,
            line=body.line,
            number=body.number,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


class LineIn(BaseModel):
    product: Code = Field(description="NDC (any form) or GTIN.")
    packages: Units
    package_price: Decimal | None = Field(
        None, description="Per package; default its best eligible price today."
    )


@router.post("/{number}/lines", status_code=201, **guarded(Permission.PURCHASE))
def post_line(number: str, body: LineIn, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Add a line to a draft by hand (404 for an unknown NDC, nothing written)."""
    with SqlUnitOfWork(engine) as uow:
        done = purchasing.add_order_line(
            uow,
            order=number,
            product=body.product,
            packages=body.packages,
            user=who.user.username,
            clock=clock.current(),
            package_price=body.package_price,
        )
    return done.as_dict()


class LineChangeIn(BaseModel):
    packages: UnitsOrZero = Field(description="Whole packages; 0 removes the line.")


@router.post("/{number}/lines/{line}", **guarded(Permission.PURCHASE))
def post_line_change(
    number: str, line: RecordId, body: LineChangeIn, engine: EngineDep, who: Buyer
) -> dict[str, Any]:
    """Change a draft line's packages, or remove the line (0); 409 once the order is sent."""
    with SqlUnitOfWork(engine) as uow:
        done = change_order_line(
            uow,
            order=number,
            line=line,
            packages=body.packages,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


@router.post("/{number}/approve", **guarded(Permission.PURCHASE))
def post_approval(number: str, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Approve a draft and send it: the order, its CSV and its X12 850 (409 with every reason
    when it cannot go, such as a Schedule II line without its DEA Form 222 number)."""
    now = clock.current()
    with SqlUnitOfWork(engine) as uow:
        sent = purchasing.approve_order(uow, order=number, user=who.user.username, clock=now)
    return {
        **sent.as_dict(),
        "csv": order_csv(sent),
        "x12_850": x12_850(
            sent, ship_to="Pharmacy storeroom", now=now.now(), control_number=sent.id or 1
        ),
    }


class CancelIn(BaseModel):
    reason: Line


@router.post("/{number}/cancel", **guarded(Permission.PURCHASE))
def post_cancellation(number: str, body: CancelIn, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        done = purchasing.cancel_order(
            uow, order=number, reason=body.reason, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


class ReceiptIn(BaseModel):
    product: Code = Field(description="NDC (any form) or GTIN; or give scan.")
    lot: Lot
    expiry: Day | None = None
    packages: Units = 1
    damaged: UnitsOrZero = 0
    serial: Code | None = None
    min_shelf_days: Days = MIN_SHELF_DAYS
    ship_notice: Code | None = Field(
        None, description="Check against this ship notice (its shipment id)."
    )


@router.post("/{number}/receipts", status_code=201, **guarded(Permission.RECEIVE))
def post_receipt(
    number: str,
    body: ReceiptIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])],
) -> dict[str, Any]:
    """Receive packages against an order into its storeroom; the order, what the receipt
    found (over, damaged, short expiry, wrong product) and, under ``held``, each serialised
    package it put on hold (quarantined: received while an open DSCSA document exception
    names it, or by the exception the completing scan's reconciliation opens), with its lot,
    location and reason: the receiver sets it apart on the quarantine shelf. 409 against a
    draft, cancelled or closed order or from a trading partner not authorized today, nothing
    written."""
    with SqlUnitOfWork(engine) as uow:
        done, found, held = receiving.receive_against_order(
            uow,
            order=number,
            product=body.product,
            lot=body.lot,
            expiry=body.expiry,
            packages=body.packages,
            damaged=body.damaged,
            serial=body.serial,
            min_shelf_days=body.min_shelf_days,
            ship_notice=body.ship_notice,
            user=who.user.username,
            clock=clock.current(),
            partner_policy=load_settings().partner_policy(),
        )
    return {
        **done.as_dict(),
        "found": [d.as_dict() for d in found],
        "held": [h.as_dict() for h in held],
    }


@router.post("/{number}/close", **guarded(Permission.PURCHASE))
def post_close(number: str, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Close a received or partly received order; each line left short is recorded."""
    with SqlUnitOfWork(engine) as uow:
        done = receiving.close_order(
            uow, order=number, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


@router.get("/{number}/discrepancies", **guarded(Permission.VIEW))
def get_receiving_discrepancies(number: str, engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = receiving.receiving_discrepancies(uow, order=number)
    return {"data": [d.as_dict() for d in found]}
