"""Alembic environment: runs on the connection rxsupply hands it (see database.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from rxsupply.adapters.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through rxsupply.adapters.database.migrate")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
