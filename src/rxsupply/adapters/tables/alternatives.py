"""The therapeutic alternatives table the pharmacy keeps: an item, another item that may be
given instead, how to convert (a note and, when a number says it, a ratio: the alternative's
dose per unit of the item's), who added it and when. One row per (item, alternative), one
way."""

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

from rxsupply.adapters.tables.columns import Money, UTCDateTime, metadata

therapeutic_alternative = Table(
    "therapeutic_alternative",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("alternative_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("note", Text, nullable=False),
    Column("ratio", Money, nullable=True),
    Column("added_by", String(80), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    CheckConstraint("item_id <> alternative_id", name="not_itself"),
    CheckConstraint("ratio IS NULL OR ratio > 0", name="ratio_positive"),
    UniqueConstraint("item_id", "alternative_id", name="uq_therapeutic_alternative_pair"),
    Index("ix_therapeutic_alternative_alternative", "alternative_id"),
)
