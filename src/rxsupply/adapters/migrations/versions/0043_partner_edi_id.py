"""A trading partner's EDI id

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-08 09:00:00

The interchange sender id (``ISA06``) a wholesaler's X12 documents (855, 856, 810) come from,
when the hospital has it on file (``trading_partner.edi_id``, up to 15 characters as ISA06 is
wide, one partner's only): a document for an order of that wholesaler from another sender is
refused. Partners already there have none (documents are accepted, saying the sender was not
checked, until one is recorded).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a nullable column without a constraint is added in place on SQLite too (no table copy)
    op.add_column("trading_partner", sa.Column("edi_id", sa.String(15), nullable=True))
    op.create_index("ux_trading_partner_edi_id", "trading_partner", ["edi_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_trading_partner_edi_id", table_name="trading_partner")
    with op.batch_alter_table("trading_partner") as batch:
        batch.drop_column("edi_id")
