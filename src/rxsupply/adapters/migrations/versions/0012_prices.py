"""prices: contracts and catalogue prices

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 05:00:00

Trading partners get a role (a primary or secondary wholesaler); purchasing contracts
(``contract``: its holder, a GPO or a manufacturer, and the tier the hospital holds) price
products per tier over effective dates (``contract_price``); wholesalers' catalogues give each
product's WAC from an effective date (``catalogue_price``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rxsupply.adapters.tables

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Money = rxsupply.adapters.tables.Money


def upgrade() -> None:
    with op.batch_alter_table("trading_partner") as batch:
        batch.add_column(sa.Column("role", sa.String(20), nullable=False, server_default=""))
    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["trading_partner.id"],
            name=op.f("fk_contract_holder_id_trading_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("number", name=op.f("uq_contract_number")),
    )
    op.create_table(
        "contract_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("price", Money(precision=14, scale=4), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.CheckConstraint("price > 0", name=op.f("ck_contract_price_price_positive")),
        sa.CheckConstraint(
            "ends IS NULL OR ends >= starts", name=op.f("ck_contract_price_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_price_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_contract_price_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_price")),
        sa.UniqueConstraint(
            "contract_id", "product_id", "tier", "starts", name="uq_contract_price_key"
        ),
    )
    op.create_index("ix_contract_price_product", "contract_price", ["product_id"])
    op.create_table(
        "catalogue_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("wac", Money(precision=14, scale=4), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.CheckConstraint("wac > 0", name=op.f("ck_catalogue_price_wac_positive")),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["trading_partner.id"],
            name=op.f("fk_catalogue_price_partner_id_trading_partner"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_catalogue_price_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_price")),
        sa.UniqueConstraint("partner_id", "product_id", "starts", name="uq_catalogue_price_key"),
    )
    op.create_index("ix_catalogue_price_product", "catalogue_price", ["product_id"])


def downgrade() -> None:
    op.drop_index("ix_catalogue_price_product", table_name="catalogue_price")
    op.drop_table("catalogue_price")
    op.drop_index("ix_contract_price_product", table_name="contract_price")
    op.drop_table("contract_price")
    op.drop_table("contract")
    with op.batch_alter_table("trading_partner") as batch:
        batch.drop_column("role")
