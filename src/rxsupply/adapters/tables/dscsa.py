"""DSCSA records (issue 14): the facility's hash chain over every record, imported EPCIS
documents with their transaction information and statement, the package identifiers they
ship and their events. All append-only (triggers, migration 0033)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

dscsa_record = Table(
    "dscsa_record",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(40), nullable=False),  # document, exception_step, case_step, ...
    Column("subject", String(120), nullable=False),  # "document:12"
    Column("digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("user_name", String(80), nullable=False),
    UniqueConstraint("facility_id", "seq", name="uq_dscsa_record_facility_seq"),
    Index("ix_dscsa_record_subject", "subject"),
)

dscsa_document = Table(
    "dscsa_document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("epcis_version", String(3), nullable=False),
    Column("order_number", String(40), nullable=True),  # the purchase order it ships
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=True),  # seller
    Column("seller", String(300), nullable=True),  # the seller's name as the document says
    Column("buyer", String(300), nullable=True),
    Column("transaction_date", Date, nullable=True),
    Column("shipment_date", Date, nullable=True),
    Column("statement_affirmed", Boolean, nullable=False),
    Column("transaction", Text, nullable=False),  # the TI and TS as canonical JSON
    Column("event_count", Integer, nullable=False),
    Column("package_count", Integer, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("imported_by", String(80), nullable=False),
    UniqueConstraint("facility_id", "sha256", name="uq_dscsa_document_facility_sha256"),
    Index("ix_dscsa_document_order", "order_number"),
)

dscsa_package = Table(
    "dscsa_package",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("dscsa_document.id"), nullable=False),
    Column("identifier", String(120), nullable=False),  # canonical: 01<gtin>21<serial>
    Column("gtin", String(14), nullable=True),
    Column("serial", String(20), nullable=True),
    Column("lot", String(40), nullable=True),
    Column("expiry", Date, nullable=True),
    Column("container", String(120), nullable=True),  # the outermost container shipped
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    Index("ix_dscsa_package_identifier", "identifier"),
    Index("ix_dscsa_package_document", "document_id"),
    Index("ix_dscsa_package_lot", "lot"),
    Index("ix_dscsa_package_serial", "serial"),  # a trace by serial alone
)

dscsa_event = Table(
    "dscsa_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("dscsa_document.id"), nullable=False),
    Column("position", Integer, nullable=False),  # 0-based, document order
    Column("type", String(24), nullable=False),
    Column("action", String(8), nullable=True),
    Column("biz_step", String(200), nullable=True),
    Column("disposition", String(200), nullable=True),
    Column("event_time", String(40), nullable=False),  # ISO 8601 with its own offset
    Column("parent", String(120), nullable=True),
    Column("identifiers", Text, nullable=False),  # JSON list, canonical identifiers
    UniqueConstraint("document_id", "position", name="uq_dscsa_event_document_position"),
)

dscsa_chain_anchor = Table(
    "dscsa_chain_anchor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("first_seq", Integer, nullable=False),  # the first entry left after a purge
    Column("first_prev", String(64), nullable=False),  # the hash of the last entry purged
    Column("purged_before", Date, nullable=False),
    Column("purged_by", String(80), nullable=False),
    Column("purged_at", UTCDateTime, nullable=False),
    UniqueConstraint("facility_id", "first_seq", name="uq_dscsa_chain_anchor_facility_seq"),
)
"""Where a facility's chain starts once its oldest entries were purged past their six years
(migration 0034): append-only, never deleted."""
