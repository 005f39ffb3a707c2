"""What the fault tests share: a fresh database (a SQLite file, or a PostgreSQL database of its
own when RXSUPPLY_TEST_POSTGRES_URL is set), the command line and ``rxsupply serve`` run in
processes of their own (so they can be killed) with the tests' clock, and waiting on them.

A process is started through :data:`LAUNCH`, which pins ``entrypoints.clock.now`` to the
tests' ``NOW`` before running the command line, as the in-process tests patch it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.conftest import NOW, POSTGRES_URL, load_examples

from rxsupply.adapters.database import make_engine, migrate
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.services import users

LAUNCH = (
    "import sys, datetime\n"
    "import rxsupply.entrypoints.clock as clock\n"
    f"clock.now = lambda: datetime.datetime.fromisoformat({NOW.isoformat()!r})\n"
    "from rxsupply.entrypoints.cli import main\n"
    "main(sys.argv[1:])\n"
)
ADMIN = "admin"
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database of ``kind`` (``sqlite`` or ``postgres``) with the
    example hospital's items and locations; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'rx.db'}"
        _seed(url)
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    name = f"rx_faults_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _seed(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
        load_examples(engine, "items", "locations")
        with SqlUnitOfWork(engine) as uow:
            users.add_user(
                uow,
                Argon2Hasher(),
                username=ADMIN,
                display_name="Admin",
                role=Role.ADMIN,
                password="fault-tests-admin",
                now=NOW,
                by="",
            )
    finally:
        engine.dispose()


def admin_token(url: str) -> str:
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine) as uow:
            return users.issue_token(uow, username=ADMIN, name="faults", now=NOW, by=ADMIN).token
    finally:
        engine.dispose()


def stock_csv(path: Path, rows: int, *, lot: str = "BIG") -> Path:
    """An opening-stock file of ``rows`` lots at the storeroom (1 to 50 units each)."""
    lines = ["location,ndc,lot,expiry,quantity"]
    lines += [f"MAIN-STORE,98765-401-02,{lot}{n:06d},2030-12-31,{n % 50 + 1}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def rxsupply(
    url: str, *args: str, preexec: Callable[[], None] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``rxsupply --db URL --user admin ARGS`` in a process of its own, to the end."""
    return subprocess.run(
        command(url, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec,
        check=False,
    )


def command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-c", LAUNCH, "--db", url, "--user", ADMIN, *args]


def kill(process: subprocess.Popen[Any]) -> None:
    """SIGKILL: no handler, no cleanup, no rollback by the process itself."""
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """``rxsupply serve`` in its own process."""

    url: str
    base: str
    process: subprocess.Popen[str]

    def kill(self) -> None:
        kill(self.process)


@contextmanager
def serve(url: str, *, workers: int = 8) -> Iterator[Served]:
    """Start ``rxsupply serve`` on a free port; yield once /health answers; stop it after."""
    port = free_port()
    process = subprocess.Popen(
        [*command(url, "serve", "--port", str(port), "--workers", str(workers))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION": "0"},
    )
    served = Served(url, f"http://127.0.0.1:{port}", process)

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr and process.stderr.read()}")
        try:
            return httpx.get(f"{served.base}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(healthy, timeout=60, what="the server to answer /health")
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                kill(process)
        if process.stderr is not None:
            process.stderr.close()


def receipt(n: int, *, lot: str = "KILL1") -> dict[str, Any]:
    """The ``n``-th receipt of a run: ``n + 1`` units, with an external id of its own."""
    return {
        "location": "MAIN-STORE",
        "product": "98765-401-02",
        "lot": lot,
        "expiry": date(2030, 12, 31).isoformat(),
        "quantity": n + 1,
        "external_id": f"R-{n:05d}",
    }
