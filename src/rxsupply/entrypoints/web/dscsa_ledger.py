"""The DSCSA pages' index (``/dscsa``: every DSCSA page with the work waiting on it, each
facility's record chain at a glance) and the records' integrity page (``/dscsa/ledger``: every
chain verified, the head hashes to write down, the breaks named). The same use cases as
``rxsupply dscsa verify-ledger`` and ``/api/dscsa/ledger``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.services.dscsa.ledger_check import chain_heads, verify_ledger
from rxsupply.services.dscsa.overview import dscsa_work

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Auditor = Annotated[Caller, Depends(REQUIRES[Permission.VIEW_AUDIT])]


@router.get("/dscsa", **page_route(Permission.VIEW))
def dscsa_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        heads = chain_heads(uow)
        work = dscsa_work(uow, clock=clock.current())
    return render(
        request,
        "dscsa.html",
        who,
        title="DSCSA",
        heads=heads,
        work=work.as_dict(),
        can_audit=who.user.can(Permission.VIEW_AUDIT),
    )


@router.get("/dscsa/ledger", **page_route(Permission.VIEW_AUDIT))
def ledger_page(
    request: Request,
    who: Auditor,
    engine: EngineDep,
    facility: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = verify_ledger(uow, facility=facility.strip() or None)
    return render(
        request,
        "dscsa_ledger.html",
        who,
        title="DSCSA records ledger",
        report=report.as_dict(),
        facility=facility.strip(),
    )
