"""Whether the server and its database answer: ``/api/health`` here, ``/health`` on the app."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import Engine

from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import PUBLIC

router = APIRouter(prefix="/api")


@router.get("/health", tags=["health"], **PUBLIC)
def health_under_api(engine: EngineDep) -> dict[str, str]:
    return health_status(engine)


def health_status(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok", "database": engine.dialect.name}
