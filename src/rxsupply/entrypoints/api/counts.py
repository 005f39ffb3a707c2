"""JSON endpoints of cycle counts and controlled substances: what is due, a count started,
counted blind (no expected quantities while it is open), submitted (a controlled count with its
witness, who types their own password), approved by a manager and posted; the perpetual and
biennial inventories. The same use cases as ``rxsupply counts`` and ``rxsupply controlled``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.counting import Count, CountStatus, VarianceReason
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit
from rxsupply.entrypoints.http.bounded import Code, Day, Line, Lot, RecordId, UnitsOrZero
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import controlled, count_plan, count_posting, counts, found_stock

router = APIRouter()
Counter = Annotated[Caller, Depends(REQUIRES[Permission.COUNT])]
Manager = Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])]


def _out(found: Count) -> dict[str, Any]:
    return found.as_dict(rules=load_settings().count_rules())


@router.get("/api/counts", **guarded(Permission.VIEW))
def get_counts(
    engine: EngineDep, status: CountStatus | None = None, limit: Limit = 100
) -> dict[str, Any]:
    """Counts, newest first (without their lines)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = counts.list_counts(uow, status=status, limit=limit)
    return {"data": [c.as_dict(lines=False) for c in found]}


@router.get("/api/counts/due", **guarded(Permission.VIEW))
def get_due(engine: EngineDep, location: str | None = None, every: bool = False) -> dict[str, Any]:
    """Item-locations due for a count today (``every``: the whole plan), most overdue first;
    ``class_from`` says whether the ABC class came from the planning run or the usage value."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        scope = counts.count_scope(uow, location)[1] if location else None
        rows = count_plan.count_plan(
            uow,
            rules=load_settings().count_rules(),
            clock=clock.current(),
            location_ids=scope,
            only_due=not every,
        )
    return {"data": [{k: v for k, v in r.items() if not k.endswith("_id")} for r in rows]}


class StartIn(BaseModel):
    location: Code = Field(description="A storeroom, or a cabinet (its pockets).")
    items: list[str] = Field(default_factory=list, description="Only these item codes.")
    due: bool = Field(False, description="Only the item-locations due today.")


@router.post("/api/counts", status_code=201, **guarded(Permission.COUNT))
def post_count(body: StartIn, engine: EngineDep, who: Counter) -> dict[str, Any]:
    """Start a count: its blind sheet (no expected quantities)."""
    with SqlUnitOfWork(engine) as uow:
        found = counts.start_count(
            uow,
            location=body.location,
            items=body.items,
            due=body.due,
            rules=load_settings().count_rules(),
            user=who.user.username,
            clock=clock.current(),
        )
    return _out(found)


@router.get("/api/counts/{number}", **guarded(Permission.VIEW))
def get_count(number: str, engine: EngineDep) -> dict[str, Any]:
    """One count: its blind sheet while open; after submission its variances (units, money,
    what moved during the count, which lines need approval)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return _out(counts.get_count(uow, number))


class CountedIn(BaseModel):
    counted: dict[RecordId, UnitsOrZero] = Field(description="Counted units by line id.")


@router.post("/api/counts/{number}/counted", **guarded(Permission.COUNT))
def post_counted(number: str, body: CountedIn, engine: EngineDep, who: Counter) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        found = counts.enter_counts(
            uow, count=number, counted=body.counted, user=who.user.username, clock=clock.current()
        )
    return _out(found)


class FoundIn(BaseModel):
    location: Code
    product: Code = Field(description="NDC (any form) or GTIN.")
    lot: Lot
    expiry: Day | None = None
    counted: UnitsOrZero


@router.post("/api/counts/{number}/lines", status_code=201, **guarded(Permission.COUNT))
def post_found_line(number: str, body: FoundIn, engine: EngineDep, who: Counter) -> dict[str, Any]:
    """Add a line found that was not on the sheet."""
    with SqlUnitOfWork(engine) as uow:
        found = found_stock.add_found_line(
            uow,
            count=number,
            location=body.location,
            product=body.product,
            lot=body.lot,
            expiry=body.expiry,
            counted=body.counted,
            user=who.user.username,
            clock=clock.current(),
        )
    return _out(found)


class SubmitIn(BaseModel):
    witness: Code | None = Field(None, description="A controlled count's witness.")
    witness_password: str | None = None
    counted: dict[RecordId, UnitsOrZero] = Field(
        default_factory=dict, description="Last counted units by line id, saved with it."
    )


@router.post("/api/counts/{number}/submit", **guarded(Permission.COUNT))
def post_submit(number: str, body: SubmitIn, engine: EngineDep, who: Counter) -> dict[str, Any]:
    """Submit the count (the caller is the counter); 409 for a controlled count without a
    witness other than the counter, nothing written."""
    second = approval_of(engine, body.witness, body.witness_password)
    with SqlUnitOfWork(engine) as uow:
        found = counts.submit_count(
            uow,
            count=number,
            user=who.user.username,
            witness=second.username if second else None,
            counted=body.counted,
            clock=clock.current(),
        )
    return _out(found)


@router.post("/api/counts/{number}/approve", **guarded(Permission.ADJUST))
def post_approval(number: str, engine: EngineDep, who: Manager) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        found = count_posting.approve_count(
            uow, count=number, user=who.user.username, clock=clock.current()
        )
    return _out(found)


class PostIn(BaseModel):
    reason: VarianceReason | None = Field(None, description="Every variance's reason code.")
    reasons: dict[int, VarianceReason] = Field(
        default_factory=dict, description="Reason codes by line id."
    )


@router.post("/api/counts/{number}/post", **guarded(Permission.ADJUST))
def post_posting(number: str, body: PostIn, engine: EngineDep, who: Manager) -> dict[str, Any]:
    """Post the variances through the ledger, once (409 before a needed approval)."""
    settings = load_settings()
    with SqlUnitOfWork(engine) as uow:
        found = count_posting.post_count(
            uow,
            count=number,
            reason=body.reason.value if body.reason else None,
            reasons={k: v.value for k, v in body.reasons.items()},
            rules=settings.count_rules(),
            limits=settings.limits(),
            user=who.user.username,
            clock=clock.current(),
        )
    return _out(found)


class CancelIn(BaseModel):
    reason: Line = Field(description="Why the count is given up (audited).")


@router.post("/api/counts/{number}/cancel", **guarded(Permission.COUNT))
def post_cancel(number: str, body: CancelIn, engine: EngineDep, who: Counter) -> dict[str, Any]:
    """Cancel a count not posted, with its reason: nothing posts, its stock may be counted
    again (start a new count). A submitted or approved count only by a manager (403)."""
    with SqlUnitOfWork(engine) as uow:
        found = count_posting.cancel_count(
            uow,
            count=number,
            reason=body.reason,
            manager=who.user.can(Permission.ADJUST),
            user=who.user.username,
            clock=clock.current(),
        )
    return _out(found)


@router.get("/api/controlled/perpetual", **guarded(Permission.VIEW))
def get_perpetual(location: str, engine: EngineDep) -> dict[str, Any]:
    """Movements of scheduled products at a location with the running balance per product."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": controlled.perpetual_inventory(uow, location=location)}


@router.get("/api/controlled/biennial", **guarded(Permission.VIEW))
def get_biennial(engine: EngineDep, on: Day | None = None) -> dict[str, Any]:
    """Every scheduled product on hand at the close of ``on`` (today), Schedule II apart."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return controlled.biennial_inventory(
            uow, clock=clock.current(), registrant=load_settings().dea_registrant, on=on
        )
