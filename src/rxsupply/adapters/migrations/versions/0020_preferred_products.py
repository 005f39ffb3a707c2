"""preferred products

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 23:30:00

An item's preferred product (``item_product.preferred``): what the suggested orders buy for it
while it has a price in force and is not backordered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_product") as batch:
        batch.add_column(
            sa.Column("preferred", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("item_product") as batch:
        batch.drop_column("preferred")
