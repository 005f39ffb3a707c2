"""drug shortages

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 02:00:00

Drug shortages, the feed (issue 12, first slice): the shortage files imported
(``shortage_import``), the shortages (``shortage``: one per source and key, the key an FDA
shortage's folded generic name or a manual or backorder shortage's item code), their
presentations and NDCs (``shortage_presentation``, ``shortage_ndc``), their matches to
formulary items with the method (``shortage_match``) and their event log (``shortage_event``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "shortage_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(80), nullable=False),
        _text("summary"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_import")),
    )
    op.create_table(
        "shortage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        _text("generic_name"),
        sa.Column("status", sa.String(16), nullable=False),
        _text("therapeutic_category"),
        _text("reason"),
        _text("note"),
        sa.Column("first_posted", sa.Date(), nullable=True),
        sa.Column("last_updated", sa.Date(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("discontinued_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage")),
        sa.UniqueConstraint("source", "key", name="uq_shortage_source_key"),
    )
    op.create_index("ix_shortage_status", "shortage", ["status"])
    op.create_table(
        "shortage_presentation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortage_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        _text("company"),
        _text("presentation"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("update_type", sa.String(40), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=True),
        _text("availability"),
        _text("related_info"),
        _text("resolved_note"),
        _text("reason"),
        _text("therapeutic_category"),
        sa.Column("change_date", sa.Date(), nullable=True),
        sa.Column("discontinued_on", sa.Date(), nullable=True),
        sa.Column("first_posted", sa.Date(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        _fk("shortage_presentation", "shortage_id", "shortage"),
        _fk("shortage_presentation", "product_id", "product"),
        _fk("shortage_presentation", "import_id", "shortage_import"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_presentation")),
        sa.UniqueConstraint("shortage_id", "key", name="uq_shortage_presentation_key"),
    )
    op.create_table(
        "shortage_ndc",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortage_id", sa.Integer(), nullable=False),
        sa.Column("presentation_id", sa.Integer(), nullable=False),
        sa.Column("written", sa.String(40), nullable=False),
        sa.Column("ndc", sa.String(13), nullable=True),
        sa.Column("ndc11", sa.String(11), nullable=True),
        sa.Column("ndc_digits", sa.String(10), nullable=True),
        _fk("shortage_ndc", "shortage_id", "shortage"),
        _fk("shortage_ndc", "presentation_id", "shortage_presentation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_ndc")),
        sa.UniqueConstraint("presentation_id", "written", name="uq_shortage_ndc_written"),
    )
    op.create_index("ix_shortage_ndc_shortage", "shortage_ndc", ["shortage_id"])
    op.create_index("ix_shortage_ndc_ndc11", "shortage_ndc", ["ndc11"])
    op.create_index("ix_shortage_ndc_digits", "shortage_ndc", ["ndc_digits"])
    op.create_table(
        "shortage_match",
        sa.Column("shortage_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(24), nullable=False),
        _text("detail"),
        sa.Column("matched_at", UTC(timezone=True), nullable=False),
        _fk("shortage_match", "shortage_id", "shortage"),
        _fk("shortage_match", "item_id", "item"),
        sa.PrimaryKeyConstraint("shortage_id", "item_id", name=op.f("pk_shortage_match")),
    )
    op.create_index("ix_shortage_match_item", "shortage_match", ["item_id"])
    op.create_table(
        "shortage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        _text("detail"),
        _fk("shortage_event", "shortage_id", "shortage"),
        _fk("shortage_event", "import_id", "shortage_import"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortage_event")),
    )
    op.create_index("ix_shortage_event_shortage", "shortage_event", ["shortage_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_shortage_event_shortage", table_name="shortage_event")
    op.drop_table("shortage_event")
    op.drop_index("ix_shortage_match_item", table_name="shortage_match")
    op.drop_table("shortage_match")
    for index in ("ix_shortage_ndc_digits", "ix_shortage_ndc_ndc11", "ix_shortage_ndc_shortage"):
        op.drop_index(index, table_name="shortage_ndc")
    op.drop_table("shortage_ndc")
    op.drop_table("shortage_presentation")
    op.drop_index("ix_shortage_status", table_name="shortage")
    op.drop_table("shortage")
    op.drop_table("shortage_import")
