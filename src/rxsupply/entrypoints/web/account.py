"""Your account (``/account``): change your password (your other sessions end, this one stays)
and see and revoke your API tokens (never their secrets). The same use cases as
``rxsupply users passwd`` and ``/api/me/password``, ``/api/me/tokens``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.passwords import MIN_LENGTH
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.accounts import token_row
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, client_address
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services import passwords, users

router = APIRouter()
Anyone = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
FormText = Annotated[str, Form()]


@router.get("/account", **page_route(Permission.VIEW))
def account(request: Request, who: Anyone, engine: EngineDep) -> Response:
    now = clock.now()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        tokens = [token_row(t, now) for t in users.list_tokens(uow, username=who.user.username)]
    flash = take_flash(request)
    page = render(
        request,
        "account.html",
        who,
        title="Your account",
        tokens=tokens,
        min_length=MIN_LENGTH,
        manage_users=who.user.can(Permission.MANAGE_USERS),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/account/password", **page_route(Permission.VIEW))
def change_password(
    request: Request,
    who: Anyone,
    engine: EngineDep,
    current_password: FormText = "",
    new_password: FormText = "",
    confirm_password: FormText = "",
) -> Response:
    if new_password != confirm_password:
        return redirect_with("/account", "Not changed: the two new passwords differ.", ok=False)
    try:
        with SqlUnitOfWork(engine) as uow:
            passwords.change_password(
                uow,
                Argon2Hasher(),
                username=who.user.username,
                current_password=current_password,
                new_password=new_password,
                now=clock.now(),
                keep_session=who.session,
                address=client_address(request),
            )
    except RxSupplyError as exc:
        return redirect_with("/account", f"Not changed: {exc}.", ok=False)
    return redirect_with("/account", "Password changed; your other sessions are signed out.")


@router.post("/account/tokens/{token_id}/revoke", **page_route(Permission.VIEW))
def revoke_token(token_id: int, request: Request, who: Anyone, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            found = users.revoke_token(
                uow,
                token_id=token_id,
                now=clock.now(),
                by=who.user.username,
                owner=who.user.username,
                address=client_address(request),
            )
    except RxSupplyError as exc:
        return redirect_with("/account", f"Not revoked: {exc}.", ok=False)
    return redirect_with("/account", f"Token {found.name} revoked.")
