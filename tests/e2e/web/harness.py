"""What the web tests share: a small hospital on SQLite, users, the app served by uvicorn in a
background thread, GS1 scans of the example products, and where screenshots go."""

from __future__ import annotations

import os
import re
import socket
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from tests.conftest import NOW, load_examples, migrated_sqlite

from rxsupply.adapters import tables
from rxsupply.adapters.gs1 import GS
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.ndc import NDC
from rxsupply.domain.users import Role
from rxsupply.services import users

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient as TestClient  # re-exported for the tests

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "build" / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "web-tests-password"
USERS = {
    "manager": (Role.MANAGER, "Morgan Manager, PharmD"),
    "tech": (Role.TECHNICIAN, "Taylor Tech, CPhT"),
    "auditor": (Role.COMPLIANCE, "Casey Compliance"),
    "admin": (Role.ADMIN, "Avery Admin"),
}
ONDANSETRON_TRAY = "98765-401-02"  # 25 vials a tray, on hand in MAIN-STORE
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')
HTML = {"accept": "text/html,application/xhtml+xml"}


class OnceHasher(Argon2Hasher):
    """Argon2, hashing each password once: the test users share one (slow by design) hash."""

    def __init__(self) -> None:
        super().__init__()
        self._done: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._done:
            self._done[password] = super().hash(password)
        return self._done[password]


def build_hospital(path: Path) -> Engine:
    """The example hospital (items, locations, stock) plus one user per role above."""
    engine = migrated_sqlite(path)
    load_examples(engine, "items", "locations", "stock")
    add_users(engine)
    return engine


def add_users(engine: Engine) -> None:
    """One user per role above, all with ``PASSWORD``."""
    hasher = OnceHasher()
    for username, (role, name) in USERS.items():
        with SqlUnitOfWork(engine) as uow:
            users.add_user(
                uow,
                hasher,
                username=username,
                display_name=name,
                role=role,
                password=PASSWORD,
                now=NOW,
                by="tests",
            )


def require_chromium() -> None:
    """Debian's chromium drives the browser tests; never a downloaded browser."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (make browser)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class ReadyServer(uvicorn.Server):
    """uvicorn's server, with an event set once its startup is over: listening (``started``)
    or failed."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            super().run(sockets=sockets)
        finally:
            self.ready.set()  # it never got as far as startup: do not leave the waiter waiting


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yield its base URL once
    the server says it is listening (its startup event; no polling)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = ReadyServer(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    if not server.ready.wait(timeout=15) or not server.started:
        server.should_exit = True
        raise RuntimeError(f"uvicorn did not start on {url}")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def scan(
    ndc: str = ONDANSETRON_TRAY,
    *,
    lot: str,
    expiry: date,
    serial: str,
    wrong_check_digit: bool = False,
) -> str:
    """The GS1 element string a DataMatrix scanner sends: (01) GTIN, (17) expiry, (10) lot ended
    by a GS separator, (21) serial."""
    gtin = NDC.parse(ndc).gtin14()
    if wrong_check_digit:
        gtin = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    return f"01{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def movement_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.movement)).scalar_one())


def on_hand(engine: Engine, *, location: str, ndc: str, lot: str | None = None) -> int:
    """Units of one NDC (one lot of it) on hand at exactly one location."""
    oh, loc, p, lo = tables.on_hand, tables.location, tables.product, tables.lot
    q = (
        select(func.coalesce(func.sum(oh.c.quantity), 0))
        .join(loc, loc.c.id == oh.c.location_id)
        .join(p, p.c.id == oh.c.product_id)
        .join(lo, lo.c.id == oh.c.lot_id)
        .where(loc.c.code == location, p.c.ndc == ndc)
    )
    if lot is not None:
        q = q.where(lo.c.lot_number == lot)
    with engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def stock_level(engine: Engine, *, item: str, location: str) -> tuple[int, int] | None:
    """Min and max of an item at a location, or None when it has none."""
    sl, it, loc = tables.stock_level, tables.item, tables.location
    q = (
        select(sl.c.min_level, sl.c.max_level)
        .join(it, it.c.id == sl.c.item_id)
        .join(loc, loc.c.id == sl.c.location_id)
        .where(it.c.code == item, loc.c.code == location)
    )
    with engine.connect() as conn:
        row = conn.execute(q).first()
    return None if row is None else (int(row[0]), int(row[1]))


def client_for(app: FastAPI, username: str | None = None) -> TestClient:
    """A browser-like client (asks for HTML), signed in through the login form."""
    client = TestClient(app, headers=HTML, follow_redirects=False)
    if username is not None:
        form = client.get("/login")
        token = LOGIN_TOKEN.search(form.text)
        assert token is not None
        answer = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "login_token": token[1]},
        )
        assert answer.status_code == 303, answer.text
    return client


def csrf_of(client: TestClient, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found is not None
    return found[1]


def form_of(client: TestClient, path: str) -> dict[str, str]:
    """The hidden fields of a writing form, from a fresh GET of its page: the session's CSRF
    token and the form's one-time token (its submit's external id: a resubmit posts nothing)."""
    html = client.get(path).text
    csrf, token = CSRF.search(html), FORM_TOKEN.search(html)
    assert csrf is not None and token is not None, f"{path} has no writing form"
    return {"csrf_token": csrf[1], "token": token[1]}


def alert(html: str) -> str:
    """The text of the page's alert (an error), or ""."""
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split()) if found else ""
