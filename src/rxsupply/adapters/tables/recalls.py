"""Product recalls: the recall (number, FDA class, reason, firm, when it began, where it stands
and how it closed) and its entries (an NDC, and a lot or none: every lot of the NDC)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

recall = Table(
    "recall",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(64), nullable=False, unique=True),  # the firm's or the FDA's
    Column("recall_class", String(3), nullable=False),  # I, II, III
    Column("reason", Text, nullable=False),
    Column("firm", String(200), nullable=False, default=""),
    Column("initiated", Date, nullable=False),
    Column("status", String(8), nullable=False),  # open, closed
    Column("disposition", String(16), nullable=True),  # returned, destroyed, released, ...
    Column("disposition_note", Text, nullable=False, default=""),
    Column("entered_at", UTCDateTime, nullable=False),
    Column("entered_by", String(80), nullable=False),
    Column("quarantined_at", UTCDateTime, nullable=True),
    Column("quarantined_by", String(80), nullable=False, default=""),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closed_by", String(80), nullable=False, default=""),
    # a web form's one-time token: a recall is entered once
    Column("external_id", String(120), nullable=True, unique=True),
    Index("ix_recall_status", "status"),
)

recall_entry = Table(
    "recall_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recall_id", Integer, ForeignKey("recall.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_number", String(40), nullable=True),  # None: every lot of the product
    Index("ix_recall_entry_recall", "recall_id", "id"),
)
