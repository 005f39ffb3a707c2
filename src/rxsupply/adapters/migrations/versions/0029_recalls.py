"""recalls

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-10 00:00:00

Product recalls (issue 13, item 6): a recall (``recall``: the firm's or the FDA's number, the
FDA class, the reason, the firm, the day it began, open or closed with its disposition, who
entered, quarantined and closed it) and its entries (``recall_entry``: an NDC, and a lot or
none for every lot of the NDC).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "recall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("recall_class", sa.String(3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("firm", sa.String(200), nullable=False),
        sa.Column("initiated", sa.Date(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=True),
        sa.Column("disposition_note", sa.Text(), nullable=False),
        sa.Column("entered_at", UTC(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(80), nullable=False),
        sa.Column("quarantined_at", UTC(timezone=True), nullable=True),
        sa.Column("quarantined_by", sa.String(80), nullable=False),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall")),
        sa.UniqueConstraint("number", name=op.f("uq_recall_number")),
        sa.UniqueConstraint("external_id", name=op.f("uq_recall_external_id")),
    )
    op.create_index("ix_recall_status", "recall", ["status"])
    op.create_table(
        "recall_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recall_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recall.id"], name=op.f("fk_recall_entry_recall_id_recall")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_recall_entry_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_entry")),
    )
    op.create_index("ix_recall_entry_recall", "recall_entry", ["recall_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_recall_entry_recall", table_name="recall_entry")
    op.drop_table("recall_entry")
    op.drop_index("ix_recall_status", table_name="recall")
    op.drop_table("recall")
