"""JSON endpoints of prices and contracts: each item's best eligible price, and the contract
compliance report. The same use cases as ``rxsupply prices``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Day
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.preferences import prefer_product
from rxsupply.services.pricing import best_prices, contract_compliance

router = APIRouter(prefix="/api/prices")


@router.get("/best", **guarded(Permission.VIEW))
def get_best_prices(
    engine: EngineDep, item: str | None = None, on: Day | None = None
) -> dict[str, Any]:
    """Each item's (or one ``item``'s) best eligible price per dispense unit on a day (today
    by default): contract prices of the tier the hospital holds, else the wholesalers' WAC;
    ``offers`` every price in force, cheapest first."""
    day = on or clock.current().today()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = best_prices(uow, on=day, item=item)
    return {"on": day.isoformat(), "data": [f.as_dict() for f in found]}


@router.get("/compliance", **guarded(Permission.VIEW))
def get_compliance(
    engine: EngineDep, start: Day | None = None, end: Day | None = None
) -> dict[str, Any]:
    """Contract compliance over the invoice lines dated ``start`` to ``end`` (the last year
    by default): spend, spend at an eligible contract price and its share, the money paid
    above each item's best eligible price, and every off-contract line with the reason."""
    last = end or clock.current().today()
    first = start or last - timedelta(days=365)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return contract_compliance(uow, start=first, end=last).as_dict()


class PreferenceIn(BaseModel):
    item: Code = Field(description="The item's code.")
    product: Code | None = Field(description="Its product to prefer (NDC or GTIN); null: none.")


@router.post("/preferences", **guarded(Permission.PURCHASE))
def post_preference(
    body: PreferenceIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])],
) -> dict[str, Any]:
    """Make one of an item's products the one the suggested orders buy (while it has a price
    in force and is not backordered), or clear it; 422 for a product of another item."""
    with SqlUnitOfWork(engine) as uow:
        done = prefer_product(
            uow, item=body.item, product=body.product, user=who.user.username, clock=clock.current()
        )
    return {"item": body.item, "preferred": done}
