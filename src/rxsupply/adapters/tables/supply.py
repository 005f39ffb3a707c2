"""Trading partners, contracts and prices, purchase orders and what receiving found."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rxsupply.adapters.tables.columns import Money, UTCDateTime, metadata

trading_partner = Table(
    "trading_partner",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column(
        "kind", String(20), nullable=False, default="wholesaler"
    ),  # wholesaler, gpo, manufacturer
    Column("role", String(20), nullable=False, default="", server_default=""),  # primary, secondary
    # its DSCSA type when recorded (manufacturer, repackager, wholesale_distributor, 3pl,
    # dispenser); else the kind implies it (rxsupply.domain.trading_partner.partner_type_of)
    Column("dscsa_type", String(30), nullable=True),
    # the interchange sender id (ISA06) its X12 documents (855, 856, 810) come from, when on
    # file; one partner's only
    Column("edi_id", String(15), nullable=True),
    Index("ux_trading_partner_edi_id", "edi_id", unique=True),
)

# Purchasing contracts (a GPO's or a manufacturer's): the tier the hospital holds on each, and
# a price per package of each product, per tier, over effective dates.
contract = Table(
    "contract",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(60), nullable=False, unique=True),
    Column("holder_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("tier", String(40), nullable=False, default=""),
)

contract_price = Table(
    "contract_price",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contract_id", Integer, ForeignKey("contract.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("tier", String(40), nullable=False, default=""),
    Column("price", Money, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=True),
    CheckConstraint("price > 0", name="price_positive"),
    CheckConstraint("ends IS NULL OR ends >= starts", name="dates_in_order"),
    UniqueConstraint("contract_id", "product_id", "tier", "starts", name="uq_contract_price_key"),
    Index("ix_contract_price_product", "product_id"),
)

# Purchase orders to wholesalers and their lines (whole packages of one product each).
purchase_order = Table(
    "purchase_order",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("approved_by", String(80), nullable=False, default=""),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Index("ix_purchase_order_status", "status", "partner_id"),
)

purchase_order_line = Table(
    "purchase_order_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("packages", Integer, nullable=False),
    Column("package_price", Money, nullable=False),
    Column("contract", String(60), nullable=False, default=""),
    Column("dea_form_number", String(40), nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("received_packages", Integer, nullable=False, default=0),
    Column("why", Text, nullable=False, default=""),
    CheckConstraint("packages > 0", name="packages_positive"),
    UniqueConstraint("order_id", "line_number", name="uq_purchase_order_line_key"),
    Index("ix_purchase_order_line_product", "product_id"),
)

# What receiving against an order found: over, short, wrong product, damaged, short-dated.
receiving_discrepancy = Table(
    "receiving_discrepancy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("line_number", Integer, nullable=True),
    Column("issue", String(20), nullable=False),
    Column("ndc", String(20), nullable=False),
    Column("lot", String(40), nullable=False, default=""),
    Column("packages", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("resolution", Text, nullable=False, default=""),
    Column("resolved_by", String(80), nullable=False, default=""),
    Column("resolved_at", UTCDateTime, nullable=True),
    Index("ix_receiving_discrepancy_order", "order_id"),
)

# Wholesalers' catalogue prices (WAC) per package, each from its effective date.
catalogue_price = Table(
    "catalogue_price",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("wac", Money, nullable=False),
    Column("starts", Date, nullable=False),
    CheckConstraint("wac > 0", name="wac_positive"),
    UniqueConstraint("partner_id", "product_id", "starts", name="uq_catalogue_price_key"),
    Index("ix_catalogue_price_product", "product_id"),
)

purchase_line = Table(
    "purchase_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_key", String(120), nullable=False, unique=True),
    Column("invoice_date", Date, nullable=False),
    Column("invoice_number", String(60), nullable=False, default=""),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("packages", Integer, nullable=False),
    Column("unit_price", Money, nullable=False),
    CheckConstraint("packages <> 0", name="packages_nonzero"),
    Index("ix_purchase_line_product_date", "product_id", "invoice_date"),
)
