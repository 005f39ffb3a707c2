"""Internal logistics: transfers between locations and the lots picked for them."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

# A transfer: who wants what (an item or one product), from where to where, and who did each
# step (requested, picked, shipped into transit, received, or cancelled) when.
transfer = Table(
    "transfer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("from_location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("to_location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    Column("quantity", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("requested_by", String(80), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("picked_by", String(80), nullable=False, default=""),
    Column("picked_at", UTCDateTime, nullable=True),
    Column("shipped_by", String(80), nullable=False, default=""),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("received_by", String(80), nullable=False, default=""),
    Column("received_at", UTCDateTime, nullable=True),
    Column("cancelled_by", String(80), nullable=False, default=""),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("cancel_reason", Text, nullable=False, default=""),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_transfer_status", "status"),
)

# The lots a transfer's pick took, each from its place (a bin, a pocket), and what arrived.
transfer_line = Table(
    "transfer_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transfer_id", Integer, ForeignKey("transfer.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("received", Integer, nullable=True),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    UniqueConstraint("transfer_id", "line_number", name="uq_transfer_line_key"),
)
