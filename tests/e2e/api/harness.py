"""What the API tests share: an in-process HTTP client, the example hospital's users and tokens,
and the shape of a problem response.

How the app is driven: httpx's ``ASGITransport`` calls the ASGI app in-process, with no server
and no port. It is async, so :class:`Api` runs each request on one event loop kept in a
background thread by an anyio ``BlockingPortal`` and the tests stay plain functions (starlette's
``TestClient`` does the same, but its httpx path is deprecated). Endpoint errors are not turned
into 500s: the transport re-raises them, so a crash shows its traceback in the failing test.

The API reads the clock through ``rxsupply.entrypoints.clock``, looked up at each call; every
API test runs with it pinned at ``NOW`` (``tests/e2e/api/conftest.py``): picking takes only stock
not expired on the facility's day, and the example lots expire from 01/31/2027.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import NOW

from rxsupply.adapters.gs1 import GS
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.ndc import NDC
from rxsupply.domain.users import Role, User
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.http.problems import PROBLEM
from rxsupply.services import users
from rxsupply.services.users import PasswordHasher

ITEM = "ONDA4INJ"
"""ondansetron 4 mg/2 mL vial: 30 on hand in pocket ICU-ADC1-P01, 250 + 100 in MAIN-STORE."""
LOCATION = "ICU-ADC1"
STOREROOM = "MAIN-STORE"
NDC_TEXT = "98765-401-02"
LOT = "ON2411A"
GTIN = NDC.parse(NDC_TEXT).gtin14()
PASSWORD = "correct-horse-battery-staple"
BASE_URL = "http://testserver"


def datamatrix(
    gtin: str = GTIN, *, expiry: str = "300131", lot: str = "ON3001A", serial: str = "SN0001"
) -> str:
    """What a scanner sends for a GS1 DataMatrix: ``]d2``, (01)(17)(10) GS (21)."""
    return f"]d201{gtin}17{expiry}10{lot}{GS}21{serial}"


class Api:
    """Synchronous requests to the app, optionally as an API-token caller."""

    def __init__(self, client: httpx.AsyncClient, portal: BlockingPortal) -> None:
        self._client = client
        self._portal = portal

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> httpx.Response:
        """``files``: a multipart upload, field -> (file name, bytes, content type)."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"

        async def send() -> httpx.Response:
            return await self._client.request(
                method,
                path,
                json=json,
                params=params,
                headers=sent,
                content=content,
                files=files,
            )

        return self._portal.call(send)

    def concurrently(
        self, requests: list[tuple[str, str, str | None, Any]]
    ) -> list[httpx.Response]:
        """Send ``(method, path, token, json)`` requests all at once on the event loop (as
        many clients would); the answers in the same order."""

        async def send_all() -> list[httpx.Response]:
            async def one(method: str, path: str, token: str | None, body: Any) -> httpx.Response:
                headers = {} if token is None else {"Authorization": f"Bearer {token}"}
                return await self._client.request(method, path, json=body, headers=headers)

            return list(await asyncio.gather(*(one(*r) for r in requests)))

        return self._portal.call(send_all)

    def get(
        self,
        path: str,
        *,
        token: str | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        return self.request("GET", path, token=token, params=params, headers=headers)

    def post(
        self,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        return self.request("POST", path, token=token, json=json, headers=headers)


@contextmanager
def serve(app: FastAPI) -> Iterator[Api]:
    """An :class:`Api` on ``app``; redirects are returned, not followed."""
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL, follow_redirects=False
        )
        try:
            yield Api(client, portal)
        finally:
            portal.call(client.aclose)


class QuickHasher:
    """Stands in for argon2 (80 ms a hash) where no one signs in with a password: tests that
    call with API tokens or session cookies made in-process."""

    def hash(self, password: str) -> str:
        return f"quick:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"quick:{password}"

    def dummy_hash(self) -> str:
        return "quick:\x00no one's password"


@dataclass
class Hospital:
    """The app on a database holding the example hospital, with one user per role on demand.

    Each role's user is named after the role (``technician``) and made on first use, with a
    password hash (argon2 unless told otherwise) and an API token.
    """

    engine: Engine
    app: FastAPI
    api: Api
    hasher: PasswordHasher = field(default_factory=Argon2Hasher)
    _tokens: dict[Role, str] = field(default_factory=dict)

    def token(self, role: Role) -> str:
        if role not in self._tokens:
            with SqlUnitOfWork(self.engine) as uow:
                users.add_user(
                    uow,
                    self.hasher,
                    username=role.value,
                    display_name=f"Example {role.value}",
                    role=role,
                    password=PASSWORD,
                    now=NOW,
                    by="tests",
                )
            with SqlUnitOfWork(self.engine) as uow:
                issued = users.issue_token(
                    uow, username=role.value, name="e2e", now=NOW, by="tests"
                )
            self._tokens[role] = issued.token
        return self._tokens[role]

    def user(self, role: Role) -> User:
        self.token(role)
        with SqlUnitOfWork(self.engine) as uow:
            stored = uow.users.get(role.value)
        assert stored is not None
        return stored.user

    def on_hand(self, *, location: str, item: str = ITEM) -> int:
        rows = self.api.get(
            "/api/stock",
            token=self.token(Role.ADMIN),
            params={"location": location, "item": item, "limit": 1000},
        ).json()["data"]
        return sum(int(r["quantity"]) for r in rows)


@contextmanager
def open_hospital(engine: Engine, hasher: PasswordHasher | None = None) -> Iterator[Hospital]:
    """``create_app`` on an engine that already holds the example hospital."""
    app = create_app(engine)
    with serve(app) as api:
        yield Hospital(engine, app, api, hasher or Argon2Hasher())


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The body of an RFC 9457 problem response with ``status``; fails on anything else."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://rxsupply.dev/problems/")
    assert body["title"]
    assert body["detail"]
    return body
