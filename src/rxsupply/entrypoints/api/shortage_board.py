"""JSON endpoints of the shortage board and contingency planning: the board (every formulary
item of an active shortage with its impact, riskiest first), one shortage's impact with the
chance of having run out by each week, the supplier stress test and the sole-source risk. The
same use cases as ``rxsupply shortages board | show | stress-test | risk``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Day, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import guarded
from rxsupply.services.shortage_board import shortage_board, shortage_impact
from rxsupply.services.shortage_bulletin import shortage_bulletin, weekly_summary
from rxsupply.services.stress_test import LEVEL, MAX_DAYS, stress_test, supply_risk

router = APIRouter(prefix="/api")


@router.get("/shortage-board", **guarded(Permission.VIEW))
def get_board(engine: EngineDep) -> list[dict[str, Any]]:
    """The shortage board: one object per formulary item of an active shortage (``shortage``,
    ``item``, ``match``, ``on_hand``, ``on_order``, ``daily_use``, ``days_of_supply``,
    ``projected_stockout`` (median), ``projected_stockout_p10`` (pessimistic), ``risk``,
    ``top_users``...), riskiest first; the same array as ``rxsupply shortages board --json``."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return [r.as_dict() for r in shortage_board(uow, clock=clock.current())]


@router.get("/shortages/{shortage_id}/impact", **guarded(Permission.VIEW))
def get_impact(shortage_id: RecordId, engine: EngineDep) -> list[dict[str, Any]]:
    """One shortage's impact on each item it matches, with ``curve``: the chance of having run
    out by each week of the projection."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = shortage_impact(uow, shortage_id, clock=clock.current())
    return [r.as_dict(curve=True) for r in rows]


@router.get("/stress-test", **guarded(Permission.VIEW))
def get_stress_test(
    engine: EngineDep,
    supplier: Annotated[str, Query(min_length=1, max_length=200)],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)],
    start: Annotated[Day | None, Query(description="First day out; today.")] = None,
    level: Annotated[float, Query(ge=0.5, lt=1)] = LEVEL,
) -> dict[str, Any]:
    """Which items run out if ``supplier`` (a manufacturer or a wholesaler) is unavailable for
    ``days`` days from ``start``, and the extra stock that would cover ``level`` of paths."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = stress_test(
            uow, supplier=supplier, days=days, start=start, level=level, clock=clock.current()
        )
    return found.as_dict()


@router.get("/supply-risk", **guarded(Permission.VIEW))
def get_supply_risk(
    engine: EngineDep,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="The outage to buffer.")] = 30,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 500,
) -> list[dict[str, Any]]:
    """Sole-source risk per item, highest first, with its reasons and, for vital items with
    one manufacturer, the buffer covering a ``days``-day outage."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = supply_risk(uow, clock=clock.current(), outage_days=days)
    return [r.as_dict() for r in found[:limit]]


@router.get("/shortages/{shortage_id}/bulletin", **guarded(Permission.VIEW))
def get_bulletin(shortage_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """A shortage's bulletin: status, impact, alternatives, conservation steps and the expected
    end (as Markdown: the web page ``/shortages/{id}/bulletin.md``)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return shortage_bulletin(uow, shortage_id, clock=clock.current()).as_dict()


@router.get("/shortage-summary", **guarded(Permission.VIEW))
def get_weekly(engine: EngineDep) -> dict[str, Any]:
    """The weekly summary: every active shortage with its riskiest item, and the shortages
    that started and ended in the last seven days."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return weekly_summary(uow, clock=clock.current()).as_dict()
