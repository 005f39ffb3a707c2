"""JSON endpoints of the drug shortage feed: the FDA list imported by upload, shortages listed
and shown (presentations, NDCs, matched items with the method, event log), a shortage added by
hand, a shortage resolved. The same use cases as ``rxsupply shortages``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, UploadFile
from pydantic import BaseModel, Field

from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, Note, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.errors import InvalidValue
from rxsupply.services import shortages
from rxsupply.services.shortage_feed import import_shortage_feed

router = APIRouter(prefix="/api")
Importer = Annotated[Caller, Depends(REQUIRES[Permission.IMPORT])]
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
MAX_UPLOAD = 50 * 1024 * 1024
"""The largest shortage file taken (the FDA's files are under 1 MB)."""


@router.post("/shortages/import", **guarded(Permission.IMPORT))
def post_shortage_import(file: UploadFile, engine: EngineDep, who: Importer) -> dict[str, Any]:
    """Import an FDA shortage file as published (multipart field ``file``: a yearly record
    file or the database's export). 422 with each bad row (file, row, line, field, reason)
    when the file is refused; nothing is written then."""
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidValue("file", f"larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    feed = read_shortage_bytes(file.filename or "upload.csv", data)
    cap = load_settings().import_error_cap
    result = run_with_retry(
        engine,
        lambda uow: import_shortage_feed(
            uow, feed, user=who.user.username, clock=clock.current(), cap=cap
        ),
    )
    return result.as_dict()


@router.get("/shortages", **guarded(Permission.VIEW))
def get_shortages(
    engine: EngineDep,
    active: Annotated[bool, Query(description="Only current shortages.")] = False,
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many.")] = 1000,
) -> dict[str, Any]:
    """Shortages, the latest updated first (without their presentations and events)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = shortages.list_shortages(uow, active=active, limit=limit)
    return {"data": [s.as_dict(details=False) for s in found]}


@router.get("/shortages/{shortage_id}", **guarded(Permission.VIEW))
def get_shortage(shortage_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """One shortage: its presentations and NDCs, the formulary items it touches with how each
    was matched (item, ndc, name_strength_form, name), its event log."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return shortages.get_shortage(uow, shortage_id).as_dict()


class ShortageIn(BaseModel):
    item: Code = Field(description="The formulary item's code.")
    reason: Line = Field(description="Why: a wholesaler's backorder, a manufacturer's letter.")
    ndc: Code | None = Field(None, description="Only this product of the item.")
    note: Note = ""


@router.post("/shortages", status_code=201, **guarded(Permission.PURCHASE))
def post_shortage(body: ShortageIn, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Record a shortage of an item by hand; again while current: its reason updated; after
    it was resolved: reopened."""
    with SqlUnitOfWork(engine) as uow:
        done = shortages.add_shortage(
            uow,
            item=body.item,
            reason=body.reason,
            ndc=body.ndc,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()


class ResolveIn(BaseModel):
    note: Note = ""


@router.post("/shortages/{shortage_id}/resolve", **guarded(Permission.PURCHASE))
def post_resolve(
    shortage_id: RecordId, body: ResolveIn, engine: EngineDep, who: Buyer
) -> dict[str, Any]:
    """Mark a shortage resolved today (409 when it is resolved already)."""
    with SqlUnitOfWork(engine) as uow:
        done = shortages.resolve_shortage(
            uow,
            shortage_id=shortage_id,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()
