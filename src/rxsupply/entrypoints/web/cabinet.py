"""The cabinet interface's page (``/adc``): what the listener received and answered, and the
discrepancies the cabinets' reports left, each resolved with a note by a user who may adjust
stock. The same use cases as ``rxsupply adc`` and ``/api/adc``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services.cabinet import listener_status
from rxsupply.services.discrepancies import list_discrepancies, resolve_discrepancy

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Adjuster = Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])]
SHOWN = 200


@router.get("/adc", **page_route(Permission.VIEW))
def cabinet_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found, total = list_discrepancies(uow, limit=SHOWN)
        messages, counts = listener_status(uow, clock=clock.current(), limit=SHOWN)
    page = render(
        request,
        "adc.html",
        who,
        title="Cabinet interface",
        discrepancies=found,
        open_total=total,
        messages=messages,
        counts=counts,
        can_resolve=who.user.can(Permission.ADJUST),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/adc/discrepancies/{discrepancy_id}/resolve", **page_route(Permission.ADJUST))
def resolve(
    discrepancy_id: RecordId,
    who: Adjuster,
    engine: EngineDep,
    resolution: Annotated[str, Form()] = "",
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            done = resolve_discrepancy(
                uow,
                discrepancy_id=discrepancy_id,
                resolution=resolution,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with("/adc", f"Not resolved: {exc}.", ok=False)
    return redirect_with("/adc", f"Resolved: {done.why()}.")
