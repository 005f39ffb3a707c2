"""Trace indexes: a lot's movements, a lot number, a serial

Revision ID: 0038
Revises: 0033
Create Date: 2026-12-06 08:00:00

A trace (issue 14, item 7) reads a lot's movements (``movement.lot_id``, in posting order), lots
by their number whatever the product, and serialised packages and shipped package identifiers
by their serial alone: each gets an index so a trace takes one index range per read.
"""

from __future__ import annotations

from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_movement_lot", "movement", ["lot_id", "id"]),
    ("ix_lot_lot_number", "lot", ["lot_number"]),
    ("ix_serial_package_serial", "serial_package", ["serial"]),
    ("ix_dscsa_package_serial", "dscsa_package", ["serial"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
