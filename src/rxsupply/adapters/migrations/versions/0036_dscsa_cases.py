"""Suspect and illegitimate product cases: the case, its subjects, its steps

Revision ID: 0036
Revises: 0033
Create Date: 2026-12-06 09:00:00

DSCSA (issue 14, item 5): ``dscsa_case`` (a suspect product investigation, its number, reason
and how it was noticed), ``dscsa_case_subject`` (the serialised packages and lots it names,
with the status each had when the case was opened) and ``dscsa_case_step`` (what was done:
opened, notes, evidence, cleared, illegitimate, partners and FDA notified, closed). All three
are append-only: UPDATE and DELETE are refused by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables
from rxsupply.adapters.record_retention import append_only_triggers, drop_append_only_triggers

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime
TABLES = ("dscsa_case", "dscsa_case_subject", "dscsa_case_step")


def upgrade() -> None:
    op.create_table(
        "dscsa_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("opened_at", UTC(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["location.id"], name=op.f("fk_dscsa_case_facility_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_case")),
        sa.UniqueConstraint("number", name=op.f("uq_dscsa_case_number")),
        sa.UniqueConstraint("external_id", name=op.f("uq_dscsa_case_external_id")),
    )
    op.create_table(
        "dscsa_case_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("ndc", sa.String(13), nullable=False),
        sa.Column("lot_number", sa.String(40), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=True),
        sa.Column("serial", sa.String(20), nullable=True),
        sa.Column("status_before", sa.String(16), nullable=False),
        sa.Column("reason_before", sa.Text(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dscsa_case.id"], name=op.f("fk_dscsa_case_subject_case_id_dscsa_case")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_dscsa_case_subject_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lot.id"], name=op.f("fk_dscsa_case_subject_lot_id_lot")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["serial_package.id"],
            name=op.f("fk_dscsa_case_subject_package_id_serial_package"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_case_subject")),
    )
    op.create_index("ix_dscsa_case_subject_case", "dscsa_case_subject", ["case_id"])
    op.create_index("ix_dscsa_case_subject_lot", "dscsa_case_subject", ["lot_id"])
    op.create_table(
        "dscsa_case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_name", sa.String(255), nullable=False),
        sa.Column("evidence_sha256", sa.String(64), nullable=False),
        sa.Column("partner", sa.String(200), nullable=False),
        sa.Column("incident", sa.String(60), nullable=False),
        sa.Column("user_name", sa.String(80), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dscsa_case.id"], name=op.f("fk_dscsa_case_step_case_id_dscsa_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dscsa_case_step")),
        sa.UniqueConstraint("case_id", "seq", name="uq_dscsa_case_step_case_seq"),
        sa.UniqueConstraint("external_id", name=op.f("uq_dscsa_case_step_external_id")),
    )
    dialect = op.get_context().dialect.name
    for table in TABLES:
        for statement in append_only_triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for table in TABLES:
        for statement in drop_append_only_triggers(dialect, table):
            op.execute(statement)
    op.drop_table("dscsa_case_step")
    op.drop_index("ix_dscsa_case_subject_lot", table_name="dscsa_case_subject")
    op.drop_index("ix_dscsa_case_subject_case", table_name="dscsa_case_subject")
    op.drop_table("dscsa_case_subject")
    op.drop_table("dscsa_case")
