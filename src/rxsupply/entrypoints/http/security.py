"""Who is calling: API tokens for integrations, signed session cookies for people.

A session cookie carries the user id, a CSRF token and its issue time, signed with a secret
kept in the database; it expires after ``SESSION_HOURS``. Requests that change something with a
session must present the CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``);
bearer-token requests need none.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission, User
from rxsupply.entrypoints import clock
from rxsupply.errors import AuthenticationFailed, PermissionDenied
from rxsupply.services import users
from rxsupply.services.users import token_digest

COOKIE = "rxsupply_session"
SESSION_HOURS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    csrf: str | None  # None for API-token callers


class Sessions:
    """Signed session cookies backed by a session row, so signing out revokes the cookie
    (a copy of it stops working too); only the SHA-256 of the session key is stored."""

    def __init__(self, secret: str, engine: Engine) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="rxsupply-session")
        self._engine = engine

    def issue(self, user: User) -> tuple[str, str]:
        assert user.id is not None
        csrf, key = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        with SqlUnitOfWork(self._engine) as uow:
            uow.users.add_session(token_digest(key), user.id, clock.now())
            uow.commit()
        return self._signer.dumps({"uid": user.id, "csrf": csrf, "sid": key}), csrf

    def _data(self, cookie: str) -> Any:
        try:
            return self._signer.loads(cookie, max_age=SESSION_HOURS * 3600)
        except SignatureExpired:
            raise AuthenticationFailed("your session has expired; sign in again") from None
        except BadSignature:
            raise AuthenticationFailed("invalid session; sign in again") from None

    def read(self, cookie: str) -> tuple[int, str]:
        """The user id and CSRF token of a live session; signed-out sessions are refused."""
        data = self._data(cookie)
        with SqlUnitOfWork(self._engine, readonly=True) as uow:
            active = uow.users.session_active(token_digest(str(data.get("sid", ""))))
        if not active:
            raise AuthenticationFailed("you signed out of this session; sign in again")
        return int(data["uid"]), str(data["csrf"])

    def revoke(self, cookie: str) -> None:
        data = self._data(cookie)
        with SqlUnitOfWork(self._engine) as uow:
            uow.users.revoke_session(token_digest(str(data.get("sid", ""))))
            uow.commit()


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _user_for_token(engine: Engine, token: str) -> User:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return users.user_for_token(uow, token)


def _user_by_id(engine: Engine, uid: int) -> User | None:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        stored = uow.users.get_by_id(uid)
    return None if stored is None else stored.user


def _bearer(request: Request) -> str | None:
    """The API token of an ``Authorization: Bearer`` header, if the request sends one."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


async def caller(request: Request) -> Caller:
    """The authenticated caller, or 401. Checks CSRF for session writes."""
    engine = _engine(request)
    token = _bearer(request)
    if token is not None:
        return Caller(await run_in_threadpool(_user_for_token, engine, token), None)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise AuthenticationFailed("sign in, or send an API token as 'Authorization: Bearer'")
    uid, csrf = await run_in_threadpool(request.app.state.sessions.read, cookie)
    stored = await run_in_threadpool(_user_by_id, engine, uid)
    if stored is None or not stored.active:
        raise AuthenticationFailed("the account is disabled; sign in again")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not sent or not secrets.compare_digest(sent, csrf):
            raise PermissionDenied("the form's CSRF token is missing or stale; reload the page")
    return Caller(stored, csrf)


CallerDep = Annotated[Caller, Depends(caller)]


def ensure_allowed(user: User, permission: Permission) -> None:
    if not user.can(permission):
        raise PermissionDenied(f"{user.username} ({user.role.value}) may not {permission.value}")


def require(permission: Permission) -> Callable[..., Awaitable[Caller]]:
    async def check(who: CallerDep) -> Caller:
        ensure_allowed(who.user, permission)
        return who

    check.__name__ = f"require_{permission.value}"
    return check


REQUIRES: dict[Permission, Callable[..., Awaitable[Caller]]] = {p: require(p) for p in Permission}
"""One dependency per permission, so FastAPI runs it once per request."""


def guarded(permission: Permission) -> dict[str, Any]:
    """Route keyword arguments: the permission check and its record in the OpenAPI spec (the
    role-by-endpoint test reads ``x-permission``)."""
    return {
        "dependencies": [Depends(REQUIRES[permission])],
        "openapi_extra": {"x-permission": permission.value},
    }


PUBLIC: dict[str, Any] = {"openapi_extra": {"x-permission": "public"}}


@dataclass(frozen=True, slots=True)
class Deferred:
    """A caller of a batched write (receipts, dispenses): a session user checked already, or
    an API token that :class:`~rxsupply.entrypoints.api.writer.LedgerWriter` checks in the
    write's own transaction, for the whole batch in one query."""

    permission: Permission
    user: User | None = None
    token_digest: str | None = None


def deferred(permission: Permission) -> Callable[..., Awaitable[Deferred]]:
    async def check(request: Request) -> Deferred:
        token = _bearer(request)
        if token is not None:
            return Deferred(permission, token_digest=token_digest(token))
        who = await caller(request)
        ensure_allowed(who.user, permission)
        return Deferred(permission, user=who.user)

    check.__name__ = f"deferred_{permission.value}"
    return check


DEFERRED: dict[Permission, Callable[..., Awaitable[Deferred]]] = {
    p: deferred(p) for p in Permission
}


def guarded_in_batch(permission: Permission) -> dict[str, Any]:
    """Route keyword arguments of a batched write: its permission in the OpenAPI spec; the
    route takes ``Annotated[Deferred, Depends(DEFERRED[permission])]``."""
    return {"openapi_extra": {"x-permission": permission.value}}
