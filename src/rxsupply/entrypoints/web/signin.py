"""Signing in and out: the login form sets the signed session cookie, logout clears it.

The login form carries its own CSRF token (a random value in a short-lived cookie and in the
form, compared on post), so another site cannot sign a browser in to an account of its choosing.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import (
    COOKIE,
    REQUIRES,
    SESSION_HOURS,
    Caller,
    client_address,
)
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import AuthenticationFailed, TooManyRequests
from rxsupply.services import sign_in

router = APIRouter()
LOGIN_COOKIE = "rxsupply_login"
_hasher = Argon2Hasher()


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site, never another site or /login."""
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or target.startswith("/login")
    ):
        return "/"
    return target


def _login_page(
    request: Request, *, next_page: str, error: str = "", username: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        None,
        title="Sign in",
        status_code=status,
        login_token=token,
        next_page=safe_next(next_page),
        error=error,
        username=username,
        signed_out=request.query_params.get("signed_out") == "1",
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", **page_route(None))
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next_page=next)


@router.post("/login", **page_route(None))
def login(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_token):
        return _login_page(
            request,
            next_page=next,
            username=username,
            error="The sign-in form expired; sign in again.",
            status=400,
        )
    try:
        with SqlUnitOfWork(engine) as uow:
            user = sign_in.sign_in(
                uow,
                _hasher,
                username=username,
                password=password,
                address=client_address(request),
                clock=clock.current(),
                limits=load_settings().sign_in_limits(),
            )
    except TooManyRequests as exc:
        response = _login_page(
            request, next_page=next, username=username, error=f"{exc}.", status=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationFailed:
        return _login_page(
            request,
            next_page=next,
            username=username,
            error="Wrong username or password, or the account is locked or disabled.",
            status=401,
        )
    cookie, _csrf = request.app.state.sessions.issue(user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", **page_route(Permission.VIEW))
def logout(
    request: Request, who: Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
) -> Response:
    """End the session: revoke it and clear the cookie (the form carries the CSRF token,
    checked by ``caller``)."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        request.app.state.sessions.revoke(cookie)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response
