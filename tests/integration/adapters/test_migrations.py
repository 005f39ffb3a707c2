"""The Alembic migrations build exactly the schema the code's tables describe."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from tests.conftest import POSTGRES_URL, TESTER, post

from rxsupply.adapters import tables as t
from rxsupply.adapters.database import (
    HEAD,
    alembic_config,
    current_revisions,
    has_schema,
    head_revisions,
    make_engine,
    migrate,
    postgres_schema,
)
from rxsupply.adapters.tables import metadata
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.services import users
from rxsupply.services.ledger import Dispense
from rxsupply.services.ledger.chain_check import verify_ledger_chain


def test_migrating_an_empty_database_matches_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)

        differences = compare_metadata(context, metadata)

    assert differences == []


def test_the_location_path_migration_records_the_tree_already_there(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'before-0008.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0007")
        conn.execute(
            text(
                "INSERT INTO location (id, code, name, kind, parent_id, unit) VALUES "
                "(1, 'SYS', 'system', 'system', NULL, ''), "
                "(2, 'MAIN', 'hospital', 'facility', 1, ''), "
                "(3, 'ADC', 'cabinet', 'adc', 2, '')"
            )
        )

    migrate(engine)

    with engine.connect() as conn:
        pairs = set(conn.execute(text("SELECT ancestor_id, location_id FROM location_path")))
    engine.dispose()
    assert pairs == {(1, 1), (2, 2), (3, 3), (1, 2), (1, 3), (2, 3)}


def test_the_accounts_migration_keys_the_users_already_there_the_first_of_look_alikes_only(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'before-0040.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0039")
        conn.execute(
            text(
                "INSERT INTO app_user (id, username, display_name, role, password_hash, active, "
                "created_at) VALUES "
                "(1, 'Ana', 'Ana', 'admin', 'x', 1, '2026-01-01 00:00:00'), "
                "(2, 'ANA', 'Ana again', 'buyer', 'x', 1, '2026-01-02 00:00:00'), "
                "(3, 'bo', 'Bo', 'buyer', 'x', 1, '2026-01-03 00:00:00')"
            )
        )

    migrate(engine)

    with engine.connect() as conn:
        keys = list(conn.execute(text("SELECT username, username_key FROM app_user ORDER BY id")))
        counts = set(conn.execute(text("SELECT failed_count, locked_at FROM app_user")))
    engine.dispose()
    assert [tuple(k) for k in keys] == [("Ana", "ana"), ("ANA", None), ("bo", "bo")]
    assert counts == {(0, None)}


def test_tokens_issued_before_expiry_get_one_and_new_ones_keep_theirs(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'before-0042.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0041")
        conn.execute(
            text(
                "INSERT INTO app_user (id, username, username_key, display_name, role, "
                "password_hash, active, created_at, failed_count) VALUES "
                "(1, 'ana', 'ana', 'Ana', 'admin', 'x', 1, '2026-01-01 00:00:00', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_token (id, user_id, name, token_hash, created_at, revoked, "
                "expires_at) VALUES "
                "(1, 1, 'pump', 'a', '2025-06-01 00:00:00', 0, NULL), "
                "(2, 1, 'cabinet', 'b', '2026-12-01 00:00:00', 0, '2027-03-01 00:00:00')"
            )
        )
    before = datetime.now(UTC)

    migrate(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        tokens = {t.name: t.expires_at for t in users.list_tokens(uow, username="ana")}
    engine.dispose()
    pump = tokens["pump"]
    assert pump is not None
    assert before + timedelta(days=89) < pump < datetime.now(UTC) + timedelta(days=91)
    assert tokens["cabinet"] == datetime(2027, 3, 1, tzinfo=UTC)


def test_the_head_the_code_names_is_the_last_migration_and_a_migrated_database_is_at_it(
    engine: Engine,
) -> None:
    # a new migration without HEAD moved on would never run on a database already at the old
    # one: migrate() compares with HEAD to spare every command loading alembic's scripts
    assert head_revisions() == HEAD
    with engine.connect() as conn:
        assert current_revisions(conn) == HEAD
        assert frozenset(MigrationContext.configure(conn).get_current_heads()) == HEAD


def test_migrating_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)

    assert has_schema(engine)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE movement SET quantity = quantity + 1",
        "DELETE FROM movement",
        "UPDATE audit SET user_name = 'someone else'",
        "DELETE FROM audit",
        "UPDATE external_ref SET external_id = 'txn:again'",
        "DELETE FROM external_ref",
        "UPDATE ledger_chain SET digest = 'forged'",
        "DELETE FROM ledger_chain",
    ],
)
def test_history_cannot_be_rewritten_even_with_sql(hospital: Engine, statement: str) -> None:
    post(
        hospital,
        Dispense(
            user=TESTER,
            location="ICU-ADC1",
            item="ONDA4INJ",
            quantity=1,
            external_id=ExternalId("txn", "ICU1-1"),
        ),
    )
    count = (
        "SELECT (SELECT count(*) FROM audit) + (SELECT sum(quantity) FROM movement) "
        "+ (SELECT count(*) FROM external_ref) + (SELECT count(*) FROM ledger_chain)"
    )
    with hospital.connect() as conn:
        before = conn.execute(text(count)).scalar_one()

    with pytest.raises(DBAPIError, match="append-only"), hospital.begin() as conn:
        conn.execute(text(statement))

    with hospital.connect() as conn:
        assert conn.execute(text(count)).scalar_one() == before


OLD_LEDGER = [
    "INSERT INTO movement (kind, occurred_at, recorded_at, product_id, lot_id, quantity, "
    "to_location_id, reference, user_name, note, approved_by) VALUES ('receipt', "
    "'2026-11-02 09:00:00+00', '2026-11-02 09:00:00+00', 1, 1, 25, 1, '', 'tester', '', '')",
    "INSERT INTO audit (at, user_name, action, entity, entity_key) VALUES "
    "('2026-11-02 09:00:00', 'tester', 'receive', 'movement', '1')",
    "INSERT INTO external_ref (external_id, recorded_at) VALUES ('txn:b', '2026-11-02 09:00:00')",
    "INSERT INTO external_ref (external_id, recorded_at) VALUES ('txn:a', '2026-11-02 09:00:00')",
]


@pytest.fixture(params=["sqlite", "postgres"])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each engine, no migration run."""
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path / 'before.db'}")
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    with postgres_schema(POSTGRES_URL, f"rx_test_{uuid.uuid4().hex[:12]}") as engine:
        yield engine


def test_upgrading_a_ledger_chains_the_rows_already_there_so_it_checks_clean(
    unmigrated: Engine,
) -> None:
    engine = unmigrated
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0039")
    with engine.begin() as conn:
        conn.execute(insert(t.location).values(id=1, code="MAIN", name="hospital", kind="facility"))
        conn.execute(
            insert(t.product).values(
                id=1,
                ndc="98765-401-02",
                ndc_digits="9876540102",
                ndc11="98765040102",
                gtin="00398765401025",
                name="Ondansetron",
                package_size=25,
                dispense_unit="VIAL",
                source="local",
            )
        )
        conn.execute(insert(t.lot).values(id=1, product_id=1, lot_number="ON1"))
        for statement in OLD_LEDGER:
            conn.execute(text(statement))
    refs = ["txn:b", "txn:a"]

    migrate(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = verify_ledger_chain(uow)
        entries = list(uow.ledger_chain.entries())
    with engine.connect() as conn:
        numbered = conn.execute(text("SELECT external_id FROM external_ref ORDER BY id"))
        assert numbered.scalars().all() == refs
    engine.dispose()
    assert (report.ok, [e.kind for e in entries]) == (True, ["genesis"])
    assert entries[0].subject == "movement:1;audit:1;external_ref:1-2"


def test_the_edi_id_migration_leaves_partners_without_one_and_gives_an_id_to_one_partner(
    unmigrated: Engine,
) -> None:
    engine = unmigrated
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0042")
        conn.execute(
            insert(t.trading_partner),
            [
                {"id": 1, "name": "Acme Drug", "kind": "wholesaler", "role": "primary"},
                {"id": 2, "name": "Beta Drug", "kind": "wholesaler", "role": ""},
            ],
        )

    migrate(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        before = {p.name: p.edi_id for p in uow.partners.all()}
    with engine.begin() as conn:
        conn.execute(
            update(t.trading_partner).where(t.trading_partner.c.id == 1).values(edi_id="ACMEDRUG")
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            update(t.trading_partner).where(t.trading_partner.c.id == 2).values(edi_id="ACMEDRUG")
        )
    with SqlUnitOfWork(engine, readonly=True) as uow:
        after = {p.name: p.edi_id for p in uow.partners.all()}
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0042")
        kept = {c["name"] for c in inspect(conn).get_columns("trading_partner")}
    engine.dispose()
    assert before == {"Acme Drug": None, "Beta Drug": None}
    assert after == {"Acme Drug": "ACMEDRUG", "Beta Drug": None}
    assert "edi_id" not in kept and {"name", "dscsa_type"} <= kept
