"""receiving discrepancies

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 06:00:00

What receiving against a purchase order found (``receiving_discrepancy``: over, short, wrong
product, damaged, short expiry), each with its resolution.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "receiving_discrepancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=True),
        sa.Column("issue", sa.String(20), nullable=False),
        sa.Column("ndc", sa.String(20), nullable=False),
        sa.Column("lot", sa.String(40), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(80), nullable=False),
        sa.Column("resolved_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_order.id"],
            name=op.f("fk_receiving_discrepancy_order_id_purchase_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receiving_discrepancy")),
    )
    op.create_index("ix_receiving_discrepancy_order", "receiving_discrepancy", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_receiving_discrepancy_order", table_name="receiving_discrepancy")
    op.drop_table("receiving_discrepancy")
