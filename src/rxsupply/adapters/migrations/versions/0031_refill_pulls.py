"""refill pulls

Revision ID: 0031
Revises: 0029
Create Date: 2026-12-06 05:30:00

Expiry (issue 13, item 1): the daily sweep puts expired units in the cabinets' pockets on the
refill run's pick list. A refill line with a ``to_location`` is a pull: take its units of its
lot out of the pocket into that quarantine location.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refill_line") as batch:
        batch.add_column(sa.Column("to_location", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("refill_line") as batch:
        batch.drop_column("to_location")
