"""JSON endpoints of the DSCSA records' integrity: every facility's chain verified
(``GET /api/dscsa/ledger``, what ``rxsupply dscsa verify-ledger --json`` prints) and records past
their six-year retention purged (``POST /api/dscsa/purge``, admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Day
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.dscsa.ledger_check import verify_ledger
from rxsupply.services.dscsa.retention import purge_records

router = APIRouter(prefix="/api/dscsa")
Purger = Annotated[Caller, Depends(REQUIRES[Permission.PURGE_RECORDS])]


@router.get("/ledger", **guarded(Permission.VIEW_AUDIT))
def get_ledger(
    engine: EngineDep,
    facility: Annotated[
        str | None, Query(description="One facility's location code.", max_length=64)
    ] = None,
) -> dict[str, Any]:
    """Every facility's DSCSA chain recomputed from the stored rows: ``ok``, the entries
    checked, each facility's head hash, and the breaks (facility, seq, kind, subject, problem:
    altered, removed, inserted, relinked, forged, unchecked or unrecorded, and the reason)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return verify_ledger(uow, facility=facility).as_dict()


class PurgeIn(BaseModel):
    before: Day = Field(description="Purge records older than this day: six years back at least.")


@router.post("/purge", **guarded(Permission.PURGE_RECORDS))
def post_purge(body: PurgeIn, engine: EngineDep, who: Purger) -> dict[str, Any]:
    """Delete the DSCSA records from before ``before`` (admins only): 422 when the day is less
    than six years back, 409 when a chain has breaks; nothing deleted then."""
    with SqlUnitOfWork(engine) as uow:
        done = purge_records(uow, before=body.before, user=who.user.username, clock=clock.current())
    return done.as_dict()
