"""The users page (``/users``, admins): every account with its role, whether it is active and
whether it is locked after too many failed sign-ins, and the actions an admin takes there:
unlock, disable, enable. The same use cases as ``rxsupply users unlock|disable`` and
``/api/users/{name}/unlock``; each is in the audit trail under the admin's name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, client_address
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services import users

router = APIRouter()
Admin = Annotated[Caller, Depends(REQUIRES[Permission.MANAGE_USERS])]


@router.get("/users", **page_route(Permission.MANAGE_USERS))
def people(request: Request, who: Admin, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        everyone = sorted(uow.users.all(), key=lambda u: (u.locked_at is None, u.username))
    flash = take_flash(request)
    page = render(
        request,
        "users.html",
        who,
        title="Users",
        people=everyone,
        locked=sum(1 for u in everyone if u.locked_at is not None),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/users/{username}/unlock", **page_route(Permission.MANAGE_USERS))
def unlock(username: str, request: Request, who: Admin, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            users.unlock(
                uow,
                username=username,
                now=clock.now(),
                by=who.user.username,
                address=client_address(request),
            )
    except RxSupplyError as exc:
        return redirect_with("/users", f"Not unlocked: {exc}.", ok=False)
    return redirect_with("/users", f"{username} is unlocked and may sign in again.")


@router.post("/users/{username}/disable", **page_route(Permission.MANAGE_USERS))
def disable(username: str, who: Admin, engine: EngineDep) -> Response:
    return _set_active(username, False, who, engine)


@router.post("/users/{username}/enable", **page_route(Permission.MANAGE_USERS))
def enable(username: str, who: Admin, engine: EngineDep) -> Response:
    return _set_active(username, True, who, engine)


def _set_active(username: str, active: bool, who: Caller, engine: EngineDep) -> Response:
    if not active and username == who.user.username:
        return redirect_with(
            "/users", "Not disabled: you cannot disable your own account.", ok=False
        )
    try:
        with SqlUnitOfWork(engine) as uow:
            users.set_active(
                uow, username=username, active=active, now=clock.now(), by=who.user.username
            )
    except RxSupplyError as exc:
        return redirect_with("/users", f"Not changed: {exc}.", ok=False)
    return redirect_with("/users", f"{username} is {'enabled' if active else 'disabled'}.")
