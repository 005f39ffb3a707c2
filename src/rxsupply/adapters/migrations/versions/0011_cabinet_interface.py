"""cabinet interface: stock discrepancies and interface messages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 04:00:00

A cabinet is the truth for what left it: a reported dispense or waste beyond the usable stock
on record posts what is usable and records the rest in ``stock_discrepancy`` to resolve. Every
HL7 v2 message from the cabinets is recorded once in ``interface_message`` by its sender and
message control id, with the acknowledgement it got.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "stock_discrepancy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reported", sa.BigInteger(), nullable=False),
        sa.Column("posted", sa.BigInteger(), nullable=False),
        sa.Column("blocked", sa.BigInteger(), nullable=False),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("occurred_at", UTC(timezone=True), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(80), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("resolved_at", UTC(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reported > posted AND posted >= 0 AND blocked >= 0",
            name=op.f("ck_stock_discrepancy_short"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_stock_discrepancy_location_id_location"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_stock_discrepancy_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_discrepancy_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_discrepancy")),
    )
    op.create_index("ix_stock_discrepancy_status", "stock_discrepancy", ["status", "occurred_at"])
    op.create_table(
        "interface_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("protocol", sa.String(12), nullable=False),
        sa.Column("sender", sa.String(100), nullable=False),
        sa.Column("control_id", sa.String(100), nullable=False),
        sa.Column("message_type", sa.String(20), nullable=False),
        sa.Column("received_at", UTC(timezone=True), nullable=False),
        sa.Column("ack_code", sa.String(2), nullable=False),
        sa.Column("ack_text", sa.Text(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("discrepancies", sa.Integer(), nullable=False),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interface_message")),
        sa.UniqueConstraint("protocol", "sender", "control_id", name="uq_interface_message_key"),
    )
    op.create_index("ix_interface_message_received", "interface_message", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_interface_message_received", table_name="interface_message")
    op.drop_table("interface_message")
    op.drop_index("ix_stock_discrepancy_status", table_name="stock_discrepancy")
    op.drop_table("stock_discrepancy")
