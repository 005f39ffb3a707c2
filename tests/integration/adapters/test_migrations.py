"""The Alembic migrations build exactly the schema the code's tables describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import TESTER, post

from rxsupply.adapters.database import alembic_config, has_schema, make_engine, migrate
from rxsupply.adapters.tables import metadata
from rxsupply.services.ledger import Dispense


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
    ],
)
def test_history_cannot_be_rewritten_even_with_sql(hospital: Engine, statement: str) -> None:
    post(hospital, Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", quantity=1))
    count = "SELECT (SELECT count(*) FROM audit) + (SELECT sum(quantity) FROM movement)"
    with hospital.connect() as conn:
        before = conn.execute(text(count)).scalar_one()

    with pytest.raises(DBAPIError, match="append-only"), hospital.begin() as conn:
        conn.execute(text(statement))

    with hospital.connect() as conn:
        assert conn.execute(text(count)).scalar_one() == before
