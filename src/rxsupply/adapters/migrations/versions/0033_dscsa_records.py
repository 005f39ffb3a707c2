"""DSCSA records: the facility hash chain, imported EPCIS documents, their packages and events

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 08:00:00

DSCSA (issue 14, items 2 and 6): ``dscsa_record`` (each facility's chain of record digests,
linked by hashes), ``dscsa_document`` (an imported EPCIS document: its transaction information
and statement), ``dscsa_package`` (the package identifiers it ships, with lot and expiry) and
``dscsa_event`` (its events in document order). All four are append-only: UPDATE and DELETE
are refused by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import append_only_triggers, drop_append_only_triggers

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
TABLES = ("dscsa_record", "dscsa_document", "dscsa_package", "dscsa_event")


def upgrade() -> None:
    op.create_table(
        "dscsa_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["location.id"], name=op.f("fk_dscsa_record_facility_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_record")),
        sa.UniqueConstraint("facility_id", "seq", name="uq_dscsa_record_facility_seq"),
    )
    op.create_index("ix_dscsa_record_subject", "dscsa_record", ["subject"])
    op.create_table(
        "dscsa_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("epcis_version", sa.String(3), nullable=False),
        sa.Column("order_number", sa.String(40), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("seller", sa.String(300), nullable=True),
        sa.Column("buyer", sa.String(300), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=True),
        sa.Column("shipment_date", sa.Date(), nullable=True),
        sa.Column("statement_affirmed", sa.Boolean(), nullable=False),
        sa.Column("transaction", sa.Text(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("package_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["location.id"], name=op.f("fk_dscsa_document_facility_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["trading_partner.id"],
            name=op.f("fk_dscsa_document_partner_id_trading_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_document")),
        sa.UniqueConstraint("facility_id", "sha256", name="uq_dscsa_document_facility_sha256"),
    )
    op.create_index("ix_dscsa_document_order", "dscsa_document", ["order_number"])
    op.create_table(
        "dscsa_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(120), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=True),
        sa.Column("serial", sa.String(20), nullable=True),
        sa.Column("lot", sa.String(40), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("container", sa.String(120), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dscsa_document.id"],
            name=op.f("fk_dscsa_package_document_id_dscsa_document"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_dscsa_package_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_package")),
    )
    op.create_index("ix_dscsa_package_identifier", "dscsa_package", ["identifier"])
    op.create_index("ix_dscsa_package_document", "dscsa_package", ["document_id"])
    op.create_index("ix_dscsa_package_lot", "dscsa_package", ["lot"])
    op.create_table(
        "dscsa_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("action", sa.String(8), nullable=True),
        sa.Column("biz_step", sa.String(200), nullable=True),
        sa.Column("disposition", sa.String(200), nullable=True),
        sa.Column("event_time", sa.String(40), nullable=False),
        sa.Column("parent", sa.String(120), nullable=True),
        sa.Column("identifiers", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dscsa_document.id"],
            name=op.f("fk_dscsa_event_document_id_dscsa_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_event")),
        sa.UniqueConstraint("document_id", "position", name="uq_dscsa_event_document_position"),
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
    op.drop_table("dscsa_event")
    op.drop_index("ix_dscsa_package_lot", table_name="dscsa_package")
    op.drop_index("ix_dscsa_package_document", table_name="dscsa_package")
    op.drop_index("ix_dscsa_package_identifier", table_name="dscsa_package")
    op.drop_table("dscsa_package")
    op.drop_index("ix_dscsa_document_order", table_name="dscsa_document")
    op.drop_table("dscsa_document")
    op.drop_index("ix_dscsa_record_subject", table_name="dscsa_record")
    op.drop_table("dscsa_record")
