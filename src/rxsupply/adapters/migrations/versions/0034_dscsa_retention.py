"""DSCSA retention: nothing younger than six years deleted; the chain's anchor after a purge

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 09:00:00

DSCSA (issue 14, item 6): the 0033 tables keep refusing UPDATE, and refuse DELETE of a row
younger than six years by the database's clock (``dscsa_record.recorded_at``,
``dscsa_document.imported_at``; packages and events by their document's), so records past their
retention can be purged and nothing else (:mod:`rxsupply.adapters.record_retention`, whose
functions a later DSCSA table reuses). ``dscsa_chain_anchor`` records where a facility's chain
starts after a purge; it is append-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import (
    DROP_PG_RETENTION_FUNCTION,
    PG_RETENTION_FUNCTION,
    append_only_again,
    append_only_triggers,
    retention_triggers,
)

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
RETAINED: dict[str, dict[str, str | tuple[str, str, str]]] = {
    "dscsa_record": {"stamp": "recorded_at"},
    "dscsa_document": {"stamp": "imported_at"},
    "dscsa_package": {"parent": ("document_id", "dscsa_document", "imported_at")},
    "dscsa_event": {"parent": ("document_id", "dscsa_document", "imported_at")},
}


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "dscsa_chain_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("first_prev", sa.String(64), nullable=False),
        sa.Column("purged_before", sa.Date(), nullable=False),
        sa.Column("purged_by", sa.String(80), nullable=False),
        sa.Column("purged_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["location.id"],
            name=op.f("fk_dscsa_chain_anchor_facility_id_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_chain_anchor")),
        sa.UniqueConstraint("facility_id", "first_seq", name="uq_dscsa_chain_anchor_facility_seq"),
    )
    for statement in append_only_triggers(dialect, "dscsa_chain_anchor"):
        op.execute(statement)
    if dialect == "postgresql":
        op.execute(PG_RETENTION_FUNCTION)
    for table, column in RETAINED.items():
        stamp = column.get("stamp")
        parent = column.get("parent")
        for statement in retention_triggers(
            dialect,
            table,
            stamp=stamp if isinstance(stamp, str) else None,
            parent=parent if isinstance(parent, tuple) else None,
        ):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for table in RETAINED:
        for statement in append_only_again(dialect, table):
            op.execute(statement)
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS dscsa_chain_anchor_append_only ON dscsa_chain_anchor")
        op.execute(DROP_PG_RETENTION_FUNCTION)
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS dscsa_chain_anchor_no_{action}")
    op.drop_table("dscsa_chain_anchor")
