"""JSON endpoints of what a wholesaler sends back about an order: ship notices (X12 856) and
invoices (X12 810), posted as their text, and an order's notices and invoice match. The same
use cases as ``rxsupply orders asn | notices | invoice | match``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.adapters.x12_inbound import MAX_BYTES
from rxsupply.domain.shipping import Tolerance
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import invoices, ship_notices

router = APIRouter(prefix="/api/orders")
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
PricePct = Annotated[
    Decimal, Query(ge=0, le=100, description="Percent of the order price an invoice may differ.")
]
Packages = Annotated[int, Query(ge=0, le=1_000_000, description="Packages it may differ by.")]


class X12In(BaseModel):
    x12: str = Field(description="The document as the wholesaler sent it.", max_length=MAX_BYTES)


@router.post("/ship-notices", status_code=201, **guarded(Permission.PURCHASE))
def post_ship_notice(body: X12In, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Record an advance ship notice (X12 856), once per shipment (``duplicate`` true the
    second time, nothing written); 422 naming the segment at fault for a notice that cannot be
    read, is for another buyer, lists an NDC not ordered or comes from another sender (ISA06)
    than the EDI id on file for the order's wholesaler, 404 for an unknown order.
    ``warnings``: a sender not checked (no EDI id on file), packages beyond what was
    ordered."""
    notice, now = read_856(body.x12), clock.current()
    done, warnings, duplicate = run_with_retry(  # the same notice posted twice at once
        engine,
        lambda uow: ship_notices.record_ship_notice(
            uow, notice=notice, user=who.user.username, clock=now
        ),
    )
    return {**done.as_dict(), "warnings": warnings, "duplicate": duplicate}


@router.post("/invoices", status_code=201, **guarded(Permission.PURCHASE))
def post_invoice(
    body: X12In,
    engine: EngineDep,
    who: Buyer,
    price_tolerance: PricePct = Decimal(0),
    quantity_tolerance: Packages = 0,
) -> dict[str, Any]:
    """Record an invoice (X12 810), once per invoice number, and answer its three-way match;
    422 naming the segment at fault for one that cannot be read, does not add up, is for
    another buyer or comes from another sender (ISA06) than the EDI id on file for the order's
    wholesaler, 404 for an unknown order. ``warnings``: a sender not checked (no EDI id on
    file)."""
    bill, now = read_810(body.x12), clock.current()
    limits = Tolerance(price_tolerance, quantity_tolerance)
    match, warnings, duplicate = run_with_retry(  # the same invoice posted twice at once
        engine,
        lambda uow: invoices.record_invoice(
            uow, invoice=bill, user=who.user.username, clock=now, tolerance=limits
        ),
    )
    return {**match.as_dict(), "duplicate": duplicate, "warnings": warnings}


@router.get("/{number}/ship-notices", **guarded(Permission.VIEW))
def get_ship_notices(number: str, engine: EngineDep) -> dict[str, Any]:
    """The order's ship notices: packages per lot, and what came in against each."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = ship_notices.ship_notices(uow, order=number)
    return {"data": [n.as_dict() for n in found]}


@router.get("/{number}/invoices", **guarded(Permission.VIEW))
def get_invoice_match(
    number: str,
    engine: EngineDep,
    price_tolerance: PricePct = Decimal(0),
    quantity_tolerance: Packages = 0,
) -> dict[str, Any]:
    """The order's invoices, each line matched to the order and what was received."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = invoices.invoice_matches(
            uow, order=number, tolerance=Tolerance(price_tolerance, quantity_tolerance)
        )
    return {"data": [m.as_dict() for m in found]}
