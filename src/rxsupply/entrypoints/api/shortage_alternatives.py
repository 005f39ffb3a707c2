"""JSON endpoints of a shortage's alternatives and of the therapeutic alternatives table: the
same use cases as ``rxsupply shortages alternatives`` and ``rxsupply shortages therapeutic``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, UploadFile
from pydantic import BaseModel, Field

from rxsupply.adapters.csv_files import read_csv_bytes
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, Note, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.errors import InvalidValue
from rxsupply.services import therapeutic_alternatives as table_service
from rxsupply.services.alternatives import find_alternatives

router = APIRouter(prefix="/api")
Importer = Annotated[Caller, Depends(REQUIRES[Permission.IMPORT])]
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
MAX_UPLOAD = 5 * 1024 * 1024
"""The largest therapeutic alternatives file taken."""
ItemQuery = Annotated[str, Query(description="The item's code.")]
AlternativeQuery = Annotated[str, Query(description="The code of the item given instead.")]


@router.get("/shortages/{shortage_id}/alternatives", **guarded(Permission.VIEW))
def get_alternatives(
    shortage_id: RecordId,
    engine: EngineDep,
    item: Annotated[str | None, Query(description="Only this matched item.")] = None,
) -> dict[str, Any]:
    """What may stand in for each item of the shortage: ``same_product`` (other products of
    the same ingredients, strength and form, from the catalogue and the NDC Directory, with
    price, stock and availability), ``therapeutic`` (the table's rows with the alternative's
    stock and shortages), ``secondary_wholesalers`` and ``direct`` purchase."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = find_alternatives(uow, shortage_id=shortage_id, item=item, clock=clock.current())
    return found.as_dict()


@router.get("/therapeutic-alternatives", **guarded(Permission.VIEW))
def get_therapeutic(
    engine: EngineDep,
    item: Annotated[str | None, Query(description="Only this item's rows.")] = None,
) -> dict[str, Any]:
    """The therapeutic alternatives table, by item then alternative."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = table_service.list_therapeutic_alternatives(uow, item=item)
    return {"data": [r.as_dict() for r in rows]}


class TherapeuticIn(BaseModel):
    item: Code = Field(description="The item's code.")
    alternative: Line = Field(description="The code of the item that may be given instead.")
    note: Note = Field(description="How to convert: 'ondansetron 4 mg IV ~ granisetron 1 mg IV'.")
    ratio: Decimal | None = Field(
        None, description="The alternative's dose per unit of the item's dose (0.25)."
    )


@router.post("/therapeutic-alternatives", status_code=201, **guarded(Permission.PURCHASE))
def post_therapeutic(body: TherapeuticIn, engine: EngineDep, who: Buyer) -> dict[str, Any]:
    """Record that an item may be given instead of another; the same pair again replaces its
    note and ratio."""
    with SqlUnitOfWork(engine) as uow:
        row = table_service.add_therapeutic_alternative(
            uow,
            item=body.item,
            alternative=body.alternative,
            note=body.note,
            ratio=body.ratio,
            user=who.user.username,
            clock=clock.current(),
        )
    return row.as_dict()


@router.delete("/therapeutic-alternatives", **guarded(Permission.PURCHASE))
def delete_therapeutic(
    item: ItemQuery, alternative: AlternativeQuery, engine: EngineDep, who: Buyer
) -> dict[str, Any]:
    """Remove a row of the table (404 when there is none); answers the row removed."""
    with SqlUnitOfWork(engine) as uow:
        row = table_service.remove_therapeutic_alternative(
            uow, item=item, alternative=alternative, user=who.user.username, clock=clock.current()
        )
    return row.as_dict()


@router.post("/therapeutic-alternatives/import", **guarded(Permission.IMPORT))
def post_therapeutic_import(file: UploadFile, engine: EngineDep, who: Importer) -> dict[str, Any]:
    """Import rows of the table from a CSV upload (multipart field ``file``: item_code,
    alternative_code, note, optional ratio). 422 with each bad row (file, row, field, reason)
    when the file is refused; nothing is written then."""
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidValue("file", f"larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    required, optional = table_service.THERAPEUTIC_COLUMNS
    table = read_csv_bytes(
        file.filename or "upload.csv", data, required=required, optional=optional
    )
    cap = load_settings().import_error_cap
    result = run_with_retry(
        engine,
        lambda uow: table_service.import_therapeutic_alternatives(
            uow, table, user=who.user.username, clock=clock.current(), cap=cap
        ),
    )
    return result.as_dict()
