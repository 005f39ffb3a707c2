"""``rxsupply check`` names each movement, audit entry and external id altered, inserted or
deleted behind rxsupply's back, on both databases, in the ways plain SQL gets past the
append-only triggers: on SQLite by dropping them or with ``INSERT OR REPLACE``; on PostgreSQL,
as the tables' owner, with ``DISABLE TRIGGER``, ``session_replication_role = replica`` and
``TRUNCATE``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import NOW, POSTGRES_URL, TESTER, post
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.ledger_chain import Cover
from rxsupply.services.audit import entry
from rxsupply.services.ledger import Dispense

Named = tuple[str, int, int | None, str]  # table, the row tampered, the id named, problem
Tamper = Callable[[Connection], Named]


def cli_url(engine: Engine) -> str:
    """The URL the command line reaches the test database by (PostgreSQL: its schema)."""
    if engine.dialect.name == "sqlite":
        return str(engine.url)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def rx(hospital: Engine, capsys: pytest.CaptureFixture[str]) -> Rx:
    """The command line on the example hospital, which has dispensed twice by ADC message."""
    for n in (1, 2):
        post(
            hospital,
            Dispense(
                location="ICU-ADC1",
                item="ONDA4INJ",
                quantity=1,
                external_id=ExternalId("txn", f"ICU1-00{n}"),
                user=TESTER,
            ),
        )
    return Rx(Path(), capsys, url=cli_url(hospital))


def highest(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT max(id) FROM {table}")).scalar_one())


def covering(conn: Connection, table: str, row_id: int) -> int:
    """The seq of the chain entry that covers a row."""
    for seq, subject in conn.execute(text("SELECT seq, subject FROM ledger_chain")):
        if row_id in set(Cover.parse(subject).ids(table)):
            return int(seq)
    raise AssertionError(f"no entry covers {table} {row_id}")


def _without_triggers(conn: Connection, table: str) -> None:
    if conn.dialect.name == "sqlite":
        for name in conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table},
        ).scalars():
            conn.execute(text(f"DROP TRIGGER {name}"))
    else:
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def edit_movement(conn: Connection) -> Named:
    _without_triggers(conn, "movement")
    row = highest(conn, "movement")
    conn.execute(text("UPDATE movement SET note = 'edited' WHERE id = :id"), {"id": row})
    return "movement", row, None, "altered"


def delete_audit(conn: Connection) -> Named:
    _without_triggers(conn, "audit")
    row = highest(conn, "audit") - 1
    conn.execute(text("DELETE FROM audit WHERE id = :id"), {"id": row})
    return "audit", row, row, "deleted"


def delete_external_ref(conn: Connection) -> Named:
    _without_triggers(conn, "external_ref")
    row = highest(conn, "external_ref")
    conn.execute(text("DELETE FROM external_ref WHERE id = :id"), {"id": row})
    return "external_ref", row, row, "deleted"


def insert_movement(conn: Connection) -> Named:
    row = highest(conn, "movement") + 1
    conn.execute(
        text(
            "INSERT INTO movement (id, kind, occurred_at, recorded_at, product_id, lot_id, "
            "quantity, from_location_id, to_location_id, external_id, reference, user_name, "
            "note, unit_cost, approved_by) SELECT :id, kind, occurred_at, recorded_at, "
            "product_id, lot_id, quantity, from_location_id, to_location_id, NULL, reference, "
            "user_name, note, unit_cost, approved_by FROM movement WHERE id = :id - 1"
        ),
        {"id": row},
    )
    return "movement", row, row, "inserted"


def replace_audit(conn: Connection) -> Named:
    """SQLite: ``INSERT OR REPLACE`` deletes the row it replaces; refused while the DELETE
    trigger stands (recursive triggers), named by the chain once it is dropped."""
    row = highest(conn, "audit")
    replace = text(
        "INSERT OR REPLACE INTO audit (id, at, user_name, approved_by, action, entity, "
        "entity_key, before, after) SELECT id, at, 'mallory', approved_by, action, entity, "
        "entity_key, before, after FROM audit WHERE id = :id"
    )
    with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
        conn.execute(replace, {"id": row})
    _without_triggers(conn, "audit")
    conn.execute(replace, {"id": row})
    return "audit", row, None, "altered"


def replica_update(conn: Connection) -> Named:
    """PostgreSQL: no trigger fires for a session in replica mode (superuser)."""
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    row = highest(conn, "external_ref")
    conn.execute(
        text("UPDATE external_ref SET external_id = 'txn:forged' WHERE id = :id"), {"id": row}
    )
    return "external_ref", row, None, "altered"


def replica_delete(conn: Connection) -> Named:
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    row = highest(conn, "movement")
    conn.execute(text("DELETE FROM movement WHERE id = :id"), {"id": row})
    return "movement", row, row, "deleted"


def truncate_audit(conn: Connection) -> Named:
    row = int(conn.execute(text("SELECT min(id) FROM audit")).scalar_one())
    conn.execute(text("TRUNCATE audit"))
    return "audit", row, row, "deleted"


BOTH: dict[str, Tamper] = {
    "edit a movement": edit_movement,
    "delete an audit entry": delete_audit,
    "delete an external id": delete_external_ref,
    "insert a movement": insert_movement,
}
ONLY: dict[str, dict[str, Tamper]] = {
    "sqlite": {"INSERT OR REPLACE an audit entry": replace_audit},
    "postgresql": {
        "update an external id as a replica": replica_update,
        "delete a movement as a replica": replica_delete,
        "TRUNCATE the audit trail": truncate_audit,
    },
}
CASES = [*BOTH, *ONLY["sqlite"], *ONLY["postgresql"]]


def breaks(ran: Any) -> list[dict[str, Any]]:
    return [row for row in ran.json() if "problem" in row]


def test_check_passes_on_an_untouched_ledger(rx: Rx) -> None:
    ran = rx("check")

    assert ran.code == 0, ran.out
    assert "ledger chain:" in ran.out and "entries hold" in ran.out


@pytest.mark.parametrize("case", CASES)
def test_check_names_a_ledger_row_changed_behind_rxsupplys_back(
    hospital: Engine, rx: Rx, case: str
) -> None:
    dialect = hospital.dialect.name
    tamper = BOTH.get(case) or ONLY[dialect].get(case)
    if tamper is None:  # a way in on the other database only (CI allows no skipped PG test)
        assert any(case in ways for other, ways in ONLY.items() if other != dialect)
        return
    with hospital.begin() as conn:
        table, row, named, problem = tamper(conn)
        seq = None if problem == "inserted" else covering(conn, table, row)

    ran = rx("check", "--json")

    assert ran.code == 1
    first = breaks(ran)[0]
    assert (first["seq"], first["id"], first["problem"]) == (seq, named, problem)
    # an edited row is named by its entry (the tables it covers); a row gone or added by id
    assert table in first["table"].split(",") and table in first["reason"]
    assert first["table"] == table or problem == "altered"


def test_a_resend_after_its_external_id_was_deleted_is_refused_while_the_guard_stands_and_named_by_check_when_it_was_dropped(  # noqa: E501
    hospital: Engine, rx: Rx
) -> None:
    resend = Dispense(
        location="ICU-ADC1",
        item="ONDA4INJ",
        quantity=1,
        external_id=ExternalId("txn", "ICU1-001"),
        user=TESTER,
    )
    forget = text("DELETE FROM external_ref WHERE external_id = 'txn:ICU1-001'")
    with pytest.raises(DBAPIError, match="append-only"), hospital.begin() as conn:
        conn.execute(forget)
    assert post(hospital, resend).duplicate
    with hospital.begin() as conn:
        row = int(
            conn.execute(
                text("SELECT id FROM external_ref WHERE external_id = 'txn:ICU1-001'")
            ).scalar_one()
        )
        _without_triggers(conn, "external_ref")
        conn.execute(forget)

    posted_again = post(hospital, resend)
    ran = rx("check", "--json")

    assert not posted_again.duplicate  # the database alone can no longer tell...
    first = breaks(ran)[0]  # ...but the chain can: the claim the first posting made is gone
    assert (ran.code, first["table"], first["id"], first["problem"]) == (
        1,
        "external_ref",
        row,
        "deleted",
    )


def test_a_row_inserted_behind_the_back_while_a_write_is_open_is_not_sealed_by_that_write(
    hospital: Engine, rx: Rx
) -> None:
    """On PostgreSQL a write's seal took every row above the ids it noted when it began: an
    owner's insert committed in the meantime was sealed as the write's own and never named.
    The seal takes the rows its own transaction inserted (their ``xmin``). SQLite writers are
    serial: nothing commits while a write is open."""
    if hospital.dialect.name == "sqlite":
        return
    with SqlUnitOfWork(hospital) as uow:
        uow.audit.add(entry(user=TESTER, action="note", entity="test", key="open", now=NOW))
        with hospital.begin() as owner:
            _, row, _, _ = insert_movement(owner)
        uow.commit()

    ran = rx("check", "--json")

    assert ran.code == 1
    first = breaks(ran)[0]
    assert (first["table"], first["id"], first["problem"]) == ("movement", row, "inserted")


def test_an_entry_forged_with_overlapping_id_ranges_is_named_not_a_crash(
    hospital: Engine, rx: Rx
) -> None:
    """The application's role may insert chain entries: one naming rows twice
    (``movement:1-3,2-4``) is reported as forged, and the check goes on to the end."""
    with hospital.begin() as conn:
        head = int(conn.execute(text("SELECT max(seq) FROM ledger_chain")).scalar_one())
        conn.execute(
            text(
                "INSERT INTO ledger_chain (seq, kind, subject, digest, prev_hash, hash, "
                "recorded_at, user_name, external_ref_high) SELECT seq + 1, kind, "
                "'movement:1-3,2-4', digest, hash, hash, recorded_at, user_name, "
                "external_ref_high FROM ledger_chain WHERE seq = :seq"
            ),
            {"seq": head},
        )

    ran = rx("check", "--json")

    assert ran.code == 1, ran.err
    forged = [b for b in breaks(ran) if b["seq"] == head + 1 and b["problem"] == "forged"]
    assert any("overlapping" in b["reason"] for b in forged), forged
