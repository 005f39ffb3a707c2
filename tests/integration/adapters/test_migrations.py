"""The Alembic migrations build exactly the schema the code's tables describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from rxsupply.adapters.database import has_schema, migrate
from rxsupply.adapters.tables import metadata


def test_migrating_an_empty_database_matches_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)

        differences = compare_metadata(context, metadata)

    assert differences == []


def test_migrating_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)

    assert has_schema(engine)
