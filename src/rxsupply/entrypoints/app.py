"""The FastAPI application: JSON API under /api, web pages at /, OpenAPI at /docs.

It composes the two faces (``api`` and ``web``, which never import each other) on what they
share (``http``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints import api, web
from rxsupply.entrypoints.api.health import health_status
from rxsupply.entrypoints.api.writer import LedgerWriter
from rxsupply.entrypoints.http import problems
from rxsupply.entrypoints.http.bounded import plain_query
from rxsupply.entrypoints.http.security import PUBLIC, Sessions
from rxsupply.services import users


def create_app(engine: Engine) -> FastAPI:
    """Build the app on a migrated engine."""
    app = FastAPI(
        title="rxsupply",
        summary="Hospital pharmacy supply chain and inventory: stock, ledger, receiving.",
        version="0.1.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
        dependencies=[Depends(plain_query)],
    )
    app.state.engine = engine
    app.state.writer = LedgerWriter(engine)
    with SqlUnitOfWork(engine) as uow:
        app.state.sessions = Sessions(users.session_secret(uow), engine)
    problems.install(app)
    for router in api.ROUTERS:
        app.include_router(router)

    @app.get("/health", tags=["health"], **PUBLIC)
    def health(request: Request) -> dict[str, str]:
        return health_status(request.app.state.engine)

    web.install(app)
    return app


def public_paths(app: FastAPI) -> set[str]:
    """Paths that answer without a user (the role test checks nothing else does)."""
    out: set[str] = set()
    for route in iter_route_contexts(app.routes):
        extra: Any = getattr(route, "openapi_extra", None)
        if extra and extra.get("x-permission") == "public":
            out.add(getattr(route, "path", ""))
    return out
