"""The dashboard (``/``): the key figures with their definitions, the same numbers as
``GET /api/kpi`` and ``rxsupply kpi`` (:func:`rxsupply.entrypoints.kpi.key_figures`), plus the
unusable stock tile and the lots expiring soon."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from rxsupply.adapters import queries
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.kpi import key_figures
from rxsupply.entrypoints.web import charts
from rxsupply.entrypoints.web.rendering import EXPIRY_DAYS, formats_of, page_route, render

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]


@router.get("/", **page_route(Permission.VIEW))
def dashboard(request: Request, who: Viewer, engine: EngineDep) -> Response:
    formats = formats_of(request)
    today = formats.today()
    figures = key_figures(engine, zone=formats.zone, today=today)
    with engine.connect() as conn:
        unusable = queries.unusable_totals(conn, today=today)
        expiring = queries.stock_rows(
            conn,
            queries.StockFilter(expiring_before=today + timedelta(days=EXPIRY_DAYS), limit=500),
        )
    expiring.sort(key=lambda r: (r["expiry"] or "", r["item"] or "", r["location"]))
    by_location = figures["value_by_location"]
    by_class = figures["value_by_class"]
    return render(
        request,
        "dashboard.html",
        who,
        title="Dashboard",
        charts=True,
        kpi=figures,
        by_location=by_location,
        value_chart=charts.value_by_location(by_location) if by_location else None,
        class_chart=charts.value_by_class(by_class) if by_class else None,
        vend_chart=(
            charts.vend_to_fill(figures["vend_to_fill"])
            if any(r["ratio"] is not None for r in figures["vend_to_fill"])
            else None
        ),
        turns=figures["turns"],
        zero=figures["stock_outs"]["lines"],
        zero_count=figures["stock_outs"]["count"],
        unusable=unusable,
        expiring=expiring,
    )
