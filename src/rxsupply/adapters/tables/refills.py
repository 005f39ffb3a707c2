"""Refill runs: the saved pick list of a round of the cabinets and what was scanned in."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

refill_run = Table(
    "refill_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("route", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_by", String(80), nullable=False, default=""),
    Column("closed_at", UTCDateTime, nullable=True),
    Index("ix_refill_run_status", "status"),
)

refill_line = Table(
    "refill_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("refill_run.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("cabinet", String(64), nullable=False),
    Column("pocket", String(64), nullable=False),
    Column("item", String(64), nullable=False),
    Column("from_location", String(64), nullable=False),
    Column("ndc", String(20), nullable=False),
    Column("lot", String(40), nullable=False),
    Column("expiry", Date, nullable=True),
    Column("quantity", Integer, nullable=False),
    Column("short", Integer, nullable=False),
    Column("remove", Integer, nullable=False),
    Column("confirmed", Integer, nullable=False, default=0),
    Column("scanned", Integer, nullable=False, default=0, server_default="0"),
    Column("reported", Integer, nullable=False, default=0, server_default="0"),
    Column("confirmed_by", String(80), nullable=False, default=""),
    Column("confirmed_at", UTCDateTime, nullable=True),
    # a pull: the line's units of its lot leave the pocket for this quarantine location
    Column("to_location", String(64), nullable=False, default="", server_default=""),
    Index("ix_refill_line_run", "run_id", "line_number", unique=True),
)
