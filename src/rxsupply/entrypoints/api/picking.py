"""``GET /api/picklist``: the refill pick list (what ``rxsupply picklist`` prints)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import guarded
from rxsupply.services import picking

router = APIRouter(prefix="/api")


@router.get("/picklist", **guarded(Permission.VIEW))
def get_pick_list(engine: EngineDep, cabinet: str | None = None) -> dict[str, Any]:
    """For each pocket at or below its min, the lots to take from its storeroom to bring it to
    its max: usable stock only, earliest expiry first; ``short`` is what the storeroom lacks."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        lines = picking.refill_pick_list(uow, clock=clock.current(), cabinet=cabinet)
    rows = [line.as_dict() for line in lines]
    return {"data": rows, "limit": len(rows), "offset": 0, "next_offset": None}
