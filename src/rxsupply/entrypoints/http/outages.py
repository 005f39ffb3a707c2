"""The database failing under a request (its connection lost, the server restarting, the disk
full): a 503 problem response the client can retry, never a bare 500.

Units of work that lost their connection before COMMIT are already run again
(:func:`rxsupply.adapters.unit_of_work.run_with_retry`); what reaches here failed again, or
failed during COMMIT, when whether it was written is unknown: a write sent again with its
``external_id`` is recorded once either way.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError

from rxsupply.entrypoints.http.problems import problem

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 1


def is_outage(exc: DBAPIError) -> bool:
    """A failure of the database itself, not of the request: a lost connection, or an
    operational error (disk full, server shutting down, too many connections)."""
    return exc.connection_invalidated or isinstance(exc, OperationalError)


def install(app: FastAPI) -> None:
    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if not is_outage(exc):
            raise exc  # a bug: the server's own 500
        log.warning("database unavailable during %s %s: %s", request.method, request.url, exc)
        response = problem(
            503,
            "database-unavailable",
            "Database unavailable",
            "the database failed during this request; send it again in a moment (a write "
            "sent again with its external_id is recorded once)",
            request,
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
