"""accounts: lockout, sign-in attempts, token expiry, look-alike usernames

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-06 11:45:00

Scale and trust (issue 15): each user's sign-in failures in a row, the first of them and when
too many locked the account (``app_user.failed_count``, ``failed_since``, ``locked_at``), when
the password last changed, and the key look-alike usernames are compared by
(``username_key``, unique; computed here for the users already there, left empty for a later
one that collides with an earlier one); every password sign-in (``sign_in_attempt``: when,
who, from which address, succeeded or not); API tokens' expiry, last use and revocation time.
Tokens issued before keep no expiry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.domain import usernames

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def _fill_username_keys() -> None:
    conn = op.get_bind()
    users = sa.table("app_user", sa.column("id", sa.Integer), sa.column("username", sa.String))
    keys = sa.table("app_user", sa.column("id", sa.Integer), sa.column("username_key", sa.String))
    taken: set[str] = set()
    for row in conn.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)):
        key = usernames.key(row.username)[:64]
        if key in taken:
            continue
        taken.add(key)
        conn.execute(sa.update(keys).where(keys.c.id == row.id).values(username_key=key))


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("username_key", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("failed_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("failed_since", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("locked_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("password_changed_at", UTC(timezone=True), nullable=True))
    with op.batch_alter_table("app_user") as batch:
        batch.alter_column("failed_count", server_default=None)
    _fill_username_keys()
    op.create_index("ix_app_user_username_key", "app_user", ["username_key"], unique=True)
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("expires_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", UTC(timezone=True), nullable=True))
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])
    op.create_index("ix_app_session_user_id", "app_session", ["user_id"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index("ix_sign_in_attempt_address", "sign_in_attempt", ["address", "at"])
    op.create_index("ix_sign_in_attempt_username", "sign_in_attempt", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempt_username", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_address", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_index("ix_app_session_user_id", table_name="app_session")
    op.drop_index("ix_api_token_user_id", table_name="api_token")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
    op.drop_index("ix_app_user_username_key", table_name="app_user")
    with op.batch_alter_table("app_user") as batch:
        for column in ("password_changed_at", "locked_at", "failed_since", "failed_count"):
            batch.drop_column(column)
        batch.drop_column("username_key")
