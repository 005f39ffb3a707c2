"""The FastAPI application: JSON API under /api, web pages at /, OpenAPI at /docs."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.api import planning_routes, problems
from rxsupply.entrypoints.api.routes import health_status, router
from rxsupply.entrypoints.api.security import PUBLIC, Sessions
from rxsupply.entrypoints.api.writer import LedgerWriter
from rxsupply.entrypoints.web import pages
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
    )
    app.state.engine = engine
    app.state.writer = LedgerWriter(engine)
    with SqlUnitOfWork(engine) as uow:
        app.state.sessions = Sessions(users.session_secret(uow), engine)
    problems.install(app)
    app.include_router(router)
    app.include_router(planning_routes.router)

    @app.get("/health", tags=["health"], **PUBLIC)
    def health(request: Request) -> dict[str, str]:
        return health_status(request.app.state.engine)

    pages.install(app)
    return app


def public_paths(app: FastAPI) -> set[str]:
    """Paths that answer without a user (the role test checks nothing else does)."""
    out: set[str] = set()
    for route in iter_route_contexts(app.routes):
        extra: Any = getattr(route, "openapi_extra", None)
        if extra and extra.get("x-permission") == "public":
            out.add(getattr(route, "path", ""))
    return out
