"""The DSCSA transaction record pages: the imported EPCIS documents (``/dscsa/documents``,
optionally one purchase order's) and one document (``/dscsa/documents/{id}``) with its
transaction information per product, its statement, its parties and its packages by lot. The
same queries as ``rxsupply dscsa documents | document`` and ``/api/dscsa/documents``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.services.dscsa import documents as queries

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]


@router.get("/dscsa/documents", **page_route(Permission.VIEW))
def documents_page(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    order: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = queries.list_documents(uow, order=order)
    return render(
        request,
        "dscsa_documents.html",
        who,
        title="DSCSA transaction records",
        documents=[queries.summary(d) for d in found],
        order=order or "",
    )


@router.get("/dscsa/documents/{document_id}", **page_route(Permission.VIEW))
def document_page(
    request: Request, document_id: RecordId, who: Viewer, engine: EngineDep
) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = queries.show_document(uow, document_id=document_id).as_dict()
    return render(
        request,
        "dscsa_document.html",
        who,
        title=f"Transaction record {document_id}",
        document=found,
        tx=found["transaction"],
    )
