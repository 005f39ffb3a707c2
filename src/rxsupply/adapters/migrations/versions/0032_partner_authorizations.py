"""partner authorizations

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 06:00:00

DSCSA (issue 14, item 1): each trading partner's authorizations (``partner_authorization``:
kind, number, issuing state or FDA, expiry, verified on and by, the source checked, a note) and
a web form's one-time token (``external_id``), and its DSCSA type when the purchasing kind does not say it (``trading_partner.dscsa_type``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("trading_partner") as batch:
        batch.add_column(sa.Column("dscsa_type", sa.String(30), nullable=True))
    op.create_table(
        "partner_authorization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("expires", sa.Date(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("verified_by", sa.String(80), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["trading_partner.id"],
            name=op.f("fk_partner_authorization_partner_id_trading_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_authorization")),
        sa.UniqueConstraint("external_id", name=op.f("uq_partner_authorization_external_id")),
    )
    op.create_index(
        "ix_partner_authorization_partner", "partner_authorization", ["partner_id", "kind"]
    )


def downgrade() -> None:
    op.drop_index("ix_partner_authorization_partner", table_name="partner_authorization")
    op.drop_table("partner_authorization")
    with op.batch_alter_table("trading_partner") as batch:
        batch.drop_column("dscsa_type")
