"""API tokens issued before tokens expired get an expiry: 90 days from this upgrade

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 02:30:00

Issue 15 ("Scale and trust"): migration 0040 gave new API tokens an expiry and left the ones
already issued working until revoked. Every token still without one now expires 90 days after
this upgrade (the default lifetime of a new token, whatever ``RXSUPPLY_TOKEN_DAYS`` says): an
integration keeps working while its owner issues it a new token, and no token works forever.
``expires_at`` stays nullable for the downgrade; nothing writes NULL any more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

GRACE_DAYS = 90

# the database's clock (the package reads the time in one place, which a migration does not
# reach), stored as each database stores an UTCDateTime: SQLite's naive UTC text
_EXPIRES = {
    "postgresql": f"date_trunc('second', now()) + interval '{GRACE_DAYS} days'",
    "sqlite": f"strftime('%Y-%m-%d %H:%M:%S.000000', 'now', '+{GRACE_DAYS} days')",
}


def upgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            f"UPDATE api_token SET expires_at = {_EXPIRES[bind.dialect.name]} "
            "WHERE expires_at IS NULL"
        )
    )


def downgrade() -> None:
    """The expiries stay: a downgrade does not make tokens work forever again."""
