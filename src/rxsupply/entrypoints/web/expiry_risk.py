"""The lots-at-risk page (``/expiry/risk``): what the expiry-risk projection says will expire
unused, where, when and for how much, with its method explained, the value at risk by week as
a chart, the recommended transfers (each carried out from the page by a user who may transfer
stock) and PAR reductions; the same service as ``rxsupply expiry risk`` and
``GET /api/expiry/risk``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web import charts
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.receiving import whole_number
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services.expiry_risk import FORECAST, HISTORY_DAYS, OUTFLOW, assess_expiry_risk
from rxsupply.services.expiry_transfers import TransferAtRisk, carry_out_transfer

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
FormText = Annotated[str, Form()]
PAGE = "/expiry/risk"
SHOWN = 300


@router.get(PAGE, **page_route(Permission.VIEW))
def risk_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = assess_expiry_risk(uow, clock=clock.current())
    rows = found.rows()
    page = render(
        request,
        "expiry_risk.html",
        who,
        title="Lots at risk",
        charts=True,
        risk=found,
        totals=found.totals(),
        rows=rows[:SHOWN],
        count=len(rows),
        transfers=[t.as_dict() | {"token": form_token()} for t in found.transfers[:SHOWN]],
        pars=[p.as_dict() for p in found.par_reductions[:SHOWN]],
        chart=charts.value_at_risk(found.weekly),
        can_move=who.user.can(Permission.TRANSFER),
        history_days=HISTORY_DAYS,
        forecast=FORECAST,
        outflow=OUTFLOW,
        flash=flash,
    )
    return shown(page, flash)


@router.post(f"{PAGE}/transfers", **page_route(Permission.TRANSFER))
def transfer_form(
    who: Mover,
    engine: EngineDep,
    product: FormText = "",
    lot: FormText = "",
    from_location: FormText = "",
    to_location: FormText = "",
    units: FormText = "",
    saves: FormText = "",
    token: FormText = "",
) -> Response:
    """Carry out one recommended transfer (posted once: the form's token is its id)."""
    try:
        want = TransferAtRisk(
            product=product,
            lot=lot,
            from_location=from_location,
            to_location=to_location,
            units=whole_number(units, "units"),
        )
        done = run_with_retry(
            engine,
            lambda uow: carry_out_transfer(
                uow,
                transfer=want,
                user=who.user.username,
                clock=clock.current(),
                external_id=external("expiry-risk", token),
            ),
        )
    except RxSupplyError as exc:
        return redirect_with(PAGE, f"Not moved: {exc}.", ok=False)
    if done.duplicate:
        return redirect_with(PAGE, "Already moved: nothing was posted twice.")
    worth = f" (${saves[:20]} that would have expired)" if saves.strip() else ""
    return redirect_with(
        PAGE,
        f"Moved {want.units} units of lot {want.lot.strip()} from {want.from_location.strip()} "
        f"to {want.to_location.strip()}{worth}.",
    )
