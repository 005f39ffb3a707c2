"""JSON endpoints of a shortage's conservation and review: the reallocation plan proposed and
applied, PAR reductions, restrictions, allocation limits, the action log, the reversal and the
review. The same use cases as ``rxsupply shortages reallocate | reduce-par | restrict | limit |
actions | revert | review``.

Permissions: reading needs ``view``; moving stock (applying a plan) ``transfer``; changing a
setting (PAR levels, restrictions, limits, their reversal) ``set_levels``, a manager's call."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import conservation
from rxsupply.services.reallocation import apply_reallocation, propose_reallocation
from rxsupply.services.shortage_review import review_shortage

router = APIRouter(prefix="/api")
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
Setter = Annotated[Caller, Depends(REQUIRES[Permission.SET_LEVELS])]
Floor = Field(None, ge=0, le=1_000_000, description="Units each source keeps (default: min).")


@router.get("/shortages/{shortage_id}/reallocation", **guarded(Permission.VIEW))
def get_reallocation(
    shortage_id: RecordId,
    engine: EngineDep,
    item: Annotated[str, Query(description="The formulary item's code.")],
    floor: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> dict[str, Any]:
    """The reallocation plan of a shortage's item: its cabinet pockets (usable units, use,
    floor, days of supply) and the moves (from, to, units, lot, days of supply before and
    after, why), with its ``plan_id`` to apply it."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        plan = propose_reallocation(
            uow, shortage_id=shortage_id, item=item, floor=floor, clock=clock.current()
        )
    return plan.as_dict()


class ReallocationIn(BaseModel):
    item: Code = Field(description="The formulary item's code.")
    floor: int | None = Floor
    plan_id: Code | None = Field(
        None,
        max_length=64,
        description="The plan shown: refused (409) when the stock changed since; without it "
        "the plan made now is applied.",
    )
    reason: Line = ""


@router.post("/shortages/{shortage_id}/reallocation", **guarded(Permission.TRANSFER))
def post_reallocation(
    shortage_id: RecordId, body: ReallocationIn, engine: EngineDep, who: Mover
) -> dict[str, Any]:
    """Apply a reallocation plan through the ledger (all moves or none; 409 when a move would
    leave a cabinet below its floor). A plan applied again answers ``duplicate``."""
    with SqlUnitOfWork(engine) as uow:
        done = apply_reallocation(
            uow,
            shortage_id=shortage_id,
            item=body.item,
            floor=body.floor,
            plan_id=body.plan_id,
            reason=body.reason,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


class ParReductionIn(BaseModel):
    item: Code
    location: Code
    max: int = Field(ge=0, le=1_000_000, description="The new max, below the current one.")
    min: int | None = Field(None, ge=0, le=1_000_000, description="Default: kept (<= max).")
    reason: Line = ""


@router.post(
    "/shortages/{shortage_id}/par-reductions", status_code=201, **guarded(Permission.SET_LEVELS)
)
def post_par_reduction(
    shortage_id: RecordId, body: ParReductionIn, engine: EngineDep, who: Setter
) -> dict[str, Any]:
    """Lower an item's PAR at a location for the shortage (the levels before are kept)."""
    with SqlUnitOfWork(engine) as uow:
        done = conservation.reduce_par(
            uow,
            shortage_id=shortage_id,
            item=body.item,
            location=body.location,
            max_level=body.max,
            min_level=body.min,
            reason=body.reason,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


class RestrictionIn(BaseModel):
    item: Code
    text: Line = Field(description="Who may use it: 'ICU only'.")
    areas: list[str] = Field(default_factory=list, description="The areas allowed.")
    reason: Line = ""


@router.post(
    "/shortages/{shortage_id}/restrictions", status_code=201, **guarded(Permission.SET_LEVELS)
)
def post_restriction(
    shortage_id: RecordId, body: RestrictionIn, engine: EngineDep, who: Setter
) -> dict[str, Any]:
    """Restrict an item's use for the shortage."""
    with SqlUnitOfWork(engine) as uow:
        done = conservation.restrict_item(
            uow,
            shortage_id=shortage_id,
            item=body.item,
            text=body.text,
            areas=body.areas,
            reason=body.reason,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


class LimitIn(BaseModel):
    item: Code
    location: Code
    per_day: int | None = Field(None, ge=1, le=1_000_000)
    per_dispense: int | None = Field(None, ge=1, le=1_000_000)
    reason: Line = ""


@router.post("/shortages/{shortage_id}/limits", status_code=201, **guarded(Permission.SET_LEVELS))
def post_limit(
    shortage_id: RecordId, body: LimitIn, engine: EngineDep, who: Setter
) -> dict[str, Any]:
    """Limit an item's allocation at a location (units a day, units a dispense); replaces the
    limit in force there."""
    with SqlUnitOfWork(engine) as uow:
        done = conservation.limit_allocation(
            uow,
            shortage_id=shortage_id,
            item=body.item,
            location=body.location,
            per_day=body.per_day,
            per_dispense=body.per_dispense,
            reason=body.reason,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


@router.get("/shortages/{shortage_id}/actions", **guarded(Permission.VIEW))
def get_actions(shortage_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """The shortage's log: every conservation action, oldest first."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = conservation.list_actions(uow, shortage_id=shortage_id)
    return {"data": [a.as_dict() for a in found]}


class RevertIn(BaseModel):
    reason: Line = ""


@router.post("/shortages/{shortage_id}/revert", **guarded(Permission.SET_LEVELS))
def post_revert(
    shortage_id: RecordId, body: RevertIn, engine: EngineDep, who: Setter
) -> dict[str, Any]:
    """Reverse the shortage's settings in force (PAR levels restored, restrictions and limits
    lifted); reallocated stock stays where it went."""
    with SqlUnitOfWork(engine) as uow:
        done = conservation.revert_conservation(
            uow,
            shortage_id=shortage_id,
            reason=body.reason,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


@router.get("/shortages/{shortage_id}/review", **guarded(Permission.VIEW))
def get_review(shortage_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """A shortage's review: dates, the extra spend above the best eligible price, and the
    actions taken."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return review_shortage(uow, shortage_id=shortage_id, clock=clock.current()).as_dict()
