"""Drug shortages: the shortages (from the FDA list, a user, or a backordered order line), their
presentations and NDCs, their matches to formulary items, their event log, and the shortage
files imported.

Identities (:mod:`rxsupply.domain.shortage`): a shortage is one (source, key), the key being an
FDA shortage's folded generic name or, for a manual or backorder shortage, the item's code; a
presentation is one key within its shortage (its packages' NDCs, else company and text).
"""

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

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

shortage_import = Table(
    "shortage_import",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file", String(300), nullable=False),
    Column("format", String(16), nullable=False),  # yearly, export
    Column("digest", String(64), nullable=False),  # SHA-256 of the file's bytes
    Column("records", Integer, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("imported_by", String(80), nullable=False),
    Column("summary", Text, nullable=False, default=""),  # JSON: what the import counted
)

shortage = Table(
    "shortage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(16), nullable=False),  # fda, manual, backorder
    Column("key", String(500), nullable=False),
    Column("generic_name", Text, nullable=False),
    Column("status", String(16), nullable=False),  # current, resolved, discontinued
    Column("therapeutic_category", Text, nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("first_posted", Date, nullable=True),
    Column("last_updated", Date, nullable=True),
    Column("resolved_on", Date, nullable=True),
    Column("discontinued_on", Date, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(80), nullable=False),
    UniqueConstraint("source", "key", name="uq_shortage_source_key"),
    Index("ix_shortage_status", "status"),
)

shortage_presentation = Table(
    "shortage_presentation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shortage_id", Integer, ForeignKey("shortage.id"), nullable=False),
    Column("key", String(32), nullable=False),
    Column("company", Text, nullable=False, default=""),
    Column("presentation", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("update_type", String(40), nullable=False, default=""),
    Column("updated_on", Date, nullable=True),
    Column("availability", Text, nullable=False, default=""),
    Column("related_info", Text, nullable=False, default=""),
    Column("resolved_note", Text, nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("therapeutic_category", Text, nullable=False, default=""),
    Column("change_date", Date, nullable=True),
    Column("discontinued_on", Date, nullable=True),
    Column("first_posted", Date, nullable=True),
    # the product a manual or backorder shortage names (None for the FDA's presentations)
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    # the import that last wrote it (None when a user or an order line did)
    Column("import_id", Integer, ForeignKey("shortage_import.id"), nullable=True),
    UniqueConstraint("shortage_id", "key", name="uq_shortage_presentation_key"),
)

shortage_ndc = Table(
    "shortage_ndc",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shortage_id", Integer, ForeignKey("shortage.id"), nullable=False),
    Column("presentation_id", Integer, ForeignKey("shortage_presentation.id"), nullable=False),
    Column("written", String(40), nullable=False),  # as the presentation writes it
    Column("ndc", String(13), nullable=True),  # hyphenated 10-digit, when the pattern is known
    Column("ndc11", String(11), nullable=True),  # 5-4-2 billing form, when known
    Column("ndc_digits", String(10), nullable=True),  # the 10 digits, when known
    UniqueConstraint("presentation_id", "written", name="uq_shortage_ndc_written"),
    Index("ix_shortage_ndc_shortage", "shortage_id"),
    Index("ix_shortage_ndc_ndc11", "ndc11"),
    Index("ix_shortage_ndc_digits", "ndc_digits"),
)

shortage_match = Table(
    "shortage_match",
    metadata,
    Column("shortage_id", Integer, ForeignKey("shortage.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("item.id"), primary_key=True),
    Column("method", String(24), nullable=False),  # item, ndc, name_strength_form, name
    Column("detail", Text, nullable=False, default=""),
    Column("matched_at", UTCDateTime, nullable=False),
    Index("ix_shortage_match_item", "item_id"),
)

shortage_event = Table(
    "shortage_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shortage_id", Integer, ForeignKey("shortage.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # new, updated, resolved, discontinued
    Column("effective", Date, nullable=True),  # the FDA's update date, or the user's day
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("import_id", Integer, ForeignKey("shortage_import.id"), nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_shortage_event_shortage", "shortage_id", "id"),
)
