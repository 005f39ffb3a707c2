"""JSON endpoints under /api: the same service and query functions the CLI calls."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from rxsupply.adapters import queries
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints.api.security import (
    DEFERRED,
    PUBLIC,
    REQUIRES,
    Caller,
    CallerDep,
    Deferred,
    guarded,
    guarded_in_batch,
)
from rxsupply.entrypoints.api.writer import LedgerWriter
from rxsupply.entrypoints.clock import facility_zone, local_today, now
from rxsupply.errors import NotFound
from rxsupply.services import ledger, scanning, users

router = APIRouter(prefix="/api")
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip.")]


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(engine_of)]


def writer_of(request: Request) -> LedgerWriter:
    """The process's batching writer of receipts and dispenses."""
    writer: LedgerWriter = request.app.state.writer
    return writer


def page(rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """A page of a list: ``data`` plus where the next page starts (null on the last).

    Callers fetch ``limit + 1`` rows; the extra row only says that another page exists."""
    more = len(rows) > limit
    return {
        "data": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


# --- reading -----------------------------------------------------------------------------


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
    search: str | None = None,
    item: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.product_rows(conn, search=search, item=item, limit=limit + 1, offset=offset)
    return page(rows, limit, offset)


@router.get("/locations", **guarded(Permission.VIEW))
def list_locations(
    engine: EngineDep,
    kind: str | None = None,
    parent: str | None = None,
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
    item: str | None = None,
    location: str | None = None,
    ndc: str | None = None,
    search: str | None = None,
    expiring_before: date | None = None,
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


@router.get("/ledger", **guarded(Permission.VIEW))
def list_ledger(
    engine: EngineDep,
    item: str | None = None,
    ndc: str | None = None,
    location: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.ledger_rows(
            conn, item=item, ndc=ndc, location=location, limit=limit + 1, offset=offset
        )
    return page(rows, limit, offset)


@router.get("/check", **guarded(Permission.VIEW))
def check_ledger(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = queries.check_rows(conn)
    return {"ok": not rows, "differences": rows}


@router.get("/audit", **guarded(Permission.VIEW_AUDIT))
def list_audit(
    engine: EngineDep,
    user: str | None = None,
    action: str | None = None,
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
    identifier = parse_scan(body.data, today=local_today())
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return scanning.identify(uow, identifier).as_dict()


# --- writing -----------------------------------------------------------------------------


def posted(result: ledger.Posted) -> dict[str, object]:
    return result.as_dict()


class ReceiptIn(BaseModel):
    location: str
    product: str = Field(description="NDC (any form) or GTIN-14.")
    lot: str = Field(max_length=ledger.LOT_LENGTH)
    expiry: date | None = None
    quantity: int = Field(gt=0, description="Dispense units.")
    reference: str = Field("", max_length=ledger.REFERENCE_LENGTH)
    external_id: str | None = Field(
        None, max_length=ledger.EXTERNAL_ID_LENGTH - 4, description="A resend is a no-op."
    )


@router.post("/receipts", status_code=201, **guarded_in_batch(Permission.RECEIVE))
async def post_receipt(
    body: ReceiptIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.RECEIVE])],
) -> dict[str, Any]:
    command = ledger.Receipt(
        location=body.location,
        product=body.product,
        lot=body.lot,
        expiry=body.expiry,
        quantity=body.quantity,
        reference=body.reference,
        external_id=f"api:{body.external_id}" if body.external_id else None,
    )
    return posted(await writer_of(request).post(command, who))


class TransferIn(BaseModel):
    from_location: str
    to_location: str
    item: str | None = None
    product: str | None = None
    lot: str | None = None
    quantity: int = Field(gt=0)
    refill: bool = False
    external_id: str | None = None


@router.post("/transfers", status_code=201, **guarded(Permission.TRANSFER))
def post_transfer(
    body: TransferIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])],
) -> dict[str, Any]:
    kind = MovementKind.REFILL if body.refill else MovementKind.TRANSFER
    return posted(
        run_with_retry(
            engine,
            lambda uow: ledger.transfer(
                uow,
                from_location=body.from_location,
                to_location=body.to_location,
                item=body.item,
                product=body.product,
                lot=body.lot,
                quantity=body.quantity,
                kind=kind,
                now=now(),
                external_id=f"api:{body.external_id}" if body.external_id else None,
                user=who.user.username,
            ),
        )
    )


class DispenseIn(BaseModel):
    location: str
    item: str | None = None
    product: str | None = None
    quantity: int = Field(gt=0)
    kind: Literal["dispense", "return", "waste"] = "dispense"
    external_id: str | None = Field(
        None,
        max_length=ledger.EXTERNAL_ID_LENGTH - 4,
        description="ADC transaction id: a resend is a no-op.",
    )
    occurred_at: datetime | None = None


@router.post("/dispenses", status_code=201, **guarded_in_batch(Permission.DISPENSE))
async def post_dispense(
    body: DispenseIn,
    request: Request,
    who: Annotated[Deferred, Depends(DEFERRED[Permission.DISPENSE])],
) -> dict[str, Any]:
    kind = {
        "dispense": MovementKind.DISPENSE,
        "return": MovementKind.PATIENT_RETURN,
        "waste": MovementKind.WASTE,
    }[body.kind]
    when = None
    if body.occurred_at is not None:  # a time without an offset is the facility's local time
        stamp = body.occurred_at
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=facility_zone())
        when = stamp.astimezone(UTC)
    command = ledger.Dispense(
        location=body.location,
        item=body.item,
        product=body.product,
        quantity=body.quantity,
        kind=kind,
        occurred_at=when,
        external_id=f"txn:{body.external_id}" if body.external_id else None,
    )
    return posted(await writer_of(request).post(command, who))


class AdjustmentIn(BaseModel):
    location: str
    product: str
    lot: str
    quantity: int = Field(description="Signed change in dispense units.")
    reason: str
    count: bool = False


@router.post("/adjustments", status_code=201, **guarded(Permission.ADJUST))
def post_adjustment(
    body: AdjustmentIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])],
) -> dict[str, Any]:
    kind = MovementKind.COUNT_VARIANCE if body.count else MovementKind.ADJUSTMENT
    return posted(
        run_with_retry(
            engine,
            lambda uow: ledger.adjust(
                uow,
                location=body.location,
                product=body.product,
                lot=body.lot,
                quantity=body.quantity,
                reason=body.reason,
                kind=kind,
                now=now(),
                user=who.user.username,
            ),
        )
    )


# --- users -------------------------------------------------------------------------------


@router.get("/users", **guarded(Permission.MANAGE_USERS))
def list_users(engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "active": u.active,
            }
            for u in uow.users.all()
        ]
    return {"data": rows, "limit": len(rows), "offset": 0, "next_offset": None}


class UserIn(BaseModel):
    username: str
    display_name: str = ""
    role: Role
    password: str


@router.post("/users", status_code=201, **guarded(Permission.MANAGE_USERS))
def add_user(
    body: UserIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.MANAGE_USERS])],
) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        u = users.add_user(
            uow,
            Argon2Hasher(),
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            password=body.password,
            now=now(),
            by=who.user.username,
        )
    return {
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.value,
        "active": u.active,
    }


@router.get("/health", tags=["health"], **PUBLIC)
def health_under_api(engine: EngineDep) -> dict[str, str]:
    return health_status(engine)


def health_status(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok", "database": engine.dialect.name}
