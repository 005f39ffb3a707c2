"""Reconciliation at receipt (issue 14, item 3): the packages scanned against a purchase order,
the exceptions reconciliation found, and each exception's steps (open, seller contacted,
resolved). All append-only (triggers, migration 0037): an exception's state is its latest step.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

receipt_scan = Table(
    "receipt_scan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("order_number", String(40), nullable=False),
    Column("identifier", String(120), nullable=False),  # canonical: 01<gtin>21<serial>
    Column("gtin", String(14), nullable=False),
    Column("serial", String(20), nullable=False),
    Column("lot", String(40), nullable=True),
    Column("expiry", Date, nullable=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    Column("scanned_at", UTCDateTime, nullable=False),
    Column("scanned_by", String(80), nullable=False),
    Index("ix_receipt_scan_order", "order_number"),
    Index("ix_receipt_scan_identifier", "identifier"),
)

dscsa_exception = Table(
    "dscsa_exception",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("order_number", String(40), nullable=False),
    Column("document_id", Integer, ForeignKey("dscsa_document.id"), nullable=True),
    Column("kind", String(20), nullable=False),  # missing, unexpected, lot_mismatch, ...
    Column("identifier", String(120), nullable=False),
    Column("expected", String(300), nullable=True),  # what the document said
    Column("found", String(300), nullable=True),  # what was scanned
    Column("opened_at", UTCDateTime, nullable=False),
    Index("ix_dscsa_exception_order", "order_number", "kind", "identifier"),
)

dscsa_exception_step = Table(
    "dscsa_exception_step",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exception_id", Integer, ForeignKey("dscsa_exception.id"), nullable=False),
    Column("state", String(20), nullable=False),  # open, seller_contacted, resolved
    Column("note", Text, nullable=False),
    Column("user_name", String(80), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_dscsa_exception_step_exception", "exception_id", "id"),
)
