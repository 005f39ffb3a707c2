"""daily summaries for the dashboard's key figures

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 23:00:00

``kpi_product_day`` and ``kpi_stock_day``: movements summed per local day (per product, and
per location and product), folded in by ``rxsupply kpi refresh`` (and by the dashboard when
many movements are not folded yet); ``ix_on_hand_held``: the on-hand lines holding stock.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_product_day",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("net_units", sa.BigInteger(), nullable=False),
        sa.Column("issued_units", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name="fk_kpi_product_day_product_id_product"
        ),
        sa.PrimaryKeyConstraint("day", "product_id", name="pk_kpi_product_day"),
    )
    op.create_table(
        "kpi_stock_day",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("units_in", sa.BigInteger(), nullable=False),
        sa.Column("units_out", sa.BigInteger(), nullable=False),
        sa.Column("dispenses", sa.Integer(), nullable=False),
        sa.Column("refills", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name="fk_kpi_stock_day_location_id_location"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name="fk_kpi_stock_day_product_id_product"
        ),
        sa.PrimaryKeyConstraint("day", "location_id", "product_id", name="pk_kpi_stock_day"),
    )
    held = sa.text("quantity > 0")
    op.create_index(
        "ix_on_hand_held",
        "on_hand",
        ["location_id", "product_id", "lot_id", "quantity"],
        sqlite_where=held,
        postgresql_where=held,
    )


def downgrade() -> None:
    op.drop_index("ix_on_hand_held", table_name="on_hand")
    op.drop_table("kpi_stock_day")
    op.drop_table("kpi_product_day")
