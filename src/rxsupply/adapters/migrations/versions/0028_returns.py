"""returns

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 04:40:00

Reverse distribution (issue 13, items 3 to 5): manufacturers' return policies
(``return_policy``), products' storage (``product_storage``: refrigerated, frozen), the RCRA
list the pharmacy keeps (``hazardous_listing``, seeded with the package's starter list of 40
CFR 261.33 P- and U-listed drugs), return batches and their lines, credit memo lines, and
controlled-substance destructions (``destruction``: DEA Form 41 records).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.reference_data import starter_listings

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

UTC_TIME = rxsupply.adapters.tables.UTCDateTime
MONEY = rxsupply.adapters.tables.Money


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "return_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("labeler", sa.String(200), nullable=False),
        sa.Column("months_before", sa.Integer(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("partial", sa.String(16), nullable=False),
        sa.Column("min_fill", MONEY(), nullable=True),
        sa.Column("excluded", sa.String(200), nullable=False),
        sa.Column("credit_share", MONEY(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", UTC_TIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_return_policy"),
        sa.UniqueConstraint("labeler", name="uq_return_policy_labeler"),
    )
    op.create_table(
        "product_storage",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("storage", sa.String(16), nullable=False),
        sa.Column("set_by", sa.String(80), nullable=False),
        sa.Column("set_at", UTC_TIME(timezone=True), nullable=False),
        _fk("product_storage", "product_id", "product"),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_storage"),
    )
    listing = op.create_table(
        "hazardous_listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ingredient", sa.String(120), nullable=False),
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("exempt_terms", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(80), nullable=False),
        sa.Column("added_at", UTC_TIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hazardous_listing"),
        sa.UniqueConstraint("ingredient", "code", name="uq_hazardous_listing_key"),
    )
    op.create_table(
        "return_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("distributor", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTC_TIME(timezone=True), nullable=False),
        sa.Column("shipped_by", sa.String(80), nullable=False),
        sa.Column("shipped_at", UTC_TIME(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_return_batch"),
        sa.UniqueConstraint("number", name="uq_return_batch_number"),
    )
    op.create_table(
        "return_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("expected_credit", MONEY(), nullable=False),
        sa.Column("price_basis", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("listing_code", sa.String(4), nullable=False),
        sa.Column("form_222", sa.String(40), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_return_line_quantity_positive"),
        sa.CheckConstraint("stream <> 'sewer'", name="ck_return_line_never_sewered"),
        _fk("return_line", "batch_id", "return_batch"),
        _fk("return_line", "product_id", "product"),
        _fk("return_line", "lot_id", "lot"),
        sa.PrimaryKeyConstraint("id", name="pk_return_line"),
        sa.UniqueConstraint("batch_id", "line_number", name="uq_return_line_key"),
        sa.UniqueConstraint("batch_id", "product_id", "lot_id", name="uq_return_line_lot"),
    )
    op.create_table(
        "credit_memo_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("memo_number", sa.String(60), nullable=False),
        sa.Column("memo_date", sa.Date(), nullable=False),
        sa.Column("ndc", sa.String(13), nullable=False),
        sa.Column("lot", sa.String(40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("credit", MONEY(), nullable=False),
        sa.Column("entered_by", sa.String(80), nullable=False),
        sa.Column("entered_at", UTC_TIME(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 0", name="ck_credit_memo_line_quantity_not_negative"),
        _fk("credit_memo_line", "batch_id", "return_batch"),
        sa.PrimaryKeyConstraint("id", name="pk_credit_memo_line"),
        sa.UniqueConstraint(
            "batch_id", "memo_number", "ndc", "lot", name="uq_credit_memo_line_key"
        ),
    )
    op.create_index("ix_credit_memo_line_batch", "credit_memo_line", ["batch_id"])
    op.create_table(
        "destruction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("destroyed_by", sa.String(80), nullable=False),
        sa.Column("witness_one", sa.String(80), nullable=False),
        sa.Column("witness_two", sa.String(80), nullable=False),
        sa.Column("destroyed_at", UTC_TIME(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_destruction_quantity_positive"),
        sa.CheckConstraint("witness_one <> witness_two", name="ck_destruction_two_witnesses"),
        _fk("destruction", "product_id", "product"),
        _fk("destruction", "lot_id", "lot"),
        _fk("destruction", "location_id", "location"),
        sa.PrimaryKeyConstraint("id", name="pk_destruction"),
        sa.UniqueConstraint("number", name="uq_destruction_number"),
    )
    shipped = datetime(2026, 12, 8, tzinfo=UTC)  # when the starter list was shipped
    op.bulk_insert(
        listing,
        [
            {
                "ingredient": row.ingredient,
                "code": row.code,
                "note": row.note,
                "exempt_terms": ";".join(row.exempt_terms),
                "added_by": "starter list",
                "added_at": shipped,
            }
            for row in starter_listings()
        ],
    )


def downgrade() -> None:
    op.drop_table("destruction")
    op.drop_index("ix_credit_memo_line_batch", table_name="credit_memo_line")
    op.drop_table("credit_memo_line")
    op.drop_table("return_line")
    op.drop_table("return_batch")
    op.drop_table("hazardous_listing")
    op.drop_table("product_storage")
    op.drop_table("return_policy")
