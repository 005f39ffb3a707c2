"""JSON endpoints of trading partners' authorization (DSCSA): every partner with whether it is
authorized today and why, one partner with its authorizations, an authorization recorded as
verified by the caller, and a partner's EDI id (the sender its X12 documents must come from).
The same use cases as ``rxsupply partners``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Day, Line, Note
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import trading_partners

router = APIRouter(prefix="/api")
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]


@router.get("/trading-partners", **guarded(Permission.VIEW))
def get_partners(engine: EngineDep) -> dict[str, Any]:
    """Every trading partner, by name, with whether it is authorized today and why; ``expiring``
    when its authorization runs out within 30 days."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = trading_partners.partner_statuses(
            uow, clock=clock.current(), policy=load_settings().partner_policy()
        )
    return {"data": [s.as_dict() for s in found]}


@router.get("/trading-partners/{partner}", **guarded(Permission.VIEW))
def get_partner(partner: str, engine: EngineDep) -> dict[str, Any]:
    """One partner (by name or id) with its authorizations and its status today."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = trading_partners.partner_status(
            uow, partner=partner, clock=clock.current(), policy=load_settings().partner_policy()
        )
    return found.as_dict()


class AuthorizationIn(BaseModel):
    kind: Line = Field(
        description="state_wholesale_license, fda_wholesale_license, "
        "fda_establishment_registration, state_3pl_license, fda_3pl_license or "
        "state_pharmacy_license.",
        max_length=40,
    )
    number: Code = Field(description="The licence or registration number.", max_length=200)
    state: Line = Field(description="The issuing state (USPS code), or FDA.", max_length=20)
    expires: Day = Field(description="Valid through this day.")
    verified_on: Day | None = Field(None, description="The day it was checked (today).")
    source: Line = Field("", description="Where it was checked.", max_length=500)
    note: Note = Field("", max_length=1000)
    type: Line | None = Field(None, description="Record the partner's DSCSA type.", max_length=40)


@router.post(
    "/trading-partners/{partner}/authorizations", status_code=201, **guarded(Permission.PURCHASE)
)
def post_authorization(
    partner: str, body: AuthorizationIn, engine: EngineDep, who: Buyer
) -> dict[str, Any]:
    """Record a licence or registration of a partner as verified by the caller; the partner's
    status after. 422 naming the field when the kind does not fit the partner's type, the state
    is not one, or the dates are out of order; nothing written."""
    with SqlUnitOfWork(engine) as uow:
        found = trading_partners.record_authorization(
            uow,
            partner=partner,
            kind=body.kind,
            number=body.number,
            state=body.state,
            expires=body.expires,
            verified_on=body.verified_on,
            source=body.source,
            note=body.note,
            partner_type=body.type,
            user=who.user.username,
            clock=clock.current(),
            policy=load_settings().partner_policy(),
        )
    return found.as_dict()


class EdiIdIn(BaseModel):
    edi_id: str | None = Field(
        description="The interchange sender id (ISA06, up to 15 characters) of the partner's "
        "X12 documents (855, 856, 810); null or empty to clear it.",
        max_length=40,
    )


@router.put("/trading-partners/{partner}/edi-id", **guarded(Permission.PURCHASE))
def put_edi_id(partner: str, body: EdiIdIn, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Record a partner's EDI id, or clear it; the partner's status after. An 855, 856 or 810
    of an order to the partner from another sender is then refused (422 naming ISA06); with
    none on file it is recorded with a warning that the sender was not checked. 422 naming
    ``edi_id`` for an id ISA06 cannot carry or one on file for another partner."""
    with SqlUnitOfWork(engine) as uow:
        found = trading_partners.set_edi_id(
            uow,
            partner=partner,
            edi_id=body.edi_id,
            user=who.user.username,
            clock=clock.current(),
            policy=load_settings().partner_policy(),
        )
    return found.as_dict()
