"""JSON endpoints of the expiry-risk projection (the same service as ``rxsupply expiry risk``)
and of carrying out one of its transfers (``rxsupply expiry transfer-at-risk``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, Lot, Units
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.expiry_risk import HORIZON, assess_expiry_risk
from rxsupply.services.expiry_transfers import TransferAtRisk, carry_out_transfer

router = APIRouter(prefix="/api")


@router.get("/expiry/risk", **guarded(Permission.VIEW))
def get_expiry_risk(
    engine: EngineDep,
    horizon: Annotated[int, Query(ge=7, le=1095, description="Days projected.")] = HORIZON,
) -> dict[str, Any]:
    """Every lot at every location projected earliest expiry first from the item-location's
    forecast or recent outflow: ``totals``; ``lots`` at risk (location, item, ndc, lot,
    expiry, on hand, daily use and its source, projected use, units and value that will
    expire, and the transfers proposed for it); ``transfers`` (lot, from, to, units, value
    saved, why); ``par_reductions`` (pocket, item, levels, proposed max, why); ``weekly``
    value at risk (and its running total)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = assess_expiry_risk(uow, clock=clock.current(), horizon=horizon)
    return found.as_dict()


class TransferAtRiskIn(BaseModel):
    product: Code = Field(description="The lot's NDC (any form) or GTIN.")
    lot: Lot
    from_location: Code = Field(description="Where the lot would expire.")
    to_location: Code = Field(description="Where it will be used (a pocket, a satellite...).")
    units: Units
    external_id: Line | None = Field(None, description="A resend is a no-op.")


@router.post("/expiry/risk/transfers", status_code=201, **guarded(Permission.TRANSFER))
def post_transfer_at_risk(
    body: TransferAtRiskIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])],
) -> dict[str, Any]:
    """Carry out a recommended transfer: the units of the lot move through the ledger (usable
    stock only; a pocket takes no more than its capacity)."""
    want = TransferAtRisk(
        product=body.product,
        lot=body.lot,
        from_location=body.from_location,
        to_location=body.to_location,
        units=body.units,
    )
    done = run_with_retry(
        engine,
        lambda uow: carry_out_transfer(
            uow,
            transfer=want,
            user=who.user.username,
            clock=clock.current(),
            external_id=ExternalId("api", body.external_id) if body.external_id else None,
        ),
    )
    return done.as_dict()
