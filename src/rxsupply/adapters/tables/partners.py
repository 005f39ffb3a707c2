"""Trading partners' authorizations (DSCSA): each licence or registration the hospital checked,
with who verified it, when and where."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

partner_authorization = Table(
    "partner_authorization",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", Integer, ForeignKey("trading_partner.id"), nullable=False),
    Column("kind", String(40), nullable=False),  # state_wholesale_license, ...
    Column("number", String(60), nullable=False),
    Column("state", String(3), nullable=False),  # a USPS code, or FDA
    Column("expires", Date, nullable=False),
    Column("verified_on", Date, nullable=False),
    Column("verified_by", String(80), nullable=False),
    Column("source", String(200), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("external_id", String(120), nullable=True, unique=True),  # a web form's token
    Index("ix_partner_authorization_partner", "partner_id", "kind"),
)
