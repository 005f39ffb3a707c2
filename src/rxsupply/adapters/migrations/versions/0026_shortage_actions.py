"""a shortage's conservation log

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 02:00:00

Drug shortages, conservation and review (issue 12, items 4 and 7): every action taken for a
shortage (``shortage_action``: a reallocation applied, a PAR reduced, a restriction or an
allocation limit set, and their reversals), with who, when, why and what; the settings in
force are the actions in state ``active``; a reallocation plan's id is recorded once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_shortage_action_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "shortage_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("reverted_at", UTC(timezone=True), nullable=True),
        sa.Column("reverted_by", sa.String(80), nullable=True),
        _fk("shortage_id", "shortage"),
        _fk("item_id", "item"),
        _fk("location_id", "location"),
        _fk("reverses_id", "shortage_action"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_action")),
        sa.UniqueConstraint("external_id", name=op.f("uq_shortage_action_external_id")),
    )
    op.create_index("ix_shortage_action_shortage", "shortage_action", ["shortage_id", "id"])
    op.create_index("ix_shortage_action_state", "shortage_action", ["state", "kind", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_shortage_action_state", table_name="shortage_action")
    op.drop_index("ix_shortage_action_shortage", table_name="shortage_action")
    op.drop_table("shortage_action")
