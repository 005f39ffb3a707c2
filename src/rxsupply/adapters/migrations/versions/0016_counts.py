"""cycle counts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 23:00:00

Cycle counts (``stock_count``: its number, location, status, whether it counts controlled
substances, who started, counted, witnessed, approved and posted it) and their lines
(``stock_count_line``: location, product, lot and expiry, the expected quantity snapshotted at
the start and at submission, the counted quantity, the unit cost and the variance's reason).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
Money = rxsupply.adapters.tables.Money


def upgrade() -> None:
    op.create_table(
        "stock_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("controlled", sa.Boolean(), nullable=False),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("started_at", UTC(timezone=True), nullable=False),
        sa.Column("counter", sa.String(80), nullable=False),
        sa.Column("witness", sa.String(80), nullable=False),
        sa.Column("submitted_at", UTC(timezone=True), nullable=True),
        sa.Column("counted_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(80), nullable=False),
        sa.Column("approved_at", UTC(timezone=True), nullable=True),
        sa.Column("posted_by", sa.String(80), nullable=False),
        sa.Column("posted_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_count_location_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count")),
        sa.UniqueConstraint("number", name=op.f("uq_stock_count_number")),
    )
    op.create_index("ix_stock_count_status", "stock_count", ["status", "started_at"])
    op.create_table(
        "stock_count_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("on_hand_at_submit", sa.Integer(), nullable=True),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("added", sa.Boolean(), nullable=False),
        sa.Column("unit_cost", Money(), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("expected >= 0", name=op.f("ck_stock_count_line_expected_not_negative")),
        sa.CheckConstraint(
            "counted IS NULL OR counted >= 0", name=op.f("ck_stock_count_line_counted_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["count_id"], ["stock_count.id"], name=op.f("fk_stock_count_line_count_id_stock_count")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_count_line_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_stock_count_line_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_count_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count_line")),
    )
    op.create_index("ix_stock_count_line_count", "stock_count_line", ["count_id"])
    op.create_index("ix_stock_count_line_item", "stock_count_line", ["location_id", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_stock_count_line_item", table_name="stock_count_line")
    op.drop_index("ix_stock_count_line_count", table_name="stock_count_line")
    op.drop_table("stock_count_line")
    op.drop_index("ix_stock_count_status", table_name="stock_count")
    op.drop_table("stock_count")
