"""JSON endpoints of product identifier verification (DSCSA): verify a GTIN, serial, lot and
expiry against what the hospital received and through the configured verification router
(``RXSUPPLY_VERIFICATION_ROUTER``), and the verifications recorded. The same use cases as
``rxsupply dscsa verify`` and ``rxsupply dscsa verifications``.

The router is the configured one only: a request body cannot name a URL for the server to
call (no request forgery through the API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.domain.verification import SALEABLE_RETURN
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, Lot
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.entrypoints.verification import router_for
from rxsupply.services.dscsa import verification

router = APIRouter(prefix="/api")
Handler = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]


class VerificationIn(BaseModel):
    gtin: Code = Field(description="The GTIN-14 on the package.", max_length=20)
    serial: Code = Field(description="Its serial number (GS1 AI 21).", max_length=40)
    lot: Lot = Field(description="Its lot (GS1 AI 10).", max_length=40)
    expiry: Line = Field(description="Its expiry: YYMMDD (GS1 AI 17) or YYYY-MM-DD.", max_length=10)
    context: Line = Field(SALEABLE_RETURN, description="The LMS context.", max_length=40)
    local_only: bool = Field(False, description="Check only what we received; ask no router.")
    facility: Code | None = Field(
        None,
        description="The facility whose records it joins, when none of its packages is.",
        max_length=40,
    )
    requestor_gln: Code | None = Field(
        None, description="Our GLN, sent to the router.", max_length=13
    )


@router.post("/dscsa/verifications", status_code=201, **guarded(Permission.QUARANTINE))
def post_verification(body: VerificationIn, engine: EngineDep, who: Handler) -> dict[str, Any]:
    """Verify a product identifier and record it; the verification (``verified``, and why not
    in ``reason``: the LMS failure code and the field that differs). 422 naming the field for
    a malformed identifier; nothing written."""
    with SqlUnitOfWork(engine) as uow:
        found = verification.verify_product(
            uow,
            gtin=body.gtin,
            serial=body.serial,
            lot=body.lot,
            expiry=body.expiry,
            router=router_for(local_only=body.local_only),
            context=body.context,
            facility=body.facility,
            requestor_gln=body.requestor_gln,
            user=who.user.username,
            clock=clock.current(),
        )
    return found.as_dict()


@router.get("/dscsa/verifications", **guarded(Permission.VIEW))
def get_verifications(
    engine: EngineDep, limit: Annotated[int, Query(ge=1, le=10_000)] = 100
) -> dict[str, Any]:
    """The verifications recorded, newest first."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = verification.list_verifications(uow, limit=limit)
    return {"data": [v.as_dict() for v in found]}
