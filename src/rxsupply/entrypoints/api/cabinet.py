"""JSON endpoints of the cabinet interface: the discrepancies the cabinets' reports left (and
resolving one), and the messages the listener received with their acknowledgements. The same
use cases as ``rxsupply adc``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.discrepancy import DiscrepancyStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit, Offset
from rxsupply.entrypoints.http.bounded import Line, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.cabinet import listener_status
from rxsupply.services.discrepancies import list_discrepancies, resolve_discrepancy

router = APIRouter(prefix="/api/adc")


class Shown(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


@router.get("/discrepancies", **guarded(Permission.VIEW))
def get_discrepancies(
    engine: EngineDep, status: Shown = Shown.OPEN, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """What the cabinets reported leaving them beyond the usable stock on record, newest
    first: ``reported`` units, ``posted`` from usable stock, ``missing`` the rest,
    ``blocked`` expired or blocked units on record there; ``total`` counts them all."""
    chosen = None if status is Shown.ALL else DiscrepancyStatus(status.value)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found, total = list_discrepancies(uow, status=chosen, limit=limit, offset=offset)
    more = offset + len(found) < total
    return {
        "data": [d.as_dict() for d in found],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


class ResolutionIn(BaseModel):
    resolution: Line = Field(description="What was found: a count, a refill not scanned, ...")


@router.post("/discrepancies/{discrepancy_id}/resolve", **guarded(Permission.ADJUST))
def post_resolution(
    discrepancy_id: RecordId,
    body: ResolutionIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])],
) -> dict[str, Any]:
    """Resolve an open discrepancy (409 when it is resolved already), audited."""
    with SqlUnitOfWork(engine) as uow:
        done = resolve_discrepancy(
            uow,
            discrepancy_id=discrepancy_id,
            resolution=body.resolution,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


@router.get("/messages", **guarded(Permission.VIEW))
def get_messages(engine: EngineDep, limit: Limit = 100) -> dict[str, Any]:
    """The latest messages the cabinet listener received (newest first) with the ACK each got,
    and the count of each ACK code over the last 24 hours."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        latest, counts = listener_status(uow, clock=clock.current(), limit=limit)
    return {"data": [m.as_dict() for m in latest], "last_24_hours": counts}
