"""Request dependencies of the API and the pages: the app's database engine, and one page of a
JSON list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(engine_of)]


def page(rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """A page of a list: ``data`` plus where the next page starts (null on the last).

    Callers fetch ``limit + 1`` rows; the extra row only says that another page exists."""
    more = len(rows) > limit
    return {
        "data": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }
