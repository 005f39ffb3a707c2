"""``GET /api/kpi``: the dashboard's key figures as JSON, each with its definition; the same
function as the dashboard and ``rxsupply kpi`` (:func:`rxsupply.entrypoints.kpi.key_figures`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Day
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import guarded
from rxsupply.entrypoints.kpi import key_figures

router = APIRouter(prefix="/api")


@router.get("/kpi", **guarded(Permission.VIEW))
def get_kpi(engine: EngineDep, on: Day | None = None) -> dict[str, Any]:
    """Inventory value by location and ABC class, turns and days on hand, stock-outs now
    (stocked item-locations, vital first) and stock-out days over 30 days, the on-contract
    share of spend, and the vend-to-fill ratio of each cabinet; ``definitions`` says how each
    is computed. ``on``: the last day of the windows (today by default; not after today)."""
    now = clock.current()
    return key_figures(engine, zone=now.zone, today=now.today(), on=on)
