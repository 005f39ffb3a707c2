"""JSON endpoints of the daily expiry sweep (the same use cases as ``rxsupply expiry sweep``
and ``rxsupply expiry pulls``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.expiry_sweep import expired_pulls, sweep_expired

router = APIRouter(prefix="/api/expiry")


@router.get("/pulls", **guarded(Permission.VIEW))
def get_pulls(
    engine: EngineDep,
    cabinet: Annotated[list[str] | None, Query(description="Only these cabinets' pockets.")] = None,
) -> dict[str, Any]:
    """Expired units still outside quarantine, on the shelves and in the pockets."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = expired_pulls(uow, clock=clock.current(), cabinets=cabinet or ())
    return {"data": [p.as_dict() for p in found]}


@router.post("/sweep", **guarded(Permission.TRANSFER))
def post_sweep(
    engine: EngineDep, who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
) -> dict[str, Any]:
    """Run the daily sweep: shelf stock expired today moves into quarantine; pocket stock goes
    on the next refill run. A second sweep that day moves nothing twice."""
    with SqlUnitOfWork(engine) as uow:
        return sweep_expired(uow, user=who.user.username, clock=clock.current()).as_dict()
