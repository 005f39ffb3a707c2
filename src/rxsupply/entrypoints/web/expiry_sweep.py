"""The daily sweep page (``/expiry/sweep``): the expired units still on the shelves and in the
pockets, and the button that runs the sweep (the same use cases as ``rxsupply expiry sweep |
pulls`` and ``/api/expiry/sweep | pulls``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services.expiry_sweep import expired_pulls, sweep_expired

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Technician = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]


@router.get("/expiry/sweep", **page_route(Permission.VIEW))
def sweep_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = expired_pulls(uow, clock=clock.current())
    shelves = [p for p in found if not p.in_pocket]
    pockets = [p for p in found if p.in_pocket]
    return render(
        request,
        "expiry_sweep.html",
        who,
        title="Expiry sweep",
        flash=take_flash(request),
        shelves=shelves,
        pockets=pockets,
        value=sum((p.value for p in found), Decimal("0.00")),
        units=sum(p.quantity for p in found),
        can_sweep=who.user.can(Permission.TRANSFER),
    )


@router.post("/expiry/sweep", **page_route(Permission.TRANSFER))
def sweep_form(who: Technician, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            done = sweep_expired(uow, user=who.user.username, clock=clock.current())
    except RxSupplyError as exc:
        return redirect_with("/expiry/sweep", f"Not done: {exc}.", ok=False)
    moved = sum(p.quantity for p in done.moved)
    said = (
        f"Sweep of {done.day:%m/%d/%Y}: {len(done.moved)} lot-locations ({moved} units) moved to "
        f"quarantine; {len(done.pockets)} in pockets wait for the refill run"
        + (f"; {len(done.stuck)} have no quarantine location" if done.stuck else "")
        + (f"; {len(done.refused)} refused" if done.refused else "")
        + "."
    )
    return redirect_with("/expiry/sweep", said, ok=not done.refused)
