"""transfers

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 23:00:00

Transfers between locations (``transfer``: requested, picked, in transit, received,
cancelled, each step with its user) and the lots their picks took (``transfer_line``). The
``transit`` location kind needs no schema change (a kind is text).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=False),
        sa.Column("to_location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", UTC(timezone=True), nullable=False),
        sa.Column("picked_by", sa.String(80), nullable=False),
        sa.Column("picked_at", UTC(timezone=True), nullable=True),
        sa.Column("shipped_by", sa.String(80), nullable=False),
        sa.Column("shipped_at", UTC(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.Column("received_at", UTC(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(80), nullable=False),
        sa.Column("cancelled_at", UTC(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_transfer_quantity_positive")),
        _fk("transfer", "from_location_id", "location"),
        _fk("transfer", "to_location_id", "location"),
        _fk("transfer", "item_id", "item"),
        _fk("transfer", "product_id", "product"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer")),
        sa.UniqueConstraint("number", name=op.f("uq_transfer_number")),
    )
    op.create_index("ix_transfer_status", "transfer", ["status"])
    op.create_table(
        "transfer_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_transfer_line_quantity_positive")),
        _fk("transfer_line", "transfer_id", "transfer"),
        _fk("transfer_line", "location_id", "location"),
        _fk("transfer_line", "product_id", "product"),
        _fk("transfer_line", "lot_id", "lot"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_line")),
        sa.UniqueConstraint("transfer_id", "line_number", name="uq_transfer_line_key"),
    )


def downgrade() -> None:
    op.drop_table("transfer_line")
    op.drop_index("ix_transfer_status", table_name="transfer")
    op.drop_table("transfer")
