"""planning jobs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 01:00:00

A planning run started in the background (web, API) records its stage and progress in
``planning_job`` so any server process can show it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "planning_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", UTC(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("stage", sa.String(80), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("finished_at", UTC(timezone=True), nullable=True),
        sa.Column("series", sa.Integer(), nullable=True),
        sa.Column("proposed", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_job")),
    )
    op.create_index("ix_planning_job_status", "planning_job", ["status"])


def downgrade() -> None:
    op.drop_index("ix_planning_job_status", table_name="planning_job")
    op.drop_table("planning_job")
