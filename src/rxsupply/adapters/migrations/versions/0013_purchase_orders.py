"""purchase orders

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 05:30:00

Purchase orders to wholesalers (``purchase_order``: its number, wholesaler, receiving
storeroom, status and who made and approved it) and their lines (``purchase_order_line``:
whole packages of one product at a package price, the contract, the DEA Form 222 or CSOS
number of a Schedule II line, the line's status and what has been received).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
Money = rxsupply.adapters.tables.Money


def upgrade() -> None:
    op.create_table(
        "purchase_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("approved_by", sa.String(80), nullable=False),
        sa.Column("approved_at", UTC(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["trading_partner.id"],
            name=op.f("fk_purchase_order_partner_id_trading_partner"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_purchase_order_location_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order")),
        sa.UniqueConstraint("number", name=op.f("uq_purchase_order_number")),
    )
    op.create_index("ix_purchase_order_status", "purchase_order", ["status", "partner_id"])
    op.create_table(
        "purchase_order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("package_price", Money(precision=14, scale=4), nullable=False),
        sa.Column("contract", sa.String(60), nullable=False),
        sa.Column("dea_form_number", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_packages", sa.Integer(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.CheckConstraint("packages > 0", name=op.f("ck_purchase_order_line_packages_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_order.id"],
            name=op.f("fk_purchase_order_line_order_id_purchase_order"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_purchase_order_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_line")),
        sa.UniqueConstraint("order_id", "line_number", name="uq_purchase_order_line_key"),
    )
    op.create_index("ix_purchase_order_line_product", "purchase_order_line", ["product_id"])


def downgrade() -> None:
    op.drop_index("ix_purchase_order_line_product", table_name="purchase_order_line")
    op.drop_table("purchase_order_line")
    op.drop_index("ix_purchase_order_status", table_name="purchase_order")
    op.drop_table("purchase_order")
