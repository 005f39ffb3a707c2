"""The returns workbench (``/returns``): every lot on hand classified under its labeler's
policy (returnable now, later, never) with its stream and expected credit, filtered; a batch
built from the lots ticked; the batches and the aging of credit outstanding. A batch's page
(``/returns/batches/{number}``) has its lines, its manifest per stream (CSV and a printable
page), the Form 222 numbers, the ship button, the credit memo form and the reconciliation.
The same use cases as ``rxsupply returns`` and ``/api/returns``; the forms are in
:mod:`~rxsupply.entrypoints.web.return_actions`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.return_batch import BatchStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.return_documents import manifest_csv, manifest_html
from rxsupply.entrypoints.web.planning import take_flash
from rxsupply.entrypoints.web.rendering import formats_of, page_route, render
from rxsupply.services import returns
from rxsupply.services.returns.batches import SCHEDULE_II

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
SHOWN = 500
RETURNABILITY = ("now", "later", "never")
STREAMS = ("creditable", "hazardous", "non_hazardous", "controlled")


def _choice(value: str, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


@router.get("/returns", **page_route(Permission.VIEW))
def workbench(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    returnability: str = "",
    stream: str = "",
    labeler: str = "",
    ndc: str = "",
) -> Response:
    today = formats_of(request).today()
    shown = {
        "returnability": _choice(returnability, RETURNABILITY),
        "stream": _choice(stream, STREAMS),
        "labeler": labeler.strip()[:200] or None,
        "ndc": ndc.strip()[:20] or None,
    }
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = returns.classify_lots(uow, today=today, **shown)
        batches = returns.list_batches(uow)
        aging = returns.credit_aging(uow, clock=clock.current())
        policies = len(returns.list_return_policies(uow))
        eligible = returns.eligible_keys(uow, rows[:SHOWN])
    lots = [
        r.as_dict()
        | {
            "key": f"{r.lot.ndc}:{r.lot.lot}",
            "eligible": (r.lot.ndc, r.lot.lot) in eligible,
        }
        for r in rows[:SHOWN]
    ]
    return render(
        request,
        "returns.html",
        who,
        title="Returns",
        lots=lots,
        count=len(rows),
        totals=returns.classification_totals(rows),
        batches=[b.as_dict() | {"line_count": len(b.lines)} for b in batches[:50]],
        aging=aging,
        policies=policies,
        shown=shown,
        choices={"returnability": RETURNABILITY, "stream": STREAMS},
        can_return=who.user.can(Permission.RETURN_TO_VENDOR),
        flash=take_flash(request),
    )


@router.get("/returns/batches/{number}", **page_route(Permission.VIEW))
def batch_page(request: Request, number: str, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        batch = returns.find_batch(uow, number)
        done = (
            returns.reconcile_batch(uow, batch=batch.number)
            if batch.status is BatchStatus.SHIPPED
            else None
        )
        picks = returns.pick_list(uow, batch, today=formats_of(request).today())
        identifiers = returns.batch_identifiers(uow, batch, today=formats_of(request).today())
    return render(
        request,
        "return_batch.html",
        who,
        title=f"Return batch {batch.number}",
        batch=batch.as_dict(),
        streams=sorted({x.stream.value for x in batch.lines}, key=STREAMS.index),
        needs_222=[x.line_number for x in batch.lines if x.schedule in SCHEDULE_II],
        picks=picks,
        identifiers=identifiers,
        reconciled=done,
        can_return=who.user.can(Permission.RETURN_TO_VENDOR),
        flash=take_flash(request),
    )


@router.get("/returns/batches/{number}/manifest.csv", **page_route(Permission.VIEW))
def manifest_file(number: str, who: Viewer, engine: EngineDep, stream: str = "") -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        batch = returns.find_batch(uow, number)
    kind = _choice(stream, STREAMS)
    return Response(
        manifest_csv(returns.manifest(batch, kind)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{batch.number}-{kind or "all"}.csv"'
        },
    )


@router.get("/returns/batches/{number}/manifest.html", **page_route(Permission.VIEW))
def manifest_page(
    request: Request, number: str, who: Viewer, engine: EngineDep, stream: str = ""
) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        batch = returns.find_batch(uow, number)
    kind = _choice(stream, STREAMS)
    page = manifest_html(
        batch, returns.manifest(batch, kind), stream=kind, today=formats_of(request).today()
    )
    return Response(page, media_type="text/html; charset=utf-8")


@router.get("/returns/waste", **page_route(Permission.VIEW))
def waste_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = [r.as_dict() for r in returns.list_hazardous_listings(uow)]
        policies = [p.as_dict() for p in returns.list_return_policies(uow)]
        destroyed = [d.as_dict() for d in returns.list_destructions(uow)]
    return render(
        request,
        "returns_waste.html",
        who,
        title="Return policies and the RCRA list",
        rows=rows,
        policies=policies,
        destroyed=destroyed,
        can_return=who.user.can(Permission.RETURN_TO_VENDOR),
        flash=take_flash(request),
    )
