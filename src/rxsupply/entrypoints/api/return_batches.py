"""JSON endpoints of return batches (the same use cases as ``rxsupply returns batch ...``):
build from eligible lots, the manifest per stream (CSV or printable HTML), a Schedule II line's
Form 222 number, shipping through the ledger, the credit memo and its reconciliation, the aging
of credit outstanding, and Form 41 destructions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.fields import UNITS_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Day, Line, Lot, Note, RecordId, Units
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.entrypoints.return_documents import manifest_csv, manifest_html
from rxsupply.entrypoints.verification import router_for
from rxsupply.services import returns

router = APIRouter(prefix="/api")
Returner = Annotated[Caller, Depends(REQUIRES[Permission.RETURN_TO_VENDOR])]
Stream = Literal["creditable", "hazardous", "non_hazardous", "controlled"]
MONEY_LIMIT = Decimal("1e10")
"""No credit at or above ten billion (:func:`rxsupply.domain.fields.parse_money`'s bound)."""


class LotIn(BaseModel):
    ndc: Code
    lot: Lot


class BatchIn(BaseModel):
    lots: list[LotIn] | None = Field(
        None,
        description="The lots to return (at least one); left out: every lot eligible today.",
        max_length=500,
    )
    distributor: Line = Field("", description="The reverse distributor.")
    note: Note = ""


@router.get("/returns/batches", **guarded(Permission.VIEW))
def get_batches(
    engine: EngineDep,
    status: Annotated[Literal["open", "shipped"] | None, Query()] = None,
) -> dict[str, Any]:
    """The return batches, newest first, with their lines."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": [b.as_dict() for b in returns.list_batches(uow, status=status)]}


@router.post("/returns/batches", status_code=201, **guarded(Permission.RETURN_TO_VENDOR))
def post_batch(body: BatchIn, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """A batch of the lots named, or of every eligible lot (409 with why for a lot not
    eligible)."""
    with SqlUnitOfWork(engine) as uow:
        batch = returns.create_return_batch(
            uow,
            lots=None if body.lots is None else [(x.ndc, x.lot) for x in body.lots],
            distributor=body.distributor,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return batch.as_dict()


@router.get("/returns/batches/{number}", **guarded(Permission.VIEW))
def get_batch(number: str, engine: EngineDep) -> dict[str, Any]:
    """A batch and its lines, each with its pick list (``places``: where an open batch takes
    its units from, where a shipped one took them from; never a cabinet's pockets) and, for a
    saleable line, the product identifiers of its packages (``identifiers``: GTIN, serial,
    lot, expiry, and ``verified`` once shipped)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        batch = returns.find_batch(uow, number)
        picks = returns.pick_list(uow, batch, today=clock.current().today())
        ids = returns.batch_identifiers(uow, batch, today=clock.current().today())
    out = batch.as_dict()
    out["lines"] = [
        x.as_dict()
        | {"places": picks.get(x.line_number, []), "identifiers": ids.get(x.line_number, [])}
        for x in batch.lines
    ]
    return out


@router.get("/returns/batches/{number}/manifest", **guarded(Permission.VIEW))
def get_manifest(
    number: str,
    engine: EngineDep,
    stream: Annotated[Stream | None, Query(description="One stream (default all).")] = None,
    format: Annotated[Literal["csv", "html"], Query(description="CSV or printable HTML.")] = "csv",
) -> Response:
    """The batch's manifest: CSV with a header, or a printable HTML page."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        batch = returns.find_batch(uow, number)
    rows = returns.manifest(batch, stream)
    if format == "html":
        page = manifest_html(batch, rows, stream=stream, today=clock.current().today())
        return Response(page, media_type="text/html; charset=utf-8")
    name = f"{batch.number}-{stream or 'all'}.csv"
    return Response(
        manifest_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class Form222In(BaseModel):
    line: RecordId = Field(description="The Schedule II line's number.")
    form_222: Line = Field(description="The DEA Form 222 serial or CSOS order number.")


@router.put("/returns/batches/{number}/form-222", **guarded(Permission.RETURN_TO_VENDOR))
def put_form_222(number: str, body: Form222In, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Record a Schedule II line's Form 222 number (needed before the batch ships)."""
    with SqlUnitOfWork(engine) as uow:
        batch = returns.set_form_222(
            uow,
            batch=number,
            line=body.line,
            form_222=body.form_222,
            user=who.user.username,
            clock=clock.current(),
        )
    return batch.as_dict()


@router.post("/returns/batches/{number}/ship", **guarded(Permission.RETURN_TO_VENDOR))
def post_ship(number: str, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Ship the batch through the ledger, once (409 for a Schedule II line without its Form
    222 number, or when a package of a saleable line fails its verification: the batch is
    held, each package named with why). Saleable lines' packages are verified first, through
    RXSUPPLY_VERIFICATION_ROUTER when it is set."""
    with SqlUnitOfWork(engine) as uow:
        batch = returns.ship_return_batch(
            uow,
            batch=number,
            user=who.user.username,
            clock=clock.current(),
            limits=load_settings().limits(),
            router=router_for(),
        )
    return batch.as_dict()


class MemoLineIn(BaseModel):
    ndc: Code = Field(max_length=20)
    lot: Lot = Field(max_length=40)
    quantity: int = Field(ge=0, le=UNITS_LIMIT)
    credit: Decimal = Field(ge=0, lt=MONEY_LIMIT, allow_inf_nan=False)


class MemoIn(BaseModel):
    memo_number: Line
    memo_date: Day
    lines: list[MemoLineIn]


@router.post("/returns/batches/{number}/memos", **guarded(Permission.RETURN_TO_VENDOR))
def post_memo(number: str, body: MemoIn, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Enter a credit memo's lines; answers the batch's reconciliation."""
    with SqlUnitOfWork(engine) as uow:
        return returns.enter_credit_memo(
            uow,
            batch=number,
            memo_number=body.memo_number,
            memo_date=body.memo_date,
            lines=[returns.MemoEntry(x.ndc, x.lot, x.quantity, x.credit) for x in body.lines],
            user=who.user.username,
            clock=clock.current(),
        )


@router.get("/returns/batches/{number}/reconciliation", **guarded(Permission.VIEW))
def get_reconciliation(number: str, engine: EngineDep) -> dict[str, Any]:
    """Each line against the credit memos: matched, short_paid, not_credited; not_shipped
    for a credit of a lot the batch did not ship; and the totals."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return returns.reconcile_batch(uow, batch=number)


@router.get("/returns/aging", **guarded(Permission.VIEW))
def get_aging(engine: EngineDep) -> dict[str, Any]:
    """Credit outstanding by shipped batch and days since shipped, and by bucket."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return returns.credit_aging(uow, clock=clock.current())


class WitnessIn(BaseModel):
    username: Line
    password: str


class DestructionIn(BaseModel):
    product: Code = Field(description="The controlled product (an NDC).")
    lot: Lot
    location: Code
    quantity: Units
    method: Line = Field(description="How it was destroyed.")
    witnesses: list[WitnessIn] = Field(description="Two witnesses, each with their password.")
    note: Note = ""


@router.get("/returns/destructions", **guarded(Permission.VIEW))
def get_destructions(engine: EngineDep) -> dict[str, Any]:
    """The Form 41 destruction records, newest first."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": [d.as_dict() for d in returns.list_destructions(uow)]}


@router.post("/returns/destructions", status_code=201, **guarded(Permission.RETURN_TO_VENDOR))
def post_destruction(body: DestructionIn, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Destroy units of a controlled lot on a DEA Form 41 record, with two witnesses who each
    sign with their password (422 with one)."""
    signed = [approval_of(engine, w.username, w.password) for w in body.witnesses]
    with SqlUnitOfWork(engine) as uow:
        done = returns.destroy_controlled(
            uow,
            product=body.product,
            lot=body.lot,
            location=body.location,
            quantity=body.quantity,
            method=body.method,
            witnesses=[s for s in signed if s is not None],
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
            limits=load_settings().limits(),
        )
    return done.as_dict()
