"""refill line witnesses

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-06 00:00:00

What confirmed each refill run line: the units scanned at the pocket and the units the cabinet
reported (``refill_line.scanned``, ``refill_line.reported``); the line posts the larger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refill_line") as batch:
        batch.add_column(sa.Column("scanned", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("reported", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE refill_line SET scanned = confirmed")


def downgrade() -> None:
    with op.batch_alter_table("refill_line") as batch:
        batch.drop_column("reported")
        batch.drop_column("scanned")
