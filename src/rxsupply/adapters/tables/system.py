"""Users, sessions, audit, settings, stock levels, planning and the cabinet interface."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    # what look-alike names are compared by (domain.usernames.key); NULL for an old name
    # that collided with another when it was first computed
    Column("username_key", String(64), nullable=True),
    Column("failed_count", Integer, nullable=False, default=0),  # sign-in failures in a row
    Column("failed_since", UTCDateTime, nullable=True),  # the first of them
    Column("locked_at", UTCDateTime, nullable=True),  # too many failures: until an admin unlocks
    Column("password_changed_at", UTCDateTime, nullable=True),
    Index("ix_app_user_username_key", "username_key", unique=True),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("expires_at", UTCDateTime, nullable=True),  # NULL: issued before tokens expired
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_api_token_user_id", "user_id"),
)

# Every sign-in with a password, succeeded or not: the per-address limit counts its failures
# (every server process shares it).
sign_in_attempt = Table(
    "sign_in_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),  # as typed (cut to 64), or its key
    Column("address", String(64), nullable=False),  # the client's address
    Column("succeeded", Boolean, nullable=False),
    Index("ix_sign_in_attempt_address", "address", "at"),
    Index("ix_sign_in_attempt_username", "username", "at"),
)

app_session = Table(
    "app_session",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session key in the cookie
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Index("ix_app_session_user_id", "user_id"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("approved_by", String(64), nullable=True),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_key", String(200), nullable=False, default=""),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Index("ix_audit_at", "at"),
)

app_setting = Table(
    "app_setting",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The replenishment settings in force per item and location: min/max (PAR) for ADC pockets,
# reorder point / order-up-to for storerooms; lead time and review period in days.
stock_level = Table(
    "stock_level",
    metadata,
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("item.id"), primary_key=True),
    Column("min_level", Integer, nullable=False),
    Column("max_level", Integer, nullable=False),
    Column("lead_time_days", Integer, nullable=False, default=1),
    Column("review_period_days", Integer, nullable=False, default=1),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(80), nullable=False, default=""),
    CheckConstraint("min_level >= 0 AND max_level >= min_level", name="levels_ordered"),
)

# A planning run's recommendations, waiting for a manager to accept or reject them.
recommendation = Table(
    "recommendation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_at", UTCDateTime, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("current_min", Integer, nullable=True),
    Column("current_max", Integer, nullable=True),
    Column("min_level", Integer, nullable=False),
    Column("max_level", Integer, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("status", String(12), nullable=False, default="pending"),
    Column("decided_by", String(80), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Index("ix_recommendation_status", "status", "location_id"),
)

# Planning runs started from the web or the API in the background: where each one is, so any
# server process can show its progress.
planning_job = Table(
    "planning_job",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("started_by", String(80), nullable=False),
    Column("status", String(12), nullable=False),  # running, done, failed
    Column("stage", String(80), nullable=False, default=""),
    Column("progress", Float, nullable=False, default=0.0),
    Column("message", Text, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("series", Integer, nullable=True),
    Column("proposed", Integer, nullable=True),
    Index("ix_planning_job_status", "status"),
)

# What a cabinet reported leaving it beyond the usable stock on record (a dispense or waste the
# ledger could not issue in full): open until someone finds why and resolves it.
stock_discrepancy = Table(
    "stock_discrepancy",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=True),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("reported", BigInteger, nullable=False),
    Column("posted", BigInteger, nullable=False),
    Column("blocked", BigInteger, nullable=False),
    Column("what", String(200), nullable=False, default=""),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("reported_by", String(80), nullable=False),
    Column("external_id", String(120), nullable=True),
    Column("status", String(12), nullable=False),  # open, resolved
    Column("resolution", Text, nullable=False, default=""),
    Column("resolved_by", String(80), nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    CheckConstraint("reported > posted AND posted >= 0 AND blocked >= 0", name="short"),
    Index("ix_stock_discrepancy_status", "status", "occurred_at"),
)

# Every interface message received (HL7 v2 from the cabinets): recorded once by its sender and
# message control id, with the acknowledgement it got, so a resend gets the same answer.
interface_message = Table(
    "interface_message",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("protocol", String(12), nullable=False),  # hl7v2
    Column("sender", String(100), nullable=False),
    Column("control_id", String(100), nullable=False),
    Column("message_type", String(20), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("ack_code", String(2), nullable=False),  # AA, AE, AR
    Column("ack_text", Text, nullable=False, default=""),
    Column("transactions", Integer, nullable=False, default=0),
    Column("discrepancies", Integer, nullable=False, default=0),
    Column("received_by", String(80), nullable=False),
    UniqueConstraint("protocol", "sender", "control_id", name="uq_interface_message_key"),
    Index("ix_interface_message_received", "received_at"),
)

# The latest planning run's view of every item-location: classes, forecast and distribution,
# what the ABC/XYZ page and the item pages show without recomputing.
series_class = Table(
    "series_class",
    metadata,
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("item.id"), primary_key=True),
    Column("run_at", UTCDateTime, nullable=False),
    Column("abc", String(1), nullable=False),
    Column("xyz", String(1), nullable=False),
    Column("demand_class", String(16), nullable=False),
    Column("lifecycle", String(16), nullable=False),
    Column("mean_daily_demand", Float, nullable=False),
    Column("forecast_daily", Float, nullable=False),
    Column("sd_daily_demand", Float, nullable=False),
    Column("annual_value", Float, nullable=False),
    Column("method", String(20), nullable=False),
    Column("distribution", String(20), nullable=False),
    Column("min_level", Integer, nullable=False),
    Column("max_level", Integer, nullable=False),
    Column("target", Float, nullable=False),
)
