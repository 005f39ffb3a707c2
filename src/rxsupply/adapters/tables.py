"""SQLAlchemy Core tables: the schema of the ledger and its reference data.

Alembic migrations under ``rxsupply/adapters/migrations`` create exactly these tables; a test
checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Exact decimal money: NUMERIC on PostgreSQL, text on SQLite (which has no decimal)."""

    impl = Numeric(14, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(14, 4))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        q = Decimal(value).quantize(Decimal("0.0001"))
        return str(q) if dialect.name == "sqlite" else q

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.0001"))


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
)

external_ref = Table(
    "external_ref",
    metadata,
    Column("external_id", String(120), primary_key=True),
    Column("recorded_at", UTCDateTime, nullable=False),
)

trading_partner = Table(
    "trading_partner",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column(
        "kind", String(20), nullable=False, default="wholesaler"
    ),  # wholesaler, gpo, manufacturer
    Column("role", String(20), nullable=False, default="", server_default=""),  # primary, secondary
)

# Purchasing contracts (a GPO's or a manufacturer's): the tier the hospital holds on each, and
# a price per package of each product, per tier, over effective dates.
contract = Table(
    "contract",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(60), nullable=False, unique=True),
    Column("holder_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("tier", String(40), nullable=False, default=""),
)

contract_price = Table(
    "contract_price",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contract_id", Integer, ForeignKey("contract.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("tier", String(40), nullable=False, default=""),
    Column("price", Money, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=True),
    CheckConstraint("price > 0", name="price_positive"),
    CheckConstraint("ends IS NULL OR ends >= starts", name="dates_in_order"),
    UniqueConstraint("contract_id", "product_id", "tier", "starts", name="uq_contract_price_key"),
    Index("ix_contract_price_product", "product_id"),
)

# Purchase orders to wholesalers and their lines (whole packages of one product each).
purchase_order = Table(
    "purchase_order",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("approved_by", String(80), nullable=False, default=""),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Index("ix_purchase_order_status", "status", "partner_id"),
)

purchase_order_line = Table(
    "purchase_order_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("packages", Integer, nullable=False),
    Column("package_price", Money, nullable=False),
    Column("contract", String(60), nullable=False, default=""),
    Column("dea_form_number", String(40), nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("received_packages", Integer, nullable=False, default=0),
    Column("why", Text, nullable=False, default=""),
    CheckConstraint("packages > 0", name="packages_positive"),
    UniqueConstraint("order_id", "line_number", name="uq_purchase_order_line_key"),
    Index("ix_purchase_order_line_product", "product_id"),
)

# What receiving against an order found: over, short, wrong product, damaged, short-dated.
receiving_discrepancy = Table(
    "receiving_discrepancy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False),
    Column("line_number", Integer, nullable=True),
    Column("issue", String(20), nullable=False),
    Column("ndc", String(20), nullable=False),
    Column("lot", String(40), nullable=False, default=""),
    Column("packages", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("resolution", Text, nullable=False, default=""),
    Column("resolved_by", String(80), nullable=False, default=""),
    Column("resolved_at", UTCDateTime, nullable=True),
    Index("ix_receiving_discrepancy_order", "order_id"),
)

# Wholesalers' catalogue prices (WAC) per package, each from its effective date.
catalogue_price = Table(
    "catalogue_price",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("wac", Money, nullable=False),
    Column("starts", Date, nullable=False),
    CheckConstraint("wac > 0", name="wac_positive"),
    UniqueConstraint("partner_id", "product_id", "starts", name="uq_catalogue_price_key"),
    Index("ix_catalogue_price_product", "product_id"),
)

purchase_line = Table(
    "purchase_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_key", String(120), nullable=False, unique=True),
    Column("invoice_date", Date, nullable=False),
    Column("invoice_number", String(60), nullable=False, default=""),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("packages", Integer, nullable=False),
    Column("unit_price", Money, nullable=False),
    CheckConstraint("packages <> 0", name="packages_nonzero"),
    Index("ix_purchase_line_product_date", "product_id", "invoice_date"),
)

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
)

app_session = Table(
    "app_session",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session key in the cookie
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
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
