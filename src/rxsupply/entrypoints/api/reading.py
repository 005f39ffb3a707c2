"""JSON endpoints that read: who I am, items, products, locations, stock (and what of it is
unusable), the ledger and its check, the audit trail, and identifying a scan. The same query
functions the CLI and the pages call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rxsupply.adapters import queries
from rxsupply.adapters.exclusive import exclusive
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit, Offset
from rxsupply.entrypoints.http.bounded import Code, Day, Line
from rxsupply.entrypoints.http.dependencies import EngineDep, page
from rxsupply.entrypoints.http.security import CallerDep, guarded
from rxsupply.errors import NotFound, TooManyRequests
from rxsupply.services import scanning
from rxsupply.services.ledger.chain_check import verify_ledger_chain

router = APIRouter(prefix="/api")


@router.get("/me", **guarded(Permission.VIEW))
def me(who: CallerDep) -> dict[str, Any]:
    u = who.user
    return {
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.value,
        "csrf_token": who.csrf,
    }


@router.get("/items", **guarded(Permission.VIEW))
def list_items(
    engine: EngineDep, search: str | None = None, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    with engine.connect() as conn:
        return page(
            queries.item_rows(conn, search=search, limit=limit + 1, offset=offset), limit, offset
        )


@router.get("/items/{code}", **guarded(Permission.VIEW))
def get_item(code: str, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        found = queries.item_rows(conn, code=code, limit=1)
        if not found:
            raise NotFound("item", code)
        return found[0] | {
            "products": queries.product_rows(conn, item=code, limit=1000),
            "stock": queries.stock_rows(conn, queries.StockFilter(item=code, limit=5000)),
        }


@router.get("/products", **guarded(Permission.VIEW))
def list_products(
    engine: EngineDep,
    search: Line | None = None,
    item: Code | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.product_rows(conn, search=search, item=item, limit=limit + 1, offset=offset)
    return page(rows, limit, offset)


@router.get("/locations", **guarded(Permission.VIEW))
def list_locations(
    engine: EngineDep,
    kind: Line | None = None,
    parent: Code | None = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.location_rows(conn, kind=kind, parent=parent, limit=limit + 1, offset=offset)
    return page(rows, limit, offset)


@router.get("/locations/{code}", **guarded(Permission.VIEW))
def get_location(code: str, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        found = queries.location_rows(conn, code=code)
        if not found:
            raise NotFound("location", code)
        return found[0] | {
            "children": queries.location_rows(conn, parent=code),
            "stock": queries.stock_rows(conn, queries.StockFilter(location=code, limit=5000)),
        }


@router.get("/stock", **guarded(Permission.VIEW))
def list_stock(
    engine: EngineDep,
    item: Code | None = None,
    location: Code | None = None,
    ndc: Code | None = None,
    search: Line | None = None,
    expiring_before: Day | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    f = queries.StockFilter(
        item=item,
        location=location,
        ndc=ndc,
        search=search,
        expiring_before=expiring_before,
        limit=limit + 1,
        offset=offset,
    )
    with engine.connect() as conn:
        return page(queries.stock_rows(conn, f), limit, offset)


@router.get("/stock/unusable", **guarded(Permission.VIEW))
def list_unusable_stock(
    engine: EngineDep, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Stock on hand that may not be handed out today (the facility's day): expired,
    quarantined, recalled or suspect, or in a quarantine location; one row per location, item,
    lot and reason, with ``totals`` (units, value, by reason, the locations holding the most
    value): what the dashboard's "Unusable stock" tile shows."""
    today = clock.local_today()
    with engine.connect() as conn:
        rows = queries.unusable_rows(conn, today=today, limit=limit + 1, offset=offset)
        totals = queries.unusable_totals(conn, today=today)
    return page(rows, limit, offset) | {"totals": totals}


@router.get("/ledger", **guarded(Permission.VIEW))
def list_ledger(
    engine: EngineDep,
    item: Code | None = None,
    ndc: Code | None = None,
    location: Code | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.ledger_rows(
            conn, item=item, ndc=ndc, location=location, limit=limit + 1, offset=offset
        )
    return page(rows, limit, offset)


@router.get("/check", **guarded(Permission.RUN_CHECKS))
def check_ledger(engine: EngineDep) -> dict[str, Any]:
    """Every on-hand that differs from the sum of its ledger, and the ledger chain's breaks:
    reads the whole ledger, so for managers and admins, and one at a time (a second call while
    one runs gets 429)."""
    with engine.connect() as conn, exclusive(conn, "ledger check") as alone:
        if not alone:
            raise TooManyRequests("a ledger check is already running; try again shortly", 30)
        rows = queries.check_rows(conn)
        with SqlUnitOfWork(engine, snapshot=True) as uow:
            chain = verify_ledger_chain(uow)
    return {"ok": not rows and chain.ok, "differences": rows, "chain": chain.as_dict()}


@router.get("/audit", **guarded(Permission.VIEW_AUDIT))
def list_audit(
    engine: EngineDep,
    user: Code | None = None,
    action: Line | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.audit_rows(conn, user=user, action=action, limit=limit + 1, offset=offset)
    return page(rows, limit, offset)


class ScanIn(BaseModel):
    data: str = Field(
        description="What the scanner sent (GS1 DataMatrix, GS1-128, "
        "human-readable or Digital Link)."
    )


@router.post("/scan", **guarded(Permission.VIEW))
def scan(body: ScanIn, engine: EngineDep) -> dict[str, object]:
    identifier = parse_scan(body.data, today=clock.local_today())
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return scanning.identify(uow, identifier).as_dict()
