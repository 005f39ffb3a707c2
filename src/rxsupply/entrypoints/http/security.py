"""Who is calling: API tokens for integrations, signed session cookies for people.

A session cookie carries the user id, a CSRF token and its issue time, signed with a secret
kept in the database; it expires after ``SESSION_HOURS``. Requests that change something with a
session must present the CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``);
bearer-token requests need none. A route whose body is a file sent as is (an EPCIS document:
:func:`guarded_raw`) takes the token from the header only: its body is never read as a form.
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
from rxsupply.services import sessions, users
from rxsupply.services.users import token_digest

COOKIE = "rxsupply_session"
SESSION_HOURS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    csrf: str | None  # None for API-token callers
    session: str | None = None  # the session key of a signed-in browser


class Sessions:
    """Signed session cookies around the session use cases (``services.sessions``): the
    cookie carries the user id, a CSRF token and the session key, signed here; the session
    itself (live or signed out) is the database's, so signing out revokes the cookie and any
    copy of it."""

    def __init__(self, secret: str, engine: Engine) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="rxsupply-session")
        self._engine = engine

    def issue(self, user: User) -> tuple[str, str]:
        """Start a session for a signed-in user: its cookie and CSRF token."""
        with SqlUnitOfWork(self._engine) as uow:
            key = sessions.start_session(uow, user=user, clock=clock.current())
        csrf = secrets.token_urlsafe(24)
        return self._signer.dumps({"uid": user.id, "csrf": csrf, "sid": key}), csrf

    def _data(self, cookie: str) -> Any:
        try:
            return self._signer.loads(cookie, max_age=SESSION_HOURS * 3600)
        except SignatureExpired:
            raise AuthenticationFailed("your session has expired; sign in again") from None
        except BadSignature:
            raise AuthenticationFailed("invalid session; sign in again") from None

    def caller(self, cookie: str) -> Caller:
        """The user and CSRF token of a live session of an active user; signed-out sessions
        and disabled users are refused."""
        data = self._data(cookie)
        with SqlUnitOfWork(self._engine, readonly=True) as uow:
            user = sessions.check_session(
                uow, key=str(data.get("sid", "")), user_id=int(data["uid"])
            )
        return Caller(user, str(data["csrf"]), str(data.get("sid", "")) or None)

    def read(self, cookie: str) -> tuple[int, str]:
        """The user id and CSRF token of a live session (:meth:`caller`)."""
        who = self.caller(cookie)
        assert who.user.id is not None and who.csrf is not None
        return who.user.id, who.csrf

    def revoke(self, cookie: str) -> None:
        """End the session of this cookie (sign out)."""
        data = self._data(cookie)
        with SqlUnitOfWork(self._engine) as uow:
            sessions.end_session(uow, key=str(data.get("sid", "")))


def client_address(request: Request) -> str:
    """The address of the client that sent the request (what sign-in limits count by)."""
    return request.client.host if request.client is not None else "unknown"


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _user_for_token(engine: Engine, token: str) -> User:
    """The token's user; its last use is written (a short write of its own) only when the
    one on record is older than ``users.TOKEN_USE_GRAIN``, so reads stay reads."""
    now = clock.now()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        use = users.live_token(uow, token, now=now)
    if users.use_to_note(use, now):
        with SqlUnitOfWork(engine) as uow:
            users.note_token_use(uow, [token_digest(token)], now=now)
            uow.commit()
    return use.user


def _bearer(request: Request) -> str | None:
    """The API token of an ``Authorization: Bearer`` header, if the request sends one."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


async def caller(request: Request) -> Caller:
    """The authenticated caller, or 401. Checks CSRF for session writes."""
    return await _authenticated(request, raw_body=False)


async def raw_body_caller(request: Request) -> Caller:
    """:func:`caller` for a route whose body is a file sent as is: a session write's CSRF
    token is read from the ``X-CSRF-Token`` header only (reading the body as a form would
    consume the file, or take a token out of its bytes)."""
    return await _authenticated(request, raw_body=True)


async def _authenticated(request: Request, *, raw_body: bool) -> Caller:
    engine = _engine(request)
    token = _bearer(request)
    if token is not None:
        return Caller(await run_in_threadpool(_user_for_token, engine, token), None)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise AuthenticationFailed("sign in, or send an API token as 'Authorization: Bearer'")
    who: Caller = await run_in_threadpool(request.app.state.sessions.caller, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if (
            sent is None
            and not raw_body
            and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            )
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not sent or not who.csrf or not secrets.compare_digest(sent, who.csrf):
            if raw_body:
                raise PermissionDenied(
                    "a signed-in upload sends the session's CSRF token in the X-CSRF-Token "
                    "header (GET /api/me tells it): the body is the file itself, not a form, "
                    "and is not read for a token"
                )
            raise PermissionDenied("the form's CSRF token is missing or stale; reload the page")
    return who


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


def require_raw(permission: Permission) -> Callable[..., Awaitable[Caller]]:
    async def check(who: Annotated[Caller, Depends(raw_body_caller)]) -> Caller:
        ensure_allowed(who.user, permission)
        return who

    check.__name__ = f"require_{permission.value}_raw_body"
    return check


RAW_REQUIRES: dict[Permission, Callable[..., Awaitable[Caller]]] = {
    p: require_raw(p) for p in Permission
}
""":data:`REQUIRES` for routes whose body is a file sent as is (CSRF from the header only)."""


def guarded(permission: Permission) -> dict[str, Any]:
    """Route keyword arguments: the permission check and its record in the OpenAPI spec (the
    role-by-endpoint test reads ``x-permission``)."""
    return {
        "dependencies": [Depends(REQUIRES[permission])],
        "openapi_extra": {"x-permission": permission.value},
    }


def guarded_raw(permission: Permission) -> dict[str, Any]:
    """:func:`guarded` for a route whose body is a file sent as is: the route takes
    ``Annotated[Caller, Depends(RAW_REQUIRES[permission])]``; a session's CSRF token is read
    from the ``X-CSRF-Token`` header only."""
    return {
        "dependencies": [Depends(RAW_REQUIRES[permission])],
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
