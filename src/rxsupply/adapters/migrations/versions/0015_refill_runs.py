"""refill runs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 23:00:00

A refill run (``refill_run``: its number, route, status, who started and closed it) and its
saved pick list (``refill_line``: pocket, lot and units to take from the storeroom, what the
storeroom lacked, what to take out, and the units confirmed by scanning).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "refill_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refill_run")),
        sa.UniqueConstraint("number", name=op.f("uq_refill_run_number")),
    )
    op.create_index("ix_refill_run_status", "refill_run", ["status"])
    op.create_table(
        "refill_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("cabinet", sa.String(64), nullable=False),
        sa.Column("pocket", sa.String(64), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("from_location", sa.String(64), nullable=False),
        sa.Column("ndc", sa.String(20), nullable=False),
        sa.Column("lot", sa.String(40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("short", sa.Integer(), nullable=False),
        sa.Column("remove", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(80), nullable=False),
        sa.Column("confirmed_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["refill_run.id"], name=op.f("fk_refill_line_run_id_refill_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refill_line")),
    )
    op.create_index("ix_refill_line_run", "refill_line", ["run_id", "line_number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_refill_line_run", table_name="refill_line")
    op.drop_table("refill_line")
    op.drop_index("ix_refill_run_status", table_name="refill_run")
    op.drop_table("refill_run")
