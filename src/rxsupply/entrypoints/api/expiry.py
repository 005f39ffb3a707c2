"""JSON endpoint of the expiry report (the same read model as ``rxsupply expiry report``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rxsupply.adapters.queries.expiry import expiry_rows, expiry_totals
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import guarded

router = APIRouter(prefix="/api")


@router.get("/expiry", **guarded(Permission.VIEW))
def get_expiry(
    engine: EngineDep,
    within_days: Annotated[int, Query(ge=0, le=3650, description="Expiring within.")] = 180,
) -> dict[str, Any]:
    """Lot-locations on hand expired or expiring within ``within_days`` days (``lots``: each
    with location, ndc, lot, expiry, quantity, value, window, item, stocking place, ABC class,
    wholesaler), and ``totals`` by window, place, class and wholesaler."""
    with engine.connect() as conn:
        rows = expiry_rows(conn, today=clock.current().today(), within_days=within_days)
    return {"lots": rows, "totals": expiry_totals(rows)}
