"""The expiry page (``/expiry``): the lots on hand that have expired or expire within N days,
with the totals by window, location, ABC class and wholesaler; the same read model as
``rxsupply expiry report`` and ``GET /api/expiry``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from rxsupply.adapters.queries.expiry import expiry_rows, expiry_totals
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.rendering import formats_of, page_route, render

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
CHOICES = (30, 60, 90, 180, 365)
SHOWN = 500


@router.get("/expiry", **page_route(Permission.VIEW))
def expiry_page(request: Request, who: Viewer, engine: EngineDep, days: str = "90") -> Response:
    within = int(days) if days.isascii() and days.isdigit() and int(days) in CHOICES else 90
    with engine.connect() as conn:
        rows = expiry_rows(conn, today=formats_of(request).today(), within_days=within)
    return render(
        request,
        "expiry.html",
        who,
        title="Expiry",
        rows=rows[:SHOWN],
        count=len(rows),
        totals=expiry_totals(rows),
        within=within,
        choices=CHOICES,
    )
