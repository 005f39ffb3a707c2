"""stock status, serialised packages, case GTINs, non-expiring items and second users

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:00:00

Lots get a status (available, quarantined, recalled, suspect) with why, by whom and since when;
serialised packages received by scan get a row each; a product's case GTINs (indicator 1-8)
record the packages a case holds; items may be non-expiring; movements and audit entries name
the second user who approved them. ``status_change`` is append-only, as the ledger is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = rxsupply.adapters.tables.UTCDateTime


def upgrade() -> None:
    # plain ADD COLUMN (with a server default for the rows already there) on both databases:
    # SQLite's table rebuild would have to drop tables the ledger refers to
    op.add_column(
        "lot", sa.Column("status", sa.String(16), nullable=False, server_default="available")
    )
    op.add_column("lot", sa.Column("status_reason", sa.Text(), nullable=False, server_default=""))
    op.add_column("lot", sa.Column("status_by", sa.String(80), nullable=False, server_default=""))
    op.add_column("lot", sa.Column("status_since", UTC(timezone=True), nullable=True))
    op.add_column(
        "item", sa.Column("non_expiring", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "movement", sa.Column("approved_by", sa.String(80), nullable=False, server_default="")
    )
    op.add_column("audit", sa.Column("approved_by", sa.String(64), nullable=True))
    op.create_table(
        "product_case",
        sa.Column("gtin", sa.String(14), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.CheckConstraint("packages > 1", name=op.f("ck_product_case_packages_more_than_one")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_product_case_product_id_product")
        ),
        sa.PrimaryKeyConstraint("gtin", name=op.f("pk_product_case")),
    )
    op.create_table(
        "serial_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=False),
        sa.Column("serial", sa.String(20), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("received_at", UTC(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.CheckConstraint("units > 0", name=op.f("ck_serial_package_units_positive")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_serial_package_location_id_location")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_serial_package_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_serial_package_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_package")),
        sa.UniqueConstraint("gtin", "serial", name="uq_serial_package_gtin_serial"),
    )
    op.create_index("ix_serial_package_lot", "serial_package", ["lot_id", "status"])
    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(80), nullable=False),
        sa.Column("approved_by", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_status_change_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["serial_package.id"],
            name=op.f("fk_status_change_package_id_serial_package"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    op.create_index("ix_status_change_lot", "status_change", ["lot_id", "at"])
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER status_change_append_only BEFORE UPDATE OR DELETE ON status_change "
            "FOR EACH ROW EXECUTE FUNCTION rxsupply_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER status_change_no_{action.lower()} BEFORE {action} ON "
                "status_change BEGIN SELECT RAISE(ABORT, 'status_change is append-only: "
                "record a correcting entry instead'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS status_change_append_only ON status_change")
    op.drop_index("ix_status_change_lot", table_name="status_change")
    op.drop_table("status_change")
    op.drop_index("ix_serial_package_lot", table_name="serial_package")
    op.drop_table("serial_package")
    op.drop_table("product_case")
    op.drop_column("audit", "approved_by")
    op.drop_column("movement", "approved_by")
    op.drop_column("item", "non_expiring")
    for column in ("status_since", "status_by", "status_reason", "status"):
        op.drop_column("lot", column)
