"""lot source

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 00:00:00

A repackaged lot's bulk lot (``lot_source``): blocking (quarantine, recall, suspect) a lot
blocks every lot repackaged from it. Lots repackaged before are linked from their
``repackage`` movements: the two movements of one repackaging share their time, user,
reference and external id; the one out of stock names the bulk lot.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lot_source",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("source_lot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name="fk_lot_source_lot_id_lot"),
        sa.ForeignKeyConstraint(
            ["source_lot_id"], ["lot.id"], name="fk_lot_source_source_lot_id_lot"
        ),
        sa.PrimaryKeyConstraint("lot_id", name="pk_lot_source"),
    )
    op.create_index("ix_lot_source_source", "lot_source", ["source_lot_id"])
    _link_repackaged_lots()


def _link_repackaged_lots() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT occurred_at, recorded_at, user_name, reference, external_id, lot_id, "
            "from_location_id, to_location_id FROM movement WHERE kind = 'repackage'"
        )
    ).all()
    outs: dict[tuple[object, ...], set[int]] = defaultdict(set)
    ins: dict[tuple[object, ...], set[int]] = defaultdict(set)
    for at, recorded, user, reference, external, lot_id, source, target in rows:
        key = (at, recorded, user, reference, external)
        if source is not None:
            outs[key].add(lot_id)
        if target is not None:
            ins[key].add(lot_id)
    links: dict[int, int] = {}
    for together, made in ins.items():
        bulk = outs.get(together, set())
        if len(bulk) != 1:
            continue  # not one repackaging alone: leave it unlinked rather than guess
        (source,) = bulk
        for lot_id in made - bulk:
            links.setdefault(lot_id, source)
    if links:
        conn.execute(
            sa.text("INSERT INTO lot_source (lot_id, source_lot_id) VALUES (:lot, :source)"),
            [{"lot": lot, "source": source} for lot, source in sorted(links.items())],
        )


def downgrade() -> None:
    op.drop_index("ix_lot_source_source", table_name="lot_source")
    op.drop_table("lot_source")
