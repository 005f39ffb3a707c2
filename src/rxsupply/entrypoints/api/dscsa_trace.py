"""JSON endpoints of a trace (DSCSA, issue 14 item 7): a serialised package or a lot, where it
came from, every move inside the hospital and where and when it was dispensed; and its response
package as JSON, an EPCIS 1.2 document or a printable HTML page. The same use cases as
``rxsupply dscsa trace``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock, trace_documents
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import guarded

router = APIRouter(prefix="/api/dscsa")
Serial = Annotated[
    str | None,
    Query(
        description="A serialised package: 01<GTIN>21<serial>, GTIN:SERIAL (or NDC:SERIAL), or "
        "the serial alone when one package carries it.",
        max_length=200,
    ),
]
Lot = Annotated[str | None, Query(description="A lot number.", max_length=40)]
Ndc = Annotated[
    str | None, Query(description="With lot: the lot's product (NDC or GTIN).", max_length=20)
]


@router.get("/trace", **guarded(Permission.VIEW))
def get_trace(
    engine: EngineDep, serial: Serial = None, lot: Lot = None, ndc: Ndc = None
) -> dict[str, Any]:
    """The trace of a serial or a lot (one of them): ``transaction_records``, ``receipts``
    (with their order and seller), ``moves``, ``status_changes``, ``dispenses`` (location,
    cabinet, ward), ``notes``. 404 when nothing carries it; 422 naming the field for a bad
    request or a serial several packages carry."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = trace_documents.run_trace(
            uow, serial=serial, lot=lot, ndc=ndc, clock=clock.current()
        )
    return found.as_dict()


@router.get("/trace/package", **guarded(Permission.VIEW))
def get_trace_package(
    engine: EngineDep,
    serial: Serial = None,
    lot: Lot = None,
    ndc: Ndc = None,
    format: Annotated[
        Literal["json", "epcis", "html"],
        Query(description="JSON, an EPCIS 1.2 XML document, or a printable HTML page."),
    ] = "json",
) -> Response:
    """The trace's response package in one format, as a download (HTML shown inline)."""
    now = clock.current()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = trace_documents.run_trace(uow, serial=serial, lot=lot, ndc=ndc, clock=now)
    media, _ = trace_documents.FORMATS[format]
    body = trace_documents.package_bytes(found, format, zone=now.zone)
    name = trace_documents.file_name(found, format)
    how = "inline" if format == "html" else "attachment"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'{how}; filename="{name}"'}
    )
