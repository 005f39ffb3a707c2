"""``rxsupply backup`` and ``rxsupply restore`` on PostgreSQL (pg_dump and pg_restore), on a
database of its own: a dump holds a whole database, not the tests' schema."""

from __future__ import annotations

import uuid
from datetime import date
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.conftest import POSTGRES_URL, TESTER, load_examples, post
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.database import make_engine, migrate
from rxsupply.services import ledger

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_database() -> Iterator[str]:
    """The URL of a fresh database with the example hospital in it, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    name = f"rx_backup_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    load_examples(engine, "items", "locations", "stock", "dispenses")
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_postgresql_backup_restored_brings_back_its_on_hand_and_the_check_is_clean(
    pg_database: str, rx: Rx, tmp_path: Path
) -> None:
    db = Rx(pg_database, rx.capsys)  # type: ignore[arg-type]
    before = db.stock()
    taken = db("backup", str(tmp_path / "rx.dump"), "--json")
    engine = make_engine(pg_database)
    post(
        engine,
        ledger.Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-401-02",
            lot="LATER1",
            expiry=date(2028, 1, 31),
            quantity=10,
        ),
    )
    engine.dispose()

    ran = db("restore", str(tmp_path / "rx.dump"), "--json")

    assert taken.code == 0, taken.err
    assert ran.code == 0, ran.err
    assert db.stock() == before
    assert db("check").code == 0
    facts = taken.json()
    assert facts["on_hand"] == sum(before.values())
    assert ran.json() | {"source": ""} == {
        "source": "",
        "revision": facts["revision"],
        "movements": facts["movements"],
        "on_hand": facts["on_hand"],
        "upgraded_from": None,
    }


def test_a_postgresql_restore_is_refused_while_others_are_connected(
    pg_database: str, rx: Rx, tmp_path: Path
) -> None:
    db = Rx(pg_database, rx.capsys)  # type: ignore[arg-type]
    assert db("backup", str(tmp_path / "rx.dump")).code == 0
    server = make_engine(pg_database)

    with server.connect():
        ran = db("restore", str(tmp_path / "rx.dump"))
    server.dispose()

    assert ran.code == 1
    assert "other connection(s)" in ran.message
