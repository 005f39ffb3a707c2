"""ship notices and invoices

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 23:30:00

What wholesalers send back about a purchase order: advance ship notices (X12 856,
``ship_notice`` and the packages per lot it lists, ``ship_notice_line``, with what came in
against each) and invoices (X12 810, ``supplier_invoice`` and ``supplier_invoice_line``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
Money = rxsupply.adapters.tables.Money


def upgrade() -> None:
    op.create_table(
        "ship_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(30), nullable=False),
        sa.Column("shipment_id", sa.String(30), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["purchase_order.id"], name=op.f("fk_ship_notice_order_id_purchase_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ship_notice")),
        sa.UniqueConstraint("sender", "shipment_id", name="uq_ship_notice_key"),
    )
    op.create_index("ix_ship_notice_order", "ship_notice", ["order_id"])
    op.create_table(
        "ship_notice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("received_packages", sa.Integer(), nullable=False),
        sa.Column("sscc", sa.String(40), nullable=False),
        sa.Column("serials", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["ship_notice.id"],
            name=op.f("fk_ship_notice_line_notice_id_ship_notice"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_ship_notice_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ship_notice_line")),
    )
    op.create_index("ix_ship_notice_line_notice", "ship_notice_line", ["notice_id"])
    op.create_table(
        "supplier_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(30), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("total", Money(precision=14, scale=4), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_order.id"],
            name=op.f("fk_supplier_invoice_order_id_purchase_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice")),
        sa.UniqueConstraint("sender", "number", name="uq_supplier_invoice_key"),
    )
    op.create_index("ix_supplier_invoice_order", "supplier_invoice", ["order_id"])
    op.create_table(
        "supplier_invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("ndc", sa.String(20), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(4), nullable=False),
        sa.Column("unit_price", Money(precision=14, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["supplier_invoice.id"],
            name=op.f("fk_supplier_invoice_line_invoice_id_supplier_invoice"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_supplier_invoice_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice_line")),
    )
    op.create_index("ix_supplier_invoice_line_invoice", "supplier_invoice_line", ["invoice_id"])


def downgrade() -> None:
    op.drop_index("ix_supplier_invoice_line_invoice", table_name="supplier_invoice_line")
    op.drop_table("supplier_invoice_line")
    op.drop_index("ix_supplier_invoice_order", table_name="supplier_invoice")
    op.drop_table("supplier_invoice")
    op.drop_index("ix_ship_notice_line_notice", table_name="ship_notice_line")
    op.drop_table("ship_notice_line")
    op.drop_index("ix_ship_notice_order", table_name="ship_notice")
    op.drop_table("ship_notice")
