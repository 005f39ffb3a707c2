"""DSCSA verifications: every product identifier verified, one append-only row each

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-06 08:30:00

DSCSA (issue 14, item 4): ``dscsa_verification`` holds each verification of a product
identifier (GTIN, serial, lot, expiry) against what the hospital received and through a
verification router (GS1 Lightweight Messaging Standard): both results, the verdict and its
reason, who asked and when. Append-only: UPDATE and DELETE are refused by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import append_only_triggers, drop_append_only_triggers

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
TABLE = "dscsa_verification"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=False),
        sa.Column("serial", sa.String(20), nullable=False),
        sa.Column("lot", sa.String(20), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("context", sa.String(40), nullable=False),
        sa.Column("local_result", sa.String(40), nullable=False),
        sa.Column("local_detail", sa.Text(), nullable=False),
        sa.Column("router_url", sa.String(500), nullable=True),
        sa.Column("router_result", sa.String(40), nullable=True),
        sa.Column("router_response", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corr_uuid", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(60), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["location.id"],
            name=op.f("fk_dscsa_verification_facility_id_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_verification")),
    )
    op.create_index("ix_dscsa_verification_identity", TABLE, ["gtin", "serial"])
    op.create_index("ix_dscsa_verification_reference", TABLE, ["reference"])
    for statement in append_only_triggers(op.get_context().dialect.name, TABLE):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_triggers(op.get_context().dialect.name, TABLE):
        op.execute(statement)
    op.drop_index("ix_dscsa_verification_reference", table_name=TABLE)
    op.drop_index("ix_dscsa_verification_identity", table_name=TABLE)
    op.drop_table(TABLE)
