"""Shared fixtures: databases (SQLite always, PostgreSQL when RXSUPPLY_TEST_POSTGRES_URL is
set), the example hospital, fixed clocks, and the paths of the shared public data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.database import make_engine, migrate, postgres_schema
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import imports

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("RXSUPPLY_TEST_POSTGRES_URL")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
EASTERN = ZoneInfo("America/New_York")

_pg_ran = 0
_pg_skipped = 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, so .ci/run can count them."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = "pg_engine" in getattr(item, "fixturenames", ()) or (
            callspec is not None and callspec.params.get("engine") == "postgres"
        )
        if on_pg:
            item.add_marker(pytest.mark.postgres)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count PostgreSQL tests on the controller (works under xdist) for .ci/run."""
    global _pg_ran, _pg_skipped
    if "postgres" not in report.keywords:
        return
    if report.when == "call" and report.passed:
        _pg_ran += 1
    elif report.skipped:
        _pg_skipped += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    out = ROOT / "build" / "postgres-tests.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(f"{_pg_ran} {_pg_skipped}\n")


def _postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    name = f"rx_test_{uuid.uuid4().hex[:12]}"
    with postgres_schema(POSTGRES_URL, name) as engine:
        migrate(engine)
        yield engine


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each engine rxsupply supports."""
    if request.param == "postgres":
        yield from _postgres_engine()
        return
    eng = make_engine(f"sqlite:///{tmp_path / 'rx.db'}")
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'rx.db'}")
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    yield from _postgres_engine()


def load_examples(engine: Engine, *kinds: str) -> None:
    """Import the files under examples/ in dependency order."""
    order = kinds or ("items", "locations", "stock", "dispenses", "purchases")
    for kind in order:
        required, optional = imports.COLUMNS[kind]
        table = read_csv_table(EXAMPLES / f"{kind}.csv", required=required, optional=optional)
        with SqlUnitOfWork(engine) as uow:
            if kind == "items":
                imports.import_items(uow, table, now=NOW)
            elif kind == "locations":
                imports.import_locations(uow, table, now=NOW)
            elif kind == "stock":
                imports.import_stock(uow, table, now=NOW, local=EASTERN)
            elif kind == "dispenses":
                imports.import_dispenses(uow, table, now=NOW, local=EASTERN)
            else:
                imports.import_purchases(uow, table, now=NOW)


@pytest.fixture
def hospital(engine: Engine) -> Engine:
    """The example hospital (examples/*.csv) on each database."""
    load_examples(engine, "items", "locations", "stock")
    return engine


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data {path} is not present")
    return path
