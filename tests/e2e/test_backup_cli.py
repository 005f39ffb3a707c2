"""``rxsupply backup`` and ``rxsupply restore`` on a SQLite file: a consistent copy taken while
others write, and a copy brought back whole, checked, upgraded when older, refused when it is
not one or when the database is in use."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from tests.conftest import CLOCK, EXAMPLES, TESTER
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.backups import known_revisions
from rxsupply.adapters.database import alembic_config, make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import ledger

KINDS = ("items", "locations", "stock", "dispenses")


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    for kind in KINDS:
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    return rx


def receive(db: Path, lot: str, quantity: int = 10) -> None:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with SqlUnitOfWork(engine) as uow:
            ledger.post_one(
                uow,
                ledger.Receive(
                    user=TESTER,
                    location="MAIN-STORE",
                    product="98765-401-02",
                    lot=lot,
                    expiry=date(2028, 1, 31),
                    quantity=quantity,
                ),
                clock=CLOCK,
            )
    finally:
        engine.dispose()


def audit_actions(db: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute(
            "SELECT action, user_name FROM audit WHERE entity = 'database' ORDER BY id"
        ).fetchall()
    return [(a, u) for a, u in rows]


def test_a_backup_restored_brings_back_the_on_hand_of_its_day_and_the_check_is_clean(
    hospital: Rx, tmp_path: Path
) -> None:
    backup = tmp_path / "monday.db"
    before = hospital.stock()
    taken = hospital("backup", str(backup), "--json").json()
    receive(hospital.db, "LATER1")
    recorded = audit_actions(hospital.db)

    ran = hospital("restore", str(backup))

    assert ran.code == 0, ran.err
    assert hospital.stock() == before
    assert hospital("check").code == 0
    assert (
        f"restored {backup} by {TESTER}: revision {taken['revision']}, "
        f"{taken['movements']} movements, {taken['on_hand']:,} units on hand"
    ) in " ".join(ran.out.split())
    assert taken["on_hand"] == sum(before.values())
    assert recorded == [("back_up", TESTER)]
    assert audit_actions(hospital.db) == [("restore", TESTER)]  # the backup's day had none


def test_a_backup_taken_while_another_writer_posts_is_one_consistent_snapshot(
    hospital: Rx, tmp_path: Path
) -> None:
    stop = threading.Event()

    def keep_receiving() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            receive(hospital.db, f"BUSY{n}", quantity=n)

    writer = threading.Thread(target=keep_receiving)
    writer.start()
    try:
        taken = [hospital("backup", str(tmp_path / f"b{n}.db"), "--json") for n in range(3)]
    finally:
        stop.set()
        writer.join()

    for n, ran in enumerate(taken):
        assert ran.code == 0, ran.err
        facts = ran.json()
        with closing(sqlite3.connect(tmp_path / f"b{n}.db")) as con:
            (movements,) = con.execute("SELECT count(*) FROM movement").fetchone()
            (on_hand,) = con.execute("SELECT sum(quantity) FROM on_hand").fetchone()
            (journal,) = con.execute("PRAGMA journal_mode").fetchone()
        assert (movements, on_hand) == (facts["movements"], facts["on_hand"])
        assert journal == "delete"  # one file, no WAL to carry along
        assert Rx(tmp_path / f"b{n}.db", hospital.capsys)("check").code == 0


def test_a_restore_names_who_does_it(
    hospital: Rx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hospital("backup", str(tmp_path / "b.db")).code == 0
    monkeypatch.delenv("RXSUPPLY_USER")

    ran = hospital("restore", str(tmp_path / "b.db"))

    assert ran.code == 1
    assert "name who does this" in ran.message


def test_a_file_that_is_not_an_rxsupply_database_is_refused_and_nothing_changes(
    hospital: Rx, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as con:
        con.execute("CREATE TABLE notes (body TEXT)")
    before = hospital.stock()

    not_sqlite = hospital("restore", str(EXAMPLES / "items.csv"))
    not_ours = hospital("restore", str(other))

    assert not_sqlite.code == 1
    assert "items.csv is not an SQLite database" in not_sqlite.message
    assert not_ours.code == 1
    assert "other.db is not an rxsupply database (it has no migration revision)" in not_ours.message
    assert hospital.stock() == before
    assert not list(tmp_path.glob(".rx.db.*"))  # no staged copy left behind


def test_a_backup_from_a_newer_rxsupply_is_refused(hospital: Rx, tmp_path: Path) -> None:
    backup = tmp_path / "newer.db"
    assert hospital("backup", str(backup)).code == 0
    with closing(sqlite3.connect(backup)) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()

    ran = hospital("restore", str(backup))

    assert ran.code == 1
    assert "is at migration revision 9999, which this version of rxsupply does not know" in (
        ran.message
    )
    assert hospital("check").code == 0


def test_a_backup_from_an_older_revision_is_upgraded_as_it_is_restored(
    rx: Rx, tmp_path: Path
) -> None:
    older = tmp_path / "older.db"
    engine = make_engine(f"sqlite:///{older}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0038")
    engine.dispose()

    ran = rx("restore", str(older), "--json")
    head = known_revisions()[-1]

    assert ran.code == 0, ran.err
    assert ran.json() | {"source": ""} == {
        "source": "",
        "revision": head,
        "upgraded_from": "0038",
        "movements": 0,
        "on_hand": 0,
    }
    with closing(sqlite3.connect(rx.db)) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)


@contextmanager
def held_open(db: Path) -> Iterator[None]:
    """Another process with a connection to ``db`` open, as a running server has."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('PRAGMA journal_mode=WAL'); c.execute('SELECT 1 FROM movement').fetchall();"
            " print('open', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)


def test_a_restore_is_refused_while_another_process_has_the_database_open(
    hospital: Rx, tmp_path: Path
) -> None:
    backup = tmp_path / "b.db"
    assert hospital("backup", str(backup)).code == 0
    receive(hospital.db, "LATER1")
    after = hospital.stock()

    with held_open(hospital.db):
        refused = hospital("restore", str(backup))
    kept = hospital.stock()
    allowed = hospital("restore", str(backup))

    assert refused.code == 1
    assert "is open in another process" in refused.message
    assert kept == after
    assert allowed.code == 0, allowed.err
    assert hospital.stock() != after


def test_a_backup_restored_in_place_of_a_missing_database_creates_it(
    hospital: Rx, tmp_path: Path
) -> None:
    backup = tmp_path / "b.db"
    assert hospital("backup", str(backup)).code == 0
    before = hospital.stock()
    fresh = Rx(tmp_path / "new" / "rx.db", hospital.capsys)
    fresh.db.parent.mkdir()

    ran = fresh("restore", str(backup))

    assert ran.code == 0, ran.err
    assert fresh.stock() == before
