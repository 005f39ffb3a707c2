"""The trace page (``/dscsa/trace``): search a serialised package or a lot; the answer shows
its transaction records, receipts, moves inside the hospital, status changes and dispenses, with
download links for its response package (JSON, EPCIS 1.2, printable HTML). The same use case and
JSON as ``rxsupply dscsa trace`` and ``/api/dscsa/trace``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock, trace_documents
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue, NotFound

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Text = Annotated[str, Query(max_length=200)]


@router.get("/dscsa/trace", **page_route(Permission.VIEW))
def trace_page(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    serial: Text = "",
    lot: Text = "",
    ndc: Text = "",
) -> Response:
    asked = {k: v.strip() for k, v in (("serial", serial), ("lot", lot), ("ndc", ndc)) if v.strip()}
    found, error, status = None, "", 200
    if asked:
        try:
            with SqlUnitOfWork(engine, readonly=True) as uow:
                found = trace_documents.run_trace(
                    uow,
                    serial=asked.get("serial"),
                    lot=asked.get("lot"),
                    ndc=asked.get("ndc"),
                    clock=clock.current(),
                )
        except NotFound as exc:
            error, status = str(exc), 404
        except InvalidValue as exc:
            error, status = str(exc), 422
    query = urlencode(asked)
    return render(
        request,
        "dscsa_trace.html",
        who,
        title="Trace",
        status_code=status,
        asked=asked,
        error=error,
        trace=None if found is None else found.as_dict(),
        subject="" if found is None else trace_documents.subject(found),
        downloads=[
            (fmt, f"/api/dscsa/trace/package?{query}&format={fmt}")
            for fmt in trace_documents.FORMATS
        ],
        json_link=f"/api/dscsa/trace?{query}",
    )
