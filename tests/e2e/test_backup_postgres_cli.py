"""``rxsupply backup`` and ``rxsupply restore`` on PostgreSQL (pg_dump and pg_restore), on a
database of its own: a dump holds a whole database, not the tests' schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import TESTER, load_examples, post
from tests.e2e.cli_runner import Rx
from tests.e2e.fault_harness import ADMIN, fresh_database

from rxsupply.adapters.database import make_engine
from rxsupply.services import ledger

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database with the example hospital's stock and dispenses."""
    with fresh_database("postgres", tmp_path) as url:
        engine = make_engine(url)
        load_examples(engine, "stock", "dispenses")
        engine.dispose()
        yield url


def test_a_postgresql_backup_restored_brings_back_its_on_hand_and_the_check_is_clean(
    pg_database: str, rx: Rx, tmp_path: Path
) -> None:
    db = Rx(pg_database, rx.capsys)  # type: ignore[arg-type]  # a URL, as --db takes
    before = db.stock()
    taken = db("--user", ADMIN, "backup", str(tmp_path / "rx.dump"), "--json")
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

    ran = db("--user", ADMIN, "restore", str(tmp_path / "rx.dump"), "--json")

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
    assert db("--user", ADMIN, "backup", str(tmp_path / "rx.dump")).code == 0
    server = make_engine(pg_database)

    with server.connect():
        ran = db("--user", ADMIN, "restore", str(tmp_path / "rx.dump"))
    server.dispose()

    assert ran.code == 1
    assert "other connection(s)" in ran.message
