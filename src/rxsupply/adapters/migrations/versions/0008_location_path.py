"""location paths: each location with itself and every location above it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The tree as it stands when the table is made; rxsupply rebuilds it when locations change.
# The depth bound stops a (corrupt) cycle of parents from recursing forever.
FILL = """
INSERT INTO location_path (ancestor_id, location_id)
WITH RECURSIVE up(ancestor_id, location_id, depth) AS (
    SELECT id, id, 0 FROM location
    UNION ALL
    SELECT l.parent_id, up.location_id, up.depth + 1
    FROM up JOIN location l ON l.id = up.ancestor_id
    WHERE l.parent_id IS NOT NULL AND up.depth < 64
)
SELECT DISTINCT ancestor_id, location_id FROM up
"""


def upgrade() -> None:
    op.create_table(
        "location_path",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ancestor_id"], ["location.id"], name=op.f("fk_location_path_ancestor_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_location_path_location_id_location")
        ),
        sa.PrimaryKeyConstraint("location_id", "ancestor_id", name=op.f("pk_location_path")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("location_path")
