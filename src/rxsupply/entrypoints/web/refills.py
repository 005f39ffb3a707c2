"""Refill run pages: the runs (``/refills``, with the form that starts one) and one run
(``/refills/{number}``): its pick list cabinet by cabinet, printable, and the form that
confirms each package scanned at its pocket. The same use cases as ``rxsupply refills`` and
``/api/refills``; forms post with the session's CSRF token and come back with the outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.location import LocationKind
from rxsupply.domain.refilling import RunStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import refilling

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Technician = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
FormText = Annotated[str, Form()]
LISTED = 200


@router.get("/refills", **page_route(Permission.VIEW))
def refills_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        runs = refilling.list_refill_runs(uow, limit=LISTED)
        cabinets = sorted(loc.code for loc in uow.locations.all() if loc.kind is LocationKind.ADC)
    page = render(
        request,
        "refills.html",
        who,
        title="Refill runs",
        runs=runs,
        cabinets=cabinets,
        can_refill=who.user.can(Permission.TRANSFER),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/refills", **page_route(Permission.TRANSFER))
async def start(request: Request, who: Technician, engine: EngineDep) -> Response:
    form = await request.form()
    chosen = [str(c) for c in form.getlist("cabinet") if str(c).strip()]
    route = str(form.get("route") or "")
    try:
        with SqlUnitOfWork(engine) as uow:
            run = refilling.start_refill_run(
                uow, user=who.user.username, clock=clock.current(), cabinets=chosen, route=route
            )
    except RxSupplyError as exc:
        return redirect_with("/refills", f"No run started: {exc}.", ok=False)
    return redirect_with(
        f"/refills/{run.number}",
        f"Run {run.number}: {len(run.lines)} lines, {run.units} units, "
        f"{len(run.cabinets)} cabinet(s). Print the pick list, then scan each package at its "
        "pocket.",
    )


@router.get("/refills/{number}", **page_route(Permission.VIEW))
def refill_page(request: Request, number: str, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        run = refilling.get_refill_run(uow, number, clock=clock.current())
    page = render(
        request,
        "refill.html",
        who,
        title=f"Refill run {run.number}",
        run=run,
        by_cabinet=[(c, [ln for ln in run.lines if ln.cabinet == c]) for c in run.cabinets],
        open=run.status is RunStatus.OPEN,
        can_refill=who.user.can(Permission.TRANSFER),
        flash=flash,
    )
    return shown(page, flash)


def _back(number: str) -> str:
    return f"/refills/{number}"


@router.post("/refills/{number}/scan", **page_route(Permission.TRANSFER))
def scan(
    number: str,
    who: Technician,
    engine: EngineDep,
    pocket: FormText = "",
    scan: FormText = "",
    ndc: FormText = "",
    lot: FormText = "",
    units: FormText = "",
) -> Response:
    now = clock.current()
    try:
        if scan.strip():
            found = parse_scan(scan.strip(), today=now.today())
            product, lot_text = found.gtin, found.lot or ""
        else:
            product, lot_text = ndc.strip(), lot.strip()
        count = _units(units)
        with SqlUnitOfWork(engine) as uow:
            run, line, posted = refilling.confirm_refill(
                uow,
                run=number,
                pocket=pocket,
                product=product,
                lot=lot_text,
                units=count,
                user=who.user.username,
                clock=now,
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not confirmed: {exc}.", ok=False)
    over = refilling.units_over(posted, count)  # begins with its number
    return redirect_with(
        _back(number),
        f"{line.pocket}: {line.confirmed} of {line.quantity} units of lot {line.lot} in"
        + ("; the line is filled" if line.left == 0 else f"; {line.left} to go")
        + f". Run: {run.confirmed} of {run.units} units."
        + (f" {over}." if over else ""),
    )


@router.post("/refills/{number}/complete", **page_route(Permission.TRANSFER))
def complete(number: str, who: Technician, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            run = refilling.complete_refill_run(
                uow, run=number, user=who.user.username, clock=clock.current()
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not completed: {exc}.", ok=False)
    left = run.units - run.confirmed
    return redirect_with(
        _back(number),
        "Completed" + (f"; {left} units were not put in." if left else ": every line filled."),
    )


@router.post("/refills/{number}/cancel", **page_route(Permission.TRANSFER))
def cancel(number: str, who: Technician, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            refilling.cancel_refill_run(
                uow, run=number, user=who.user.username, clock=clock.current()
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not cancelled: {exc}.", ok=False)
    return redirect_with(_back(number), "Cancelled.")


def _units(text: str) -> int | None:
    raw = text.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        raise InvalidValue("units", "a whole number of units", raw[:20])
    return int(raw)
