"""A shortage's conservation log: every action (a reallocation applied, a PAR reduced, a
restriction or an allocation limit set, and their reversals) with who, when, why and what.
The settings in force are the actions in state ``active``."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

shortage_action = Table(
    "shortage_action",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shortage_id", Integer, ForeignKey("shortage.id"), nullable=False),
    # reallocate, reduce_par, restrict, limit, restore_par, lift_restriction, lift_limit
    Column("kind", String(24), nullable=False),
    Column("state", String(12), nullable=False),  # active, reverted, done
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),  # JSON: what the action did
    # a reallocation plan's id: a plan is applied once
    Column("external_id", String(120), nullable=True, unique=True),
    Column("reverses_id", Integer, ForeignKey("shortage_action.id"), nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("reverted_at", UTCDateTime, nullable=True),
    Column("reverted_by", String(80), nullable=True),
    Index("ix_shortage_action_shortage", "shortage_id", "id"),
    Index("ix_shortage_action_state", "state", "kind", "item_id"),
)
