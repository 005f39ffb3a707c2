"""DSCSA reconciliation at receipt: scans against orders, exceptions and their steps

Revision ID: 0037
Revises: 0033
Create Date: 2026-12-06 09:00:00

DSCSA (issue 14, item 3): ``receipt_scan`` (each package scanned against a purchase order: its
canonical identifier, lot and expiry as the barcode said), ``dscsa_exception`` (a disagreement
reconciliation found between the scans and the order's EPCIS documents) and
``dscsa_exception_step`` (its workflow: open, seller contacted, resolved, each with a note and
a user). All three are append-only: UPDATE and DELETE are refused by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import append_only_triggers, drop_append_only_triggers

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
TABLES = ("receipt_scan", "dscsa_exception", "dscsa_exception_step")


def upgrade() -> None:
    op.create_table(
        "receipt_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(40), nullable=False),
        sa.Column("identifier", sa.String(120), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=False),
        sa.Column("serial", sa.String(20), nullable=False),
        sa.Column("lot", sa.String(40), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", UTC(timezone=True), nullable=False),
        sa.Column("scanned_by", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["location.id"], name=op.f("fk_receipt_scan_facility_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_receipt_scan_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_scan")),
    )
    op.create_index("ix_receipt_scan_order", "receipt_scan", ["order_number"])
    op.create_index("ix_receipt_scan_identifier", "receipt_scan", ["identifier"])
    op.create_table(
        "dscsa_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("identifier", sa.String(120), nullable=False),
        sa.Column("expected", sa.String(300), nullable=True),
        sa.Column("found", sa.String(300), nullable=True),
        sa.Column("opened_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["location.id"], name=op.f("fk_dscsa_exception_facility_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dscsa_document.id"],
            name=op.f("fk_dscsa_exception_document_id_dscsa_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_exception")),
    )
    op.create_index(
        "ix_dscsa_exception_order", "dscsa_exception", ["order_number", "kind", "identifier"]
    )
    op.create_table(
        "dscsa_exception_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exception_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(80), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["dscsa_exception.id"],
            name=op.f("fk_dscsa_exception_step_exception_id_dscsa_exception"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_exception_step")),
    )
    op.create_index(
        "ix_dscsa_exception_step_exception", "dscsa_exception_step", ["exception_id", "id"]
    )
    dialect = op.get_context().dialect.name
    for table in TABLES:
        for statement in append_only_triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for table in TABLES:
        for statement in drop_append_only_triggers(dialect, table):
            op.execute(statement)
    op.drop_index("ix_dscsa_exception_step_exception", table_name="dscsa_exception_step")
    op.drop_table("dscsa_exception_step")
    op.drop_index("ix_dscsa_exception_order", table_name="dscsa_exception")
    op.drop_table("dscsa_exception")
    op.drop_index("ix_receipt_scan_identifier", table_name="receipt_scan")
    op.drop_index("ix_receipt_scan_order", table_name="receipt_scan")
    op.drop_table("receipt_scan")
