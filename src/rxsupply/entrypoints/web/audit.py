"""The audit trail a compliance officer reads, and its export.

``/audit`` lists entries newest first (by user or action) with each stock line in words: NDC,
product, lot and expiry, location code and name, on hand before and after. ``/audit.csv`` and
``/audit.xlsx`` export the same filtered entries (one row per stock line, at most
:data:`EXPORT_ROWS` entries) through the shared spreadsheet writer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import queries
from rxsupply.adapters.queries.audit import AUDIT_COLUMNS, audit_export_rows
from rxsupply.adapters.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_text, xlsx_bytes
from rxsupply.domain.fields import parse_offset
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.rendering import formats_of, page_route, pager, query_string, render

router = APIRouter()
Auditor = Annotated[Caller, Depends(REQUIRES[Permission.VIEW_AUDIT])]
LIST_PAGE = 100
EXPORT_ROWS = 50_000


@router.get("/audit", **page_route(Permission.VIEW_AUDIT))
def audit(
    request: Request,
    who: Auditor,
    engine: EngineDep,
    user: str = "",
    action: str = "",
    offset: str = "0",
) -> Response:
    start = parse_offset(offset)
    with engine.connect() as conn:
        rows = queries.audit_rows(
            conn,
            user=user.strip() or None,
            action=action.strip() or None,
            limit=LIST_PAGE + 1,
            offset=start,
        )
    params = {"user": user, "action": action}
    return render(
        request,
        "audit.html",
        who,
        title="Audit trail",
        rows=rows[:LIST_PAGE],
        params=params,
        export=query_string(params),
        pages=pager(params, offset=start, limit=LIST_PAGE, more=len(rows) > LIST_PAGE),
    )


def _export(request: Request, engine: Engine, kind: str, user: str, action: str) -> Response:
    with engine.connect() as conn:
        rows = queries.audit_rows(
            conn, user=user.strip() or None, action=action.strip() or None, limit=EXPORT_ROWS
        )
    flat = audit_export_rows(rows)
    zone = formats_of(request).zone
    disposition = {"Content-Disposition": f'attachment; filename="audit.{kind}"'}
    if kind == "csv":
        text = csv_text(AUDIT_COLUMNS, flat, zone=zone)
        return Response(text, media_type=CSV_TYPE, headers=disposition)
    book = xlsx_bytes(AUDIT_COLUMNS, flat, sheet="Audit trail", zone=zone)
    return Response(book, media_type=XLSX_TYPE, headers=disposition)


@router.get("/audit.csv", **page_route(Permission.VIEW_AUDIT))
def audit_csv(
    request: Request, who: Auditor, engine: EngineDep, user: str = "", action: str = ""
) -> Response:
    """The filtered audit trail as CSV (one row per stock line; see AUDIT_COLUMNS)."""
    return _export(request, engine, "csv", user, action)


@router.get("/audit.xlsx", **page_route(Permission.VIEW_AUDIT))
def audit_xlsx(
    request: Request, who: Auditor, engine: EngineDep, user: str = "", action: str = ""
) -> Response:
    """The filtered audit trail as Excel: the CSV's columns, typed."""
    return _export(request, engine, "xlsx", user, action)
