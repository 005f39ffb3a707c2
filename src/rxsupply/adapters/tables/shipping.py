"""What wholesalers send back about an order: ship notices (X12 856) with the packages they
said they shipped, and invoices (X12 810) with their lines."""

from __future__ import annotations

from sqlalchemy import (
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

ship_notice = Table(
    "ship_notice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("sender", String(30), nullable=False),
    Column("shipment_id", String(30), nullable=False),
    Column("shipped_on", Date, nullable=True),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("sender", "shipment_id", name="uq_ship_notice_key"),
    Index("ix_ship_notice_order", "order_id"),
)

# The packages of one lot of one product a notice says were shipped, and how many came in.
ship_notice_line = Table(
    "ship_notice_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", Integer, ForeignKey("ship_notice.id"), nullable=False),
    Column("line_number", Integer, nullable=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot", String(40), nullable=False, default=""),
    Column("expiry", Date, nullable=True),
    Column("packages", Integer, nullable=False),
    Column("received_packages", Integer, nullable=False, default=0),
    Column("sscc", String(40), nullable=False, default=""),
    Column("serials", Text, nullable=False, default=""),
    Index("ix_ship_notice_line_notice", "notice_id"),
)

supplier_invoice = Table(
    "supplier_invoice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("sender", String(30), nullable=False),
    Column("number", String(30), nullable=False),
    Column("invoice_date", Date, nullable=False),
    Column("total", Money, nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("sender", "number", name="uq_supplier_invoice_key"),
    Index("ix_supplier_invoice_order", "order_id"),
)

supplier_invoice_line = Table(
    "supplier_invoice_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("supplier_invoice.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    Column("ndc", String(20), nullable=False),
    Column("packages", Integer, nullable=False),
    Column("unit", String(4), nullable=False, default="EA"),
    Column("unit_price", Money, nullable=False),
    Index("ix_supplier_invoice_line_invoice", "invoice_id"),
)
