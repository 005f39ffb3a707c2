"""The PostgreSQL test fixture uses a schema again only when a test left it as migrated, and
then with nothing of that test left in it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from tests.conftest import POSTGRES_URL, _postgres_engine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL"),
]


def _schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def _add_location(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "INSERT INTO location (code, name, kind, unit) VALUES ('A', 'A', 'store', '')"
                    " RETURNING id"
                )
            ).scalar_one()
        )


def test_a_schema_used_again_has_no_rows_of_the_test_before_and_its_sequences_restart() -> None:
    first = _postgres_engine()
    engine = next(first)
    name = _schema(engine)
    with engine.connect() as conn:
        listed = conn.execute(text("SELECT count(*) FROM hazardous_listing")).scalar_one()
    assert _add_location(engine) == 1
    first.close()

    second = _postgres_engine()
    engine = next(second)
    try:
        assert _schema(engine) == name  # the same schema, emptied
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM location")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM hazardous_listing")).scalar_one() == (
                listed
            )
        assert _add_location(engine) == 1
    finally:
        second.close()


def test_a_schema_whose_shape_a_test_changed_is_dropped_not_used_again() -> None:
    first = _postgres_engine()
    engine = next(first)
    name = _schema(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE movement DISABLE TRIGGER movement_append_only"))
    first.close()

    second = _postgres_engine()
    engine = next(second)
    try:
        assert _schema(engine) != name
        with engine.connect() as conn:
            gone = conn.execute(
                text("SELECT count(*) FROM pg_namespace WHERE nspname = :n"), {"n": name}
            ).scalar_one()
        assert gone == 0
    finally:
        second.close()
