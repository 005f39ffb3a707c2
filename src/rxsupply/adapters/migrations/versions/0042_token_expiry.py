"""API tokens issued before tokens expired get an expiry: 90 days from this upgrade

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 02:30:00

Issue 15 ("Scale and trust"): migration 0040 gave new API tokens an expiry and left the ones
already issued working until revoked. Every token still without one now expires 90 days after
this upgrade (the default lifetime of a new token, whatever ``RXSUPPLY_TOKEN_DAYS`` says): an
integration keeps working while its owner issues it a new token, and no token works forever. ``expires_at`` stays
nullable for the downgrade; nothing writes NULL any more.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

GRACE_DAYS = 90


def upgrade() -> None:
    tokens = sa.table(
        "api_token",
        sa.column("expires_at", rxsupply.adapters.tables.UTCDateTime(timezone=True)),
    )
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(days=GRACE_DAYS)
    op.get_bind().execute(
        sa.update(tokens).where(tokens.c.expires_at.is_(None)).values(expires_at=expires)
    )


def downgrade() -> None:
    """The expiries stay: a downgrade does not make tokens work forever again."""
