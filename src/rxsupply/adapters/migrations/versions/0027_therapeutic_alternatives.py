"""therapeutic alternatives

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 02:00:00

Drug shortages, alternatives (issue 12, item 3): the therapeutic alternatives table the
pharmacy keeps (``therapeutic_alternative``: an item, another item that may be given instead,
a conversion note and ratio, who added it and when).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
MONEY = rxsupply.adapters.tables.Money


def upgrade() -> None:
    op.create_table(
        "therapeutic_alternative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("alternative_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ratio", MONEY(), nullable=True),
        sa.Column("added_by", sa.String(80), nullable=False),
        sa.Column("added_at", UTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "item_id <> alternative_id", name=op.f("ck_therapeutic_alternative_not_itself")
        ),
        sa.CheckConstraint(
            "ratio IS NULL OR ratio > 0", name=op.f("ck_therapeutic_alternative_ratio_positive")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_therapeutic_alternative_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["alternative_id"],
            ["item.id"],
            name=op.f("fk_therapeutic_alternative_alternative_id_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapeutic_alternative")),
        sa.UniqueConstraint("item_id", "alternative_id", name="uq_therapeutic_alternative_pair"),
    )
    op.create_index(
        "ix_therapeutic_alternative_alternative", "therapeutic_alternative", ["alternative_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_therapeutic_alternative_alternative", table_name="therapeutic_alternative")
    op.drop_table("therapeutic_alternative")
