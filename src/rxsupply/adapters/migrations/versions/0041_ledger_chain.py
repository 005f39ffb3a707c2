"""The ledger's chain: movements, audit entries and external ids chained by hashes

Revision ID: 0041
Revises: 0039
Create Date: 2026-12-06 12:00:00

Issue 15 ("Scale and trust"): ``ledger_chain`` holds one entry per write transaction, naming
the ``movement``, ``audit`` and ``external_ref`` rows it wrote by id ranges and the digest of
their content (:mod:`rxsupply.domain.ledger_chain`), so ``rxsupply check`` names a row altered,
inserted or removed behind the application's back. ``external_ref`` gets an ``id`` (its
external id stays unique) so the chain can name it, and refuses UPDATE and DELETE
(:func:`~rxsupply.adapters.record_retention.claim_triggers`); ``ledger_chain`` is append-only.
The rows already stored are chained here, in one ``genesis`` entry, so an upgraded database
checks clean.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import (
    append_only_triggers,
    claim_triggers,
    drop_append_only_triggers,
    drop_claim_triggers,
)
from rxsupply.adapters.repositories.ledger_chain import SqlLedgerChain

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def _stamp() -> sa.types.TypeEngine[object]:
    return rxsupply.adapters.tables.UTCDateTime(timezone=True)  # type: ignore[return-value]


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "ledger_chain",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", _stamp(), nullable=False),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("external_ref_high", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_chain")),
    )
    if dialect == "postgresql":
        op.execute("ALTER TABLE external_ref DROP CONSTRAINT pk_external_ref")
        op.execute("ALTER TABLE external_ref ADD COLUMN id SERIAL")
        op.execute("ALTER TABLE external_ref ADD CONSTRAINT pk_external_ref PRIMARY KEY (id)")
        op.execute(
            "ALTER TABLE external_ref ADD CONSTRAINT uq_external_ref_external_id "
            "UNIQUE (external_id)"
        )
    else:
        op.create_table(
            "external_ref_new",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("external_id", sa.String(length=120), nullable=False),
            sa.Column("recorded_at", _stamp(), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_external_ref"),
            sa.UniqueConstraint("external_id", name="uq_external_ref_external_id"),
        )
        op.execute(
            "INSERT INTO external_ref_new (id, external_id, recorded_at) "
            "SELECT rowid, external_id, recorded_at FROM external_ref ORDER BY rowid"
        )
        op.drop_table("external_ref")
        op.rename_table("external_ref_new", "external_ref")
    for statement in [*append_only_triggers(dialect, "ledger_chain"), *claim_triggers(dialect)]:
        op.execute(statement)
    SqlLedgerChain(op.get_bind()).genesis()


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for statement in [
        *drop_claim_triggers(dialect),
        *drop_append_only_triggers(dialect, "ledger_chain"),
    ]:
        op.execute(statement)
    op.drop_table("ledger_chain")
    if dialect == "postgresql":
        op.execute("ALTER TABLE external_ref DROP CONSTRAINT uq_external_ref_external_id")
        op.execute("ALTER TABLE external_ref DROP CONSTRAINT pk_external_ref")
        op.execute("ALTER TABLE external_ref DROP COLUMN id")
        op.execute(
            "ALTER TABLE external_ref ADD CONSTRAINT pk_external_ref PRIMARY KEY (external_id)"
        )
        return
    op.create_table(
        "external_ref_old",
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", _stamp(), nullable=False),
        sa.PrimaryKeyConstraint("external_id", name="pk_external_ref"),
    )
    op.execute(
        "INSERT INTO external_ref_old (external_id, recorded_at) "
        "SELECT external_id, recorded_at FROM external_ref"
    )
    op.drop_table("external_ref")
    op.rename_table("external_ref_old", "external_ref")
