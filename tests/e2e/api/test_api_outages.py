"""A database that fails under a request is answered 503 with a problem document and
Retry-After, which a client can act on; any other database error stays a server error."""

from __future__ import annotations

import sqlite3
import warnings

from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError, OperationalError

from rxsupply.entrypoints.http import outages, problems

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


def app_failing_with(exc: Exception) -> TestClient:
    app = FastAPI()
    problems.install(app)
    outages.install(app)

    @app.get("/fails")
    def fails() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


def test_a_database_failing_under_a_request_is_a_503_problem_to_retry() -> None:
    client = app_failing_with(
        OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))
    )

    answer = client.get("/fails")

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["type"] == "https://rxsupply.dev/problems/database-unavailable"
    assert "external_id" in answer.json()["detail"]


def test_a_constraint_broken_by_a_bug_stays_a_server_error() -> None:
    client = app_failing_with(IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("NOT NULL")))

    answer = client.get("/fails")

    assert answer.status_code == 500
