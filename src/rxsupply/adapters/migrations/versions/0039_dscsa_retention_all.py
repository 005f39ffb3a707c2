"""DSCSA retention for every DSCSA table: verifications, cases, receipt scans, exceptions

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 09:15:00

DSCSA (issue 14, item 6): the tables added after 0034 (``dscsa_verification`` of 0035, the
cases of 0036, the receipt scans and exceptions of 0037) keep refusing UPDATE, and refuse the
DELETE of a row younger than six years by the database's clock, as 0034 does for the 0033
tables (:mod:`rxsupply.adapters.record_retention`): each row by its own timestamp, a case's
subjects by their case's opening. Records past their retention can then be purged
(``rxsupply dscsa purge``) and nothing else. Downgrade restores the plain append-only triggers.
"""

from __future__ import annotations

from alembic import op

from rxsupply.adapters.record_retention import append_only_again, retention_triggers

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

STAMPED = {
    "dscsa_verification": "requested_at",
    "dscsa_case": "opened_at",
    "dscsa_case_step": "at",
    "receipt_scan": "scanned_at",
    "dscsa_exception": "opened_at",
    "dscsa_exception_step": "at",
}
BY_PARENT = {"dscsa_case_subject": ("case_id", "dscsa_case", "opened_at")}


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    statements = [s for t, c in STAMPED.items() for s in retention_triggers(dialect, t, stamp=c)]
    statements += [
        s for t, p in BY_PARENT.items() for s in retention_triggers(dialect, t, parent=p)
    ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for table in (*STAMPED, *BY_PARENT):
        for statement in append_only_again(dialect, table):
            op.execute(statement)
