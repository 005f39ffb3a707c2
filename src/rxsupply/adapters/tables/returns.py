"""Reverse distribution: manufacturers' return policies, products' storage, the RCRA list the
pharmacy keeps, return batches and their lines, credit memo lines, and controlled-substance
destructions (DEA Form 41 records)."""

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

# One labeler's return goods policy: the window in calendar months around the expiry, the
# partial-package rule, the categories it refuses (comma-separated) and the credit share of WAC.
return_policy = Table(
    "return_policy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("labeler", String(200), nullable=False, unique=True),
    Column("months_before", Integer, nullable=False),
    Column("months_after", Integer, nullable=False),
    Column("partial", String(16), nullable=False),
    Column("min_fill", Money, nullable=True),
    Column("excluded", String(200), nullable=False, default=""),
    Column("credit_share", Money, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("updated_by", String(80), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# How a product is stored when it is not at room temperature (refrigerated, frozen).
product_storage = Table(
    "product_storage",
    metadata,
    Column("product_id", Integer, ForeignKey("product.id"), primary_key=True),
    Column("storage", String(16), nullable=False),
    Column("set_by", String(80), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

# The pharmacy's list of RCRA listed drugs (40 CFR 261.33), seeded from the package's starter
# list and edited by its users.
hazardous_listing = Table(
    "hazardous_listing",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ingredient", String(120), nullable=False),
    Column("code", String(4), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("exempt_terms", Text, nullable=False, default=""),
    Column("added_by", String(80), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    UniqueConstraint("ingredient", "code", name="uq_hazardous_listing_key"),
)

return_batch = Table(
    "return_batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # open, shipped
    Column("distributor", String(200), nullable=False, default=""),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("shipped_by", String(80), nullable=False, default=""),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("note", Text, nullable=False, default=""),
)

return_line = Table(
    "return_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("return_batch.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("stream", String(16), nullable=False),
    Column("expected_credit", Money, nullable=False),
    Column("price_basis", String(120), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("listing_code", String(4), nullable=False, default=""),
    Column("form_222", String(40), nullable=False, default=""),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("stream <> 'sewer'", name="never_sewered"),
    UniqueConstraint("batch_id", "line_number", name="uq_return_line_key"),
    UniqueConstraint("batch_id", "product_id", "lot_id", name="uq_return_line_lot"),
)

# What a reverse distributor's credit memo says, line by line (matched to the batch's lines by
# NDC and lot when reconciled).
credit_memo_line = Table(
    "credit_memo_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("return_batch.id"), nullable=False),
    Column("memo_number", String(60), nullable=False),
    Column("memo_date", Date, nullable=False),
    Column("ndc", String(13), nullable=False),
    Column("lot", String(40), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("credit", Money, nullable=False),
    Column("entered_by", String(80), nullable=False),
    Column("entered_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    UniqueConstraint("batch_id", "memo_number", "ndc", "lot", name="uq_credit_memo_line_key"),
    Index("ix_credit_memo_line_batch", "batch_id"),
)

# A controlled-substance destruction (DEA Form 41): what, where, how, by whom, two witnesses.
destruction = Table(
    "destruction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("method", String(200), nullable=False),
    Column("destroyed_by", String(80), nullable=False),
    Column("witness_one", String(80), nullable=False),
    Column("witness_two", String(80), nullable=False),
    Column("destroyed_at", UTCDateTime, nullable=False),
    Column("note", Text, nullable=False, default=""),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("witness_one <> witness_two", name="two_witnesses"),
)
