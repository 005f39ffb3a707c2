"""The web UI's wiring: page routers, static files, and HTML answers to errors.

Static files (the UI's CSS and JavaScript, plotly.min.js from the installed plotly package, and
Swagger UI's files for the API's ``/docs`` from the installed fastapi-offline package) are a
public mount at ``/static``: no CDN, nothing to build; gzip-compressed, with versioned URLs
cached for a year (:mod:`.static_files`).

Pages live beside the JSON API in one app. A page request (not under ``/api``, accepting
``text/html``) that is not signed in is sent to ``/login?next=...``; one the user's role does not
allow gets a 403 page that says so; other errors get a short HTML page. Everything else keeps the
API's RFC 9457 problem responses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http import problems
from rxsupply.entrypoints.http.security import COOKIE, Caller
from rxsupply.entrypoints.web import (
    account,
    audit,
    browsing,
    cabinet,
    charts,
    counts,
    dashboard,
    dscsa_cases,
    dscsa_import,
    dscsa_ledger,
    dscsa_reconcile,
    dscsa_trace,
    dscsa_verify,
    expiry,
    expiry_risk,
    expiry_sweep,
    movements,
    orders,
    partners,
    people,
    planning,
    recalls,
    receiving,
    refills,
    return_actions,
    returns,
    shortage_actions,
    shortages,
    signin,
    transfers,
)
from rxsupply.entrypoints.web.rendering import (
    DOING,
    Formats,
    make_templates,
    render,
)
from rxsupply.entrypoints.web.static_files import CachedStaticFiles, StaticVersions
from rxsupply.errors import AuthenticationFailed, PermissionDenied, RxSupplyError

STATIC = Path(__file__).parent / "static"
PLOTLY_DATA = ("plotly", "package_data")
"""Where the installed plotly package keeps plotly.min.js: served as /static/plotly.min.js."""
SWAGGER_DATA = ("fastapi_offline", "static")
"""Where Swagger UI's files are installed (the API's /docs page): served at /static."""
Handler = Callable[[Request, Any], Awaitable[Response]]


def install(app: FastAPI) -> None:
    """Add the web pages to ``app`` (after the API and its problem handlers)."""
    zone = ZoneInfo(load_settings().timezone)
    app.state.web_templates = make_templates(zone)
    app.state.web_formats = Formats(zone)
    for router in (
        signin.router,
        account.router,
        people.router,
        dashboard.router,
        browsing.router,
        audit.router,
        receiving.router,
        movements.router,
        planning.router,
        cabinet.router,
        orders.router,
        partners.router,
        dscsa_cases.router,
        dscsa_reconcile.router,
        dscsa_trace.router,
        refills.router,
        transfers.router,
        counts.router,
        shortages.router,
        shortage_actions.router,
        expiry_sweep.router,
        expiry_risk.router,
        expiry.router,
        recalls.router,
        returns.router,
        return_actions.router,
        dscsa_import.router,
        dscsa_ledger.router,
        dscsa_verify.router,
    ):
        app.include_router(router)
    app.mount(
        "/static",
        CachedStaticFiles(directory=STATIC, packages=[PLOTLY_DATA, SWAGGER_DATA]),
        name="static",
    )
    versions = StaticVersions([STATIC, Path(str(files(PLOTLY_DATA[0]) / PLOTLY_DATA[1]))])
    app.state.web_templates.env.globals["static_url"] = versions.url
    charts.warm()
    _install_error_pages(app)


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the JSON API)."""
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def _install_error_pages(app: FastAPI) -> None:
    api_error = cast(Handler | None, app.exception_handlers.get(RxSupplyError))
    http_error = cast(Handler | None, app.exception_handlers.get(StarletteHTTPException))

    async def domain_error(request: Request, exc: RxSupplyError) -> Response:
        if not wants_html(request):
            if api_error is not None:
                return await api_error(request, exc)
            status, kind = problems.status_of(exc)
            return problems.problem(status, kind, kind, str(exc), request)
        if isinstance(exc, AuthenticationFailed):
            return RedirectResponse(_login_url(request), status_code=303)
        user = session_user(request)
        if isinstance(exc, PermissionDenied):
            return render(
                request,
                "error.html",
                user,
                title="Not allowed",
                status_code=403,
                heading="Not allowed",
                message=_denied_message(request, user, exc),
            )
        status, _ = problems.status_of(exc)
        return render(
            request,
            "error.html",
            user,
            title="Error",
            status_code=status,
            heading="Not found" if status == 404 else "That did not work",
            message=str(exc),
        )

    async def http_exception(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request):
            if http_error is not None:
                return await http_error(request, exc)
            return problems.problem(exc.status_code, "http-error", "", str(exc.detail), request)
        return render(
            request,
            "error.html",
            session_user(request),
            title="Error",
            status_code=exc.status_code,
            heading="Page not found" if exc.status_code == 404 else "That did not work",
            message=str(exc.detail),
        )

    app.add_exception_handler(RxSupplyError, cast(Any, domain_error))
    app.add_exception_handler(StarletteHTTPException, cast(Any, http_exception))


def _login_url(request: Request) -> str:
    """The login page, coming back here afterwards (to the dashboard after a form post)."""
    if request.method != "GET":
        return "/login"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def _denied_message(request: Request, who: Caller | None, exc: PermissionDenied) -> str:
    """ "Your role (technician) may not adjust stock." when the role is the reason; otherwise
    the reason itself (a stale CSRF token)."""
    route = request.scope.get("route")
    extra: Any = getattr(route, "openapi_extra", None) or {}
    needed = extra.get("x-permission")
    if who is not None and needed in {p.value for p in Permission}:
        permission = Permission(needed)
        if not who.user.can(permission):
            return f"Your role ({who.user.role.value}) may not {DOING[permission]}."
    return str(exc)


def session_user(request: Request) -> Caller | None:
    """The signed-in user (and CSRF token) for an error page's navigation; never raises."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        uid, csrf = request.app.state.sessions.read(cookie)
        with SqlUnitOfWork(request.app.state.engine, readonly=True) as uow:
            stored = uow.users.get_by_id(uid)
    except RxSupplyError:
        return None
    if stored is None or not stored.user.active:
        return None
    return Caller(stored.user, csrf)
