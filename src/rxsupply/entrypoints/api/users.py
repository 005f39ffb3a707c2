"""JSON endpoints of user accounts (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import users

router = APIRouter(prefix="/api")


@router.get("/users", **guarded(Permission.MANAGE_USERS))
def list_users(engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "active": u.active,
            }
            for u in uow.users.all()
        ]
    return {"data": rows, "limit": len(rows), "offset": 0, "next_offset": None}


class UserIn(BaseModel):
    username: str
    display_name: str = ""
    role: Role
    password: str


@router.post("/users", status_code=201, **guarded(Permission.MANAGE_USERS))
def add_user(
    body: UserIn,
    engine: EngineDep,
    who: Annotated[Caller, Depends(REQUIRES[Permission.MANAGE_USERS])],
) -> dict[str, Any]:
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
    return {
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.value,
        "active": u.active,
    }
