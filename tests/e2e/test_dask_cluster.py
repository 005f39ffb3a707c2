"""``rxsupply plan --scheduler tcp://...`` on a real Dask cluster (a scheduler and two workers,
each its own process started with the ``dask`` command line) writes the same plan as a local
run, from the same database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from tests.conftest import POSTGRES_URL
from tests.e2e.cli_runner import Rx
from tests.e2e.test_planning_cli import AT_DEMO, DEMO_NOW

import rxsupply
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.cli import context
from rxsupply.services.demo import build_demo

DASK = Path(sys.executable).with_name("dask")
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):  # workers first, then the scheduler
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``dask scheduler`` and two ``dask worker`` processes on free ports of 127.0.0.1, the
    workers importing this checkout's rxsupply; all three killed at the end."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask")
    src = str(Path(rxsupply.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = ["--no-dashboard"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), *quiet],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(logs / "scheduler.log").open("wb"),
            )
        )
        for n in range(WORKERS):
            procs.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--name",
                        f"worker-{n}",
                        "--no-nanny",  # the worker is the process: stopping it stops all
                        *quiet,
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"worker-{n}.log").open("wb"),
                )
            )
        client_class: Any = Client
        deadline = time.monotonic() + 60
        while True:  # the scheduler takes a moment to listen
            try:
                with client_class(address, timeout=5) as client:
                    client.wait_for_workers(WORKERS, timeout=60)
                    break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        _stop(procs)


def _cli_url(engine: Engine) -> str:
    """The URL ``--db`` takes for ``engine`` (a PostgreSQL test schema by its search path)."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    assert POSTGRES_URL is not None
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def test_plan_on_a_two_worker_cluster_writes_exactly_the_local_plan(
    engine: Engine, scheduler: str, rx: Rx, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with SqlUnitOfWork(engine) as uow:
        build_demo(uow, demo_items(), clock=AT_DEMO, user="demo", seed=5, days=45)
    monkeypatch.setattr(context, "now", lambda: DEMO_NOW)
    db = _cli_url(engine)
    local, spread = tmp_path / "local.csv", tmp_path / "cluster.csv"

    ran_local = rx("--db", db, "plan", "--out", str(local))
    ran_spread = rx(
        "--db", db, "plan", "--scheduler", scheduler, "--partitions", "5", "--out", str(spread)
    )

    assert (ran_local.code, ran_spread.code) == (0, 0), ran_local.err + ran_spread.err
    rows = local.read_text().splitlines()
    assert len(rows) > 5_000  # every pocket and storeroom line of the demo hospital
    assert spread.read_text() == local.read_text()
