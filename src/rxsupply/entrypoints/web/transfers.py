"""Transfer pages: the transfers (``/transfers``) with the request form, and one transfer
(``/transfers/{number}``) with what its state allows: pick, ship, receive (possibly short),
cancel. The same use cases as ``rxsupply transfers`` and ``/api/transfers``; forms post with
the session's CSRF token and come back to the transfer with the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import parse_units
from rxsupply.domain.location import LocationKind
from rxsupply.domain.transfer import ALLOWED, Transfer, TransferStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import transfers
from rxsupply.services.ports import UnitOfWork

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
FormText = Annotated[str, Form()]
LISTED = 200


@router.get("/transfers", **page_route(Permission.VIEW))
def transfers_page(request: Request, who: Viewer, engine: EngineDep, status: str = "") -> Response:
    flash = take_flash(request)
    chosen = TransferStatus(status) if status in {s.value for s in TransferStatus} else None
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = transfers.list_transfers(uow, status=chosen, limit=LISTED)
        places = sorted(
            loc.code
            for loc in uow.locations.all()
            if loc.holds_stock and loc.kind is not LocationKind.TRANSIT
        )
    page = render(
        request,
        "transfers.html",
        who,
        title="Transfers",
        transfers=found,
        statuses=[s.value for s in TransferStatus],
        status=status,
        places=places,
        can_move=who.user.can(Permission.TRANSFER),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/transfers", **page_route(Permission.TRANSFER))
def request_form(
    who: Mover,
    engine: EngineDep,
    from_location: FormText = "",
    to_location: FormText = "",
    quantity: FormText = "",
    item: FormText = "",
    product: FormText = "",
    note: FormText = "",
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            done = transfers.request_transfer(
                uow,
                from_location=from_location,
                to_location=to_location,
                quantity=_units(quantity),
                item=item.strip() or None,
                product=product.strip() or None,
                note=note,
                user=who.user.username,
                clock=clock.current(),
                limits=load_settings().limits(),
            )
    except RxSupplyError as exc:
        return redirect_with("/transfers", f"Not requested: {exc}.", ok=False)
    return redirect_with(_back(done.number), f"Requested {done.number}.")


@router.get("/transfers/{number}", **page_route(Permission.VIEW))
def transfer_page(request: Request, number: str, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = transfers.get_transfer(uow, number)
    page = render(
        request,
        "transfer_detail.html",
        who,
        title=f"Transfer {found.number}",
        transfer=found,
        can_move=who.user.can(Permission.TRANSFER),
        allowed={step for step, states in ALLOWED.items() if found.status in states},
        flash=flash,
    )
    return shown(page, flash)


def _back(number: str) -> str:
    return f"/transfers/{number}"


def _units(text: str) -> int:
    """A whole number of units as typed (ASCII digits, bounded): zero passes here, the use
    case says whether it may be zero."""
    return parse_units(text[:40], "quantity", allow_zero=True)


Step = Callable[[UnitOfWork, str, Clock], Transfer]


def _step(number: str, who: Caller, engine: EngineDep, run: Step, done: str) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            after = run(uow, who.user.username, clock.current())
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not {done}: {exc}.", ok=False)
    short = f", {after.short} units short (recorded as a discrepancy)" if after.short else ""
    return redirect_with(_back(after.number), f"{after.number} {done}{short}.")


@router.post("/transfers/{number}/pick", **page_route(Permission.TRANSFER))
def pick(number: str, who: Mover, engine: EngineDep) -> Response:
    return _step(
        number,
        who,
        engine,
        lambda uow, user, now: transfers.pick_transfer(uow, number=number, user=user, clock=now),
        "picked",
    )


@router.post("/transfers/{number}/ship", **page_route(Permission.TRANSFER))
def ship(number: str, who: Mover, engine: EngineDep) -> Response:
    return _step(
        number,
        who,
        engine,
        lambda uow, user, now: transfers.ship_transfer(uow, number=number, user=user, clock=now),
        "shipped",
    )


@router.post("/transfers/{number}/receive", **page_route(Permission.TRANSFER))
def receive(
    number: str, who: Mover, engine: EngineDep, quantity: FormText = "", quarantine: FormText = ""
) -> Response:
    try:
        got = _units(quantity) if quantity.strip() else None
    except InvalidValue as exc:
        return redirect_with(_back(number), f"Not received: {exc}.", ok=False)
    return _step(
        number,
        who,
        engine,
        lambda uow, user, now: transfers.receive_transfer(
            uow,
            number=number,
            user=user,
            clock=now,
            quantity=got,
            quarantine=quarantine.strip() or None,
        ),
        "received",
    )


@router.post("/transfers/{number}/cancel", **page_route(Permission.TRANSFER))
def cancel(number: str, who: Mover, engine: EngineDep, reason: FormText = "") -> Response:
    return _step(
        number,
        who,
        engine,
        lambda uow, user, now: transfers.cancel_transfer(
            uow, number=number, reason=reason, user=user, clock=now
        ),
        "cancelled",
    )
