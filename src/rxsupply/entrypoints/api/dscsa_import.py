"""JSON endpoints of the DSCSA transaction records: an EPCIS document uploaded as the raw
request body and recorded (its TI and TS, packages and events), the documents listed, one
shown. The same use cases as ``rxsupply dscsa import-epcis | documents | document``.

The upload is spooled to a temporary file while it is hashed and counted: a body declared or
found larger than the cap is refused (413) before anything is parsed, and then the reader's
own walls apply (no DTD or entity, bounded depth); nothing is written for a refused
document. A signed-in browser session sends its CSRF token in the ``X-CSRF-Token`` header: the
body is the document and is never read as a form (a multipart form upload is refused)."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from rxsupply.adapters.epcis import DEFAULT_MAX_BYTES, read_epcis, schema_folder
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import RAW_REQUIRES, Caller, guarded, guarded_raw
from rxsupply.errors import DocumentRejected
from rxsupply.services.dscsa import documents as queries
from rxsupply.services.dscsa.importing import ImportedDocument, import_epcis

router = APIRouter(prefix="/api")
Receiver = Annotated[Caller, Depends(RAW_REQUIRES[Permission.RECEIVE])]
"""Who may upload: a receiver; with a session, the CSRF token in the X-CSRF-Token header
(the body is the document, never read as a form)."""
MAX_UPLOAD = DEFAULT_MAX_BYTES
"""The largest EPCIS document taken (512 MiB; a 100,000-event document is about 70 MB)."""


def too_large(name: str, cap: int) -> DocumentRejected:
    return DocumentRejected(
        name,
        f"byte {cap:,}",
        f"the document is larger than the {cap:,}-byte cap; nothing was read past it",
        "size",
    )


async def spool(chunks: AsyncIterator[bytes], into: IO[bytes], *, name: str, cap: int) -> str:
    """Write the chunks to ``into`` up to ``cap`` bytes, refusing one byte more; the SHA-256
    of what was written."""
    found = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise too_large(name, cap)
        found.update(chunk)
        into.write(chunk)
    into.flush()
    return found.hexdigest()


@router.post("/dscsa/documents", status_code=201, **guarded_raw(Permission.RECEIVE))
async def post_document(
    request: Request,
    response: Response,
    engine: EngineDep,
    who: Receiver,
    order: Annotated[
        str | None, Query(max_length=40, description="The purchase order it ships.")
    ] = None,
    facility: Annotated[
        str | None, Query(max_length=40, description="The receiving facility's code.")
    ] = None,
    file_name: Annotated[
        str, Query(min_length=1, max_length=255, description="The document's file name.")
    ] = "upload.xml",
) -> dict[str, Any]:
    """Record an EPCIS 1.2/2.0 XML or 2.0 JSON-LD document sent as the raw request body: 201
    with the document recorded, 200 when the same bytes were recorded before (nothing
    written). 413 when the body passes the size cap, 422 naming the place and the reason when
    the document is unsafe or invalid or ships nothing, or is sent as a multipart form, 404
    for an unknown order or facility; nothing is written then. Signed in with a session
    cookie, send its CSRF token in the ``X-CSRF-Token`` header (``GET /api/me``)."""
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise DocumentRejected(
            file_name,
            "",
            "a multipart form: send the EPCIS document itself as the request body "
            "(curl --data-binary @FILE), not as a form upload",
            "file",
        )
    cap = MAX_UPLOAD
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise too_large(file_name, cap)
    user = who.user.username
    at = clock.current()
    with tempfile.TemporaryDirectory(prefix="rxsupply-epcis-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as into:
            sha256 = await spool(request.stream(), into, name=file_name, cap=cap)

        def record() -> ImportedDocument:
            document = read_epcis(path, name=file_name, schemas=schema_folder(), max_bytes=cap)
            return run_with_retry(
                engine,
                lambda uow: import_epcis(
                    uow,
                    document=document,
                    file_name=file_name,
                    sha256=sha256,
                    facility=facility,
                    order=order,
                    user=user,
                    clock=at,
                ),
            )

        imported = await run_in_threadpool(record)
    if imported.already_imported:
        response.status_code = 200
    return imported.as_dict()


@router.get("/dscsa/documents", **guarded(Permission.VIEW))
def get_documents(
    engine: EngineDep,
    order: Annotated[str | None, Query(max_length=40, description="Only this order's.")] = None,
) -> dict[str, Any]:
    """The imported EPCIS documents (transaction records), newest first, without their
    transaction text."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = queries.list_documents(uow, order=order)
    return {"data": [queries.summary(d) for d in found]}


@router.get("/dscsa/documents/{document_id}", **guarded(Permission.VIEW))
def get_document(document_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """One document: its fields, its transaction information (``products``, dates, parties)
    and statement, its packages counted by GTIN, lot and expiry."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = queries.show_document(uow, document_id=document_id)
    return found.as_dict()
