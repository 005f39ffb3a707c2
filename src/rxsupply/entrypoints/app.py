"""The FastAPI application: JSON API under /api, web pages at /, OpenAPI at /docs.

It composes the two faces (``api`` and ``web``, which never import each other) on what they
share (``http``), behind two middlewares: the request body cap (``RXSUPPLY_MAX_BODY_BYTES``,
before anyone is authenticated; :mod:`.http.body_limit`) and the security headers on every
response (:mod:`.http.security_headers`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.entrypoints import api, web
from rxsupply.entrypoints.api.docs import swagger_page
from rxsupply.entrypoints.api.health import health_status
from rxsupply.entrypoints.api.writer import LedgerWriter
from rxsupply.entrypoints.http import outages, problems
from rxsupply.entrypoints.http.body_limit import BodyLimit
from rxsupply.entrypoints.http.bounded import plain_form, plain_query
from rxsupply.entrypoints.http.security import PUBLIC, Sessions
from rxsupply.entrypoints.http.security_headers import SecurityHeaders, server_error
from rxsupply.services import users


def create_app(engine: Engine) -> FastAPI:
    """Build the app on a migrated engine."""
    app = FastAPI(
        title="rxsupply",
        summary="Hospital pharmacy supply chain and inventory: stock, ledger, receiving.",
        version="0.1.0",
        docs_url=None,  # served below from the package, not a CDN
        openapi_url="/openapi.json",
        redoc_url=None,
        dependencies=[Depends(plain_query), Depends(plain_form)],
    )
    settings = load_settings()
    app.state.engine = engine
    app.state.writer = LedgerWriter(engine)
    with SqlUnitOfWork(engine) as uow:
        app.state.sessions = Sessions(users.session_secret(uow), engine)
    problems.install(app)
    outages.install(app)
    for router in api.ROUTERS:
        app.include_router(router)

    @app.get("/health", tags=["health"], **PUBLIC)
    def health(request: Request) -> dict[str, str]:
        return health_status(request.app.state.engine)

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return swagger_page(title=app.title, openapi_url="/openapi.json")

    web.install(app)
    app.add_middleware(BodyLimit, cap=settings.max_body_bytes, allowances=api.UPLOADS | web.UPLOADS)
    app.add_middleware(SecurityHeaders, secure=settings.secure_cookies)
    app.add_exception_handler(Exception, server_error(secure=settings.secure_cookies))
    return app


def from_environment() -> FastAPI:
    """The app on ``RXSUPPLY_DATABASE_URL``, for a process manager that starts the workers
    itself: ``uvicorn --factory rxsupply.entrypoints.app:from_environment --workers 4`` or
    gunicorn's ``-k uvicorn.workers.UvicornWorker``. The database must be migrated first
    (any ``rxsupply`` command does it), so the workers do not race to migrate it."""
    return create_app(make_engine(load_settings().database_url))


def public_paths(app: FastAPI) -> set[str]:
    """Paths that answer without a user (the role test checks nothing else does)."""
    out: set[str] = set()
    for route in iter_route_contexts(app.routes):
        extra: Any = getattr(route, "openapi_extra", None)
        if extra and extra.get("x-permission") == "public":
            out.add(getattr(route, "path", ""))
    return out
