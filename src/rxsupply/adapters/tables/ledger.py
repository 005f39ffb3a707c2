"""The ledger and its reference data: locations, products, items, lots, serialised packages,
on-hand, movements."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
    UniqueConstraint,
    false,
)

from rxsupply.adapters.tables.columns import Money, UTCDateTime, metadata

location = Table(
    "location",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("parent_id", Integer, ForeignKey("location.id"), nullable=True),
    Column("capacity", Integer, nullable=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=True),
    Column("unit", String(64), nullable=False, default=""),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    Index("ix_location_parent", "parent_id"),
)

# Every location paired with itself and each location above it: stock "at" a place is the
# stock of every location whose path reaches it, found with one indexed join instead of a
# recursive walk per movement. Rebuilt from ``location.parent_id`` whenever locations change.
# Keyed by location first, on purpose: a movement's lines are found from its products' lines
# (few) up to its roots, never by listing everything below a cabinet or a facility.
location_path = Table(
    "location_path",
    metadata,
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("ancestor_id", Integer, ForeignKey("location.id"), primary_key=True),
)

product = Table(
    "product",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ndc", String(13), nullable=False, unique=True),
    Column("ndc_digits", String(10), nullable=False, unique=True),
    Column("ndc11", String(11), nullable=False, unique=True),
    Column("gtin", String(14), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("generic_name", Text, nullable=False, default=""),
    Column("labeler", String(200), nullable=False, default=""),
    Column("strength", Text, nullable=False, default=""),
    Column("dosage_form", String(100), nullable=False, default=""),
    Column("route", String(200), nullable=False, default=""),
    Column("package_size", Integer, nullable=False),
    Column("dispense_unit", String(40), nullable=False),
    Column("package_description", Text, nullable=False, default=""),
    Column("dea_schedule", String(4), nullable=True),
    Column("package_cost", Money, nullable=True),
    Column("source", String(16), nullable=False),
    Column("fda_product_id", String(80), nullable=True),
    Column("marketing_end", Date, nullable=True),
    CheckConstraint("package_size > 0", name="package_size_positive"),
)

item = Table(
    "item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("criticality", String(16), nullable=False, default="essential"),
    Column("non_expiring", Boolean, nullable=False, default=False),
)

item_product = Table(
    "item_product",
    metadata,
    Column("item_id", Integer, ForeignKey("item.id"), primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), primary_key=True),
    # the product buyers buy for the item while it has a price and is not backordered
    Column("preferred", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_item_product_product", "product_id"),
)

lot = Table(
    "lot",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_number", String(40), nullable=False),
    Column("expiry", Date, nullable=True),
    # available, or blocked (quarantined, recalled, suspect) with why, by whom and since when
    Column("status", String(16), nullable=False, default="available"),
    Column("status_reason", Text, nullable=False, default=""),
    Column("status_by", String(80), nullable=False, default=""),
    Column("status_since", UTCDateTime, nullable=True),
    UniqueConstraint("product_id", "lot_number", name="uq_lot_product_lot_number"),
    Index("ix_lot_lot_number", "lot_number"),  # a trace by lot number, any product
)

# A repackaged lot's bulk lot (the lot its units came out of): a block of the bulk lot (a
# recall, a quarantine, a suspect product) blocks every lot repackaged from it.
lot_source = Table(
    "lot_source",
    metadata,
    Column("lot_id", Integer, ForeignKey("lot.id"), primary_key=True),
    Column("source_lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Index("ix_lot_source_source", "source_lot_id"),
)

# Higher packaging levels of a product (GTIN indicator 1-8) and the packages each holds.
product_case = Table(
    "product_case",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("packages", Integer, nullable=False),
    CheckConstraint("packages > 1", name="packages_more_than_one"),
)

# Serialised packages (DSCSA product identifiers) received by scan: each follows its
# movements while sealed (status available, quarantined, recalled or suspect).
serial_package = Table(
    "serial_package",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("gtin", String(14), nullable=False),
    Column("serial", String(20), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("units", Integer, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=False, default=""),
    Column("received_at", UTCDateTime, nullable=False),
    Column("received_by", String(80), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("gtin", "serial", name="uq_serial_package_gtin_serial"),
    CheckConstraint("units > 0", name="units_positive"),
    Index("ix_serial_package_lot", "lot_id", "status"),
    Index("ix_serial_package_serial", "serial"),  # a trace by serial alone
)

# Every status change of a lot or a serialised package, append-only: who, when, why.
status_change = Table(
    "status_change",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("package_id", Integer, ForeignKey("serial_package.id"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("user_name", String(80), nullable=False),
    Column("approved_by", String(80), nullable=False, default=""),
    Index("ix_status_change_lot", "lot_id", "at"),
)

on_hand = Table(
    "on_hand",
    metadata,
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), primary_key=True),
    Column("lot_id", Integer, ForeignKey("lot.id"), primary_key=True),
    Column("quantity", BigInteger, nullable=False),
    CheckConstraint("quantity >= 0", name="never_negative"),
    Index("ix_on_hand_product", "product_id"),
)

movement = Table(
    "movement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("from_location_id", Integer, ForeignKey("location.id"), nullable=True),
    Column("to_location_id", Integer, ForeignKey("location.id"), nullable=True),
    Column("external_id", String(120), nullable=True),
    Column("reference", String(120), nullable=False, default=""),
    Column("user_name", String(80), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("unit_cost", Money, nullable=True),
    Column("approved_by", String(80), nullable=False, default=""),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(
        "from_location_id IS NOT NULL OR to_location_id IS NOT NULL", name="has_location"
    ),
    Index("ix_movement_product_time", "product_id", "occurred_at"),
    Index("ix_movement_time", "occurred_at", "id"),
    Index("ix_movement_lot", "lot_id", "id"),  # a lot's movements in posting order (a trace)
)

# External ids already recorded (idempotency): append-only, numbered so the ledger's chain
# can name them by id ranges (migration 0041).
external_ref = Table(
    "external_ref",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", String(120), nullable=False, unique=True),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# The ledger's chain (rxsupply.domain.ledger_chain): one entry per write transaction, naming
# the movement, audit and external_ref rows it wrote by id ranges (``subject``), the digest
# of their content and the link to the entry before. ``external_ref_high``: the highest
# external_ref id chained so far (SQLite's external_ref guard lets a transaction release only
# its own claims, above it).
ledger_chain = Table(
    "ledger_chain",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),  # genesis, transaction
    Column("subject", Text, nullable=False),  # movement:1-500;audit:7;external_ref:3-502
    Column("digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("user_name", String(80), nullable=False),
    Column("external_ref_high", Integer, nullable=False),
)
