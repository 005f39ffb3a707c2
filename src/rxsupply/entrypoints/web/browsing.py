"""Reading pages: stock browser, item, locations and ledger (the dashboard is in
:mod:`.dashboard`, the audit trail in :mod:`.audit`).

Each calls the same query functions as the JSON endpoint that shows the same data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import planning_queries, queries
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import parse_offset
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web import charts
from rxsupply.entrypoints.web.rendering import (
    formats_of,
    page_route,
    pager,
    render,
)
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services import scanning
from rxsupply.services.references import find_product

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
STOCK_PAGE = 50
LIST_PAGE = 100
USAGE_DAYS = 730


def offset_of(text: str) -> int:
    """A list page's ``offset``: :func:`rxsupply.domain.fields.parse_offset`."""
    return parse_offset(text)


def stocking_locations(engine: Engine) -> list[dict[str, Any]]:
    """Storerooms, satellites and cabinets (not pockets): the choices of location fields."""
    with engine.connect() as conn:
        rows = queries.location_rows(conn, limit=100_000)
    return [r for r in rows if r["kind"] in ("storeroom", "satellite", "adc")]


# --- stock -------------------------------------------------------------------------------


@dataclass(slots=True)
class Search:
    """What the stock search box held: a name, an NDC (any form) or a scanned barcode."""

    text: str
    ndc: str | None = None
    name: str | None = None
    scanned: dict[str, Any] | None = None
    error: str = ""
    kind: str = "name"


def looks_like_scan(text: str) -> bool:
    t = text.strip()
    if t.startswith(("]", "(", "http://", "https://")) or any(
        sep in t for sep in ("\x1d", "<GS>", "{GS}")
    ):
        return True
    return t.isdigit() and (len(t) in (8, 12, 13, 14) or (len(t) > 16 and t.startswith("01")))


def looks_like_ndc(text: str) -> bool:
    t = text.strip()
    digits = t.replace("-", "")
    return bool(t) and digits.isdigit() and len(digits) in (10, 11)


def read_search(engine: Engine, text: str, request: Request) -> Search:
    """Turn the search box into a stock filter; errors are returned, not raised."""
    if not text.strip():
        return Search(text)
    try:
        if looks_like_scan(text):
            identifier = parse_scan(text, today=formats_of(request).today(), require_dscsa=False)
            with SqlUnitOfWork(engine, readonly=True) as uow:
                found = scanning.identify(uow, identifier).as_dict()
            return Search(text, ndc=str(found["ndc"]), scanned=found, kind="scan")
        if looks_like_ndc(text):
            with SqlUnitOfWork(engine, readonly=True) as uow:
                product = find_product(uow, text)
            return Search(text, ndc=str(product.ndc), kind="ndc")
    except (InvalidValue, NotFound) as exc:
        return Search(text, error=str(exc), kind="scan" if looks_like_scan(text) else "ndc")
    return Search(text, name=text.strip())


@router.get("/stock", **page_route(Permission.VIEW))
def stock(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    q: str = "",
    location: str = "",
    item: str = "",
    offset: str = "0",
) -> Response:
    start = offset_of(offset)
    search = read_search(engine, q, request)
    rows: list[dict[str, Any]] = []
    if not search.error:
        f = queries.StockFilter(
            item=item.strip() or None,
            location=location.strip() or None,
            ndc=search.ndc,
            search=search.name,
            limit=STOCK_PAGE + 1,
            offset=start,
        )
        with engine.connect() as conn:
            rows = queries.stock_rows(conn, f)
    with engine.connect() as conn:
        items = queries.item_rows(conn, limit=5000)
    params = {"q": q, "location": location, "item": item}
    return render(
        request,
        "stock.html",
        who,
        title="Stock",
        search=search,
        rows=rows[:STOCK_PAGE],
        params=params,
        pages=pager(params, offset=start, limit=STOCK_PAGE, more=len(rows) > STOCK_PAGE),
        locations=stocking_locations(engine),
        items=items,
    )


# --- items and locations -----------------------------------------------------------------


@router.get("/items/{code}", **page_route(Permission.VIEW))
def item_page(request: Request, code: str, who: Viewer, engine: EngineDep) -> Response:
    today = formats_of(request).today()
    with engine.connect() as conn:
        found = [r for r in queries.item_rows(conn, search=code, limit=50) if r["code"] == code]
        if not found:
            raise NotFound("item", code)
        products = queries.product_rows(conn, item=code, limit=1000)
        lots = queries.stock_rows(conn, queries.StockFilter(item=code, limit=5000))
        usage = queries.daily_usage(
            conn,
            item=code,
            since=today - timedelta(days=USAGE_DAYS - 1),
            until=today,
            zone=formats_of(request).zone,
        )
        planned = planning_queries.item_forecast(
            conn, item=code, today=today, zone=formats_of(request).zone
        )
    by_location: dict[str, dict[str, Any]] = {}
    for r in lots:
        row = by_location.setdefault(
            r["location"], {"location": r["location"], "units": 0, "value": Decimal(0)}
        )
        row["units"] += r["quantity"]
        row["value"] += Decimal(r["value"] or 0)
    unit = products[0]["dispense_unit"] if products else "units"
    used = sum(d["units"] for d in usage)
    return render(
        request,
        "item.html",
        who,
        title=found[0]["name"],
        charts=True,
        item=found[0],
        products=products,
        lots=lots,
        by_location=list(by_location.values()),
        usage_chart=charts.daily_usage(usage, unit=unit),
        forecast=planned,
        forecast_chart=forecast_chart(planned, unit=unit),
        can_plan=who.user.can(Permission.SET_LEVELS),
        usage_total=used,
        usage_daily=used / len(usage) if usage else 0.0,
        unit=unit,
    )


def forecast_chart(planned: dict[str, Any], *, unit: str) -> Markup:
    """The last days of use (bars) and the flat forecast of the days ahead (line)."""
    usage, ahead = planned["usage"], planned["forecast"]
    gap = float("nan")  # no bar ahead of today, no line behind it
    return charts.forecast_against_actual(
        [d["day"] for d in usage] + [d["day"] for d in ahead],
        [d["units"] for d in usage] + [None] * len(ahead),
        [gap] * len(usage) + [d["units"] for d in ahead],
        title=f"Daily use and forecast ({unit})",
        div_id="chart-forecast",
    )


@router.get("/locations", **page_route(Permission.VIEW))
def locations(request: Request, who: Viewer, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        rows = queries.location_rows(conn, limit=100_000)
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    pockets: dict[str, int] = defaultdict(int)
    in_pockets: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["kind"] == "pocket":
            pockets[r["parent"]] += 1
            in_pockets[r["parent"]] += r["on_hand"]
        else:
            children[r["parent"]].append(r)
    tree: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            tree.append(
                r
                | {
                    "depth": depth,
                    "pockets": pockets.get(r["code"], 0),
                    "on_hand": r["on_hand"] + in_pockets.get(r["code"], 0),
                }
            )
            walk(r["code"], depth + 1)

    codes = {r["code"] for r in rows}
    for root in [p for p in children if p is None or p not in codes]:
        walk(root, 0)
    return render(request, "locations.html", who, title="Locations", tree=tree)


@router.get("/locations/{code}", **page_route(Permission.VIEW))
def location_page(request: Request, code: str, who: Viewer, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        found = queries.location_rows(conn, code=code)
        if not found:
            raise NotFound("location", code)
        children = queries.location_rows(conn, parent=code)
        lots = queries.stock_rows(conn, queries.StockFilter(location=code, limit=5000))
    here = found[0]
    pockets = [
        c
        | {
            "fill": min(100.0, 100.0 * c["on_hand"] / c["capacity"]) if c["capacity"] else 0.0,
            "over": bool(c["capacity"]) and c["on_hand"] > c["capacity"],
        }
        for c in children
        if c["kind"] == "pocket"
    ]
    return render(
        request,
        "location.html",
        who,
        title=f"{here['code']} {here['name']}",
        charts=bool(pockets),
        location=here,
        units=sum(r["quantity"] for r in lots),
        children=[c for c in children if c["kind"] != "pocket"],
        pockets=pockets,
        pocket_chart=charts.pocket_fill(pockets) if pockets else None,
        lots=lots,
    )


# --- ledger --------------------------------------------------------------------------


@router.get("/ledger", **page_route(Permission.VIEW))
def ledger(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    item: str = "",
    ndc: str = "",
    location: str = "",
    offset: str = "0",
) -> Response:
    start = offset_of(offset)
    error = ""
    exact_ndc: str | None = None
    if ndc.strip():
        try:
            with SqlUnitOfWork(engine, readonly=True) as uow:
                exact_ndc = str(find_product(uow, ndc).ndc)
        except (InvalidValue, NotFound) as exc:
            error = str(exc)
    rows: list[dict[str, Any]] = []
    if not error:
        with engine.connect() as conn:
            rows = queries.ledger_rows(
                conn,
                item=item.strip() or None,
                ndc=exact_ndc,
                location=location.strip() or None,
                limit=LIST_PAGE + 1,
                offset=start,
            )
    params = {"item": item, "ndc": ndc, "location": location}
    return render(
        request,
        "ledger.html",
        who,
        title="Ledger",
        rows=rows[:LIST_PAGE],
        params=params,
        error=error,
        pages=pager(params, offset=start, limit=LIST_PAGE, more=len(rows) > LIST_PAGE),
    )
