"""Cycle counts and their lines: what was counted, by whom and witnessed by whom, the
expected quantity snapshotted at the start (hidden from the counter) and at submission, and the
variance posted."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from rxsupply.adapters.tables.columns import Money, UTCDateTime, metadata

stock_count = Table(
    "stock_count",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("status", String(16), nullable=False),  # open, submitted, approved, posted
    Column("controlled", Boolean, nullable=False, default=False),
    Column("started_by", String(80), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("counter", String(80), nullable=False, default=""),
    Column("witness", String(80), nullable=False, default=""),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("counted_on", Date, nullable=True),
    Column("approved_by", String(80), nullable=False, default=""),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("posted_by", String(80), nullable=False, default=""),
    Column("posted_at", UTCDateTime, nullable=True),
    Index("ix_stock_count_status", "status", "started_at"),
)

stock_count_line = Table(
    "stock_count_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("count_id", Integer, ForeignKey("stock_count.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_number", String(40), nullable=False),
    Column("expiry", Date, nullable=True),
    Column("expected", Integer, nullable=False),
    Column("on_hand_at_submit", Integer, nullable=True),
    Column("counted", Integer, nullable=True),
    Column("added", Boolean, nullable=False, default=False),
    Column("unit_cost", Money, nullable=True),
    Column("reason", String(40), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    CheckConstraint("expected >= 0", name="expected_not_negative"),
    CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),
    Index("ix_stock_count_line_count", "count_id"),
    Index("ix_stock_count_line_item", "location_id", "item_id"),
)
