"""JSON endpoints of user accounts: admins manage everyone's (add, unlock, reset a password,
issue, list and revoke API tokens); every user their own password and token list (``/api/me``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.accounts import token_row, user_row
from rxsupply.entrypoints.http.bounded import Line, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, client_address, guarded
from rxsupply.services import passwords, users

router = APIRouter(prefix="/api")
Admin = Annotated[Caller, Depends(REQUIRES[Permission.MANAGE_USERS])]
Anyone = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]


@router.get("/users", **guarded(Permission.MANAGE_USERS))
def list_users(engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = [user_row(u) for u in uow.users.all()]
    return {"data": rows, "limit": len(rows), "offset": 0, "next_offset": None}


class UserIn(BaseModel):
    username: str
    display_name: str = ""
    role: Role
    password: str


@router.post("/users", status_code=201, **guarded(Permission.MANAGE_USERS))
def add_user(body: UserIn, engine: EngineDep, who: Admin) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        u = users.add_user(
            uow,
            Argon2Hasher(),
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            password=body.password,
            now=clock.now(),
            by=who.user.username,
        )
    return user_row(u)


@router.post("/users/{username}/unlock", **guarded(Permission.MANAGE_USERS))
def unlock_user(username: str, request: Request, engine: EngineDep, who: Admin) -> dict[str, Any]:
    """Lift a lockout after too many failed sign-ins."""
    with SqlUnitOfWork(engine) as uow:
        users.unlock(
            uow,
            username=username,
            now=clock.now(),
            by=who.user.username,
            address=client_address(request),
        )
    with SqlUnitOfWork(engine, readonly=True) as uow:
        stored = uow.users.get(username)
    assert stored is not None
    return user_row(stored.user)


class ResetIn(BaseModel):
    new_password: str
    revoke_tokens: bool = Field(False, description="Also revoke all the user's API tokens.")


@router.post("/users/{username}/password", **guarded(Permission.MANAGE_USERS))
def reset_password(
    username: str, body: ResetIn, request: Request, engine: EngineDep, who: Admin
) -> dict[str, Any]:
    """Set a user's password (an admin's reset): all their web sessions end."""
    with SqlUnitOfWork(engine) as uow:
        passwords.reset_password(
            uow,
            Argon2Hasher(),
            username=username,
            new_password=body.new_password,
            now=clock.now(),
            by=who.user.username,
            revoke_tokens=body.revoke_tokens,
            address=client_address(request),
        )
    return {"username": username, "changed": True}


def _tokens(engine: EngineDep, username: str) -> dict[str, Any]:
    now = clock.now()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = [token_row(t, now) for t in users.list_tokens(uow, username=username)]
    return {"data": rows, "limit": len(rows), "offset": 0, "next_offset": None}


@router.get("/users/{username}/tokens", **guarded(Permission.MANAGE_USERS))
def list_user_tokens(username: str, engine: EngineDep) -> dict[str, Any]:
    """A user's API tokens (never their secrets): created, expires, last used, revoked."""
    return _tokens(engine, username)


class TokenIn(BaseModel):
    name: Line = "integration"
    days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Days the token works (RXSUPPLY_TOKEN_DAYS when left out; at most ten years).",
    )


@router.post("/users/{username}/tokens", status_code=201, **guarded(Permission.MANAGE_USERS))
def issue_token(
    username: str, body: TokenIn, request: Request, engine: EngineDep, who: Admin
) -> dict[str, Any]:
    """A new API token: its secret is in this answer only."""
    with SqlUnitOfWork(engine) as uow:
        issued = users.issue_token(
            uow,
            username=username,
            name=body.name,
            now=clock.now(),
            by=who.user.username,
            days=body.days or load_settings().token_days,
            address=client_address(request),
        )
    return {
        "id": issued.id,
        "name": issued.name,
        "token": issued.token,
        "expires_at": issued.expires_at.isoformat() if issued.expires_at else None,
    }


@router.delete("/tokens/{token_id}", **guarded(Permission.MANAGE_USERS))
def revoke_token(
    token_id: RecordId, request: Request, engine: EngineDep, who: Admin
) -> dict[str, Any]:
    """Revoke one API token: refused (401) from now on."""
    with SqlUnitOfWork(engine) as uow:
        users.revoke_token(
            uow,
            token_id=token_id,
            now=clock.now(),
            by=who.user.username,
            address=client_address(request),
        )
    return {"id": token_id, "revoked": True}


class PasswordIn(BaseModel):
    current_password: str
    new_password: str
    revoke_tokens: bool = Field(False, description="Also revoke all your API tokens.")


@router.post("/me/password", **guarded(Permission.VIEW))
def change_my_password(
    body: PasswordIn, request: Request, engine: EngineDep, who: Anyone
) -> dict[str, Any]:
    """Change your own password: your other web sessions end, this one stays."""
    with SqlUnitOfWork(engine) as uow:
        passwords.change_password(
            uow,
            Argon2Hasher(),
            username=who.user.username,
            current_password=body.current_password,
            new_password=body.new_password,
            now=clock.now(),
            keep_session=who.session,
            revoke_tokens=body.revoke_tokens,
            address=client_address(request),
        )
    return {"username": who.user.username, "changed": True}


@router.get("/me/tokens", **guarded(Permission.VIEW))
def list_my_tokens(engine: EngineDep, who: Anyone) -> dict[str, Any]:
    """Your API tokens (never their secrets)."""
    return _tokens(engine, who.user.username)
