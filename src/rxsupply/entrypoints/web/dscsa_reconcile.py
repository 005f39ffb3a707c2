"""The receipt reconciliation page (``/dscsa/orders/{order}``: what was scanned against an order
against what its EPCIS documents ship, in four groups, with the order's exceptions) and the
receipt exceptions page (``/dscsa/exceptions``: each exception with its steps, and forms to
mark the seller contacted or resolve it with a note). The same use cases as ``rxsupply dscsa
reconcile | exceptions | exception`` and ``/api/dscsa/...``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import form_outcome, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.services.dscsa import exceptions, reconciliation
from rxsupply.services.ports import UnitOfWork

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Receiver = Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])]
FormText = Annotated[str, Form()]
EXCEPTIONS = "/dscsa/exceptions"
GROUPS = (
    ("missing", "Expected but not scanned"),
    ("unexpected", "Scanned but not expected"),
    ("mismatched", "Data mismatches"),
    ("unconfirmed", "Unconfirmed: no lot or expiry in the document"),
    ("matched", "Matched"),
)


def _order_url(number: str) -> str:
    return f"/dscsa/orders/{quote(number, safe='')}"


@router.get("/dscsa/orders/{order}", **page_route(Permission.VIEW))
def reconciliation_page(request: Request, who: Viewer, engine: EngineDep, order: str) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = reconciliation.order_reconciliation(uow, order=order)
    page = render(
        request,
        "dscsa_reconcile.html",
        who,
        title=f"Receipt reconciliation: {found.order.number}",
        r=found.as_dict(),
        groups=GROUPS,
        can_act=who.user.can(Permission.RECEIVE),
        token=form_token(),
        back=_order_url(found.order.number),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/dscsa/orders/{order}/reconcile", **page_route(Permission.RECEIVE))
def reconcile_form(order: str, who: Receiver, engine: EngineDep) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        done = reconciliation.reconcile_order(
            uow, order=order, user=who.user.username, clock=clock.current()
        )
        if not done.documents:
            return "No EPCIS document for this order yet: nothing to reconcile.", ""
        return (
            f"Reconciled: {len(done.opened)} exception(s) opened, {len(done.resolved)} resolved.",
            _order_url(done.order.number),
        )

    return form_outcome(_order_url(order), engine, run)


@router.get(EXCEPTIONS, **page_route(Permission.VIEW))
def exceptions_page(
    request: Request, who: Viewer, engine: EngineDep, show: str = "open", order: str = ""
) -> Response:
    flash = take_flash(request)
    open_only = show != "all"
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = exceptions.list_exceptions(uow, open_only=open_only, order=order[:40] or None)
    here = f"{EXCEPTIONS}?show={'open' if open_only else 'all'}" + (
        f"&order={quote(order[:40], safe='')}" if order else ""
    )
    page = render(
        request,
        "dscsa_exceptions.html",
        who,
        title="DSCSA receipt exceptions",
        exceptions=[e.as_dict() for e in found],
        open_only=open_only,
        order=order[:40],
        can_act=who.user.can(Permission.RECEIVE),
        token=form_token(),
        back=here,
        flash=flash,
    )
    return shown(page, flash)


@router.post("/dscsa/exceptions/{exception_id}/steps", **page_route(Permission.RECEIVE))
def step_form(
    exception_id: RecordId,
    who: Receiver,
    engine: EngineDep,
    step: FormText = "",
    note: FormText = "",
    token: FormText = "",
    back: FormText = "",
) -> Response:
    target = back if back.startswith("/dscsa/") else EXCEPTIONS

    def run(uow: UnitOfWork) -> tuple[str, str]:
        done = exceptions.step_exception(
            uow,
            exception_id=exception_id,
            step=step[:40],
            note=note[:2000],
            user=who.user.username,
            clock=clock.current(),
            external_id=external(f"dscsa-exception-{exception_id}", token),
        )
        return f"Exception {exception_id}: {done.state.value.replace('_', ' ')}.", target

    return form_outcome(target, engine, run)
