"""DSCSA verifications (issue 14, item 4): every product identifier verified, against what
the hospital received and through a verification router, one append-only row each
(migration 0035)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

dscsa_verification = Table(
    "dscsa_verification",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("gtin", String(14), nullable=False),
    Column("serial", String(20), nullable=False),
    Column("lot", String(20), nullable=False),
    Column("expiry", Date, nullable=False),
    Column("context", String(40), nullable=False),  # dscsaSaleableReturn
    Column("local_result", String(40), nullable=False),  # match, not_found, a reason code...
    Column("local_detail", Text, nullable=False),
    Column("router_url", String(500), nullable=True),  # None: no router asked
    Column("router_result", String(40), nullable=True),  # verified, a reason code, unreachable
    Column("router_response", Text, nullable=True),  # the LMS response as received
    Column("verified", Boolean, nullable=False),
    Column("reason", Text, nullable=False),  # empty when verified
    Column("corr_uuid", String(36), nullable=False),
    Column("reference", String(60), nullable=False),  # a return batch line: RB...:2
    Column("requested_by", String(80), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Index("ix_dscsa_verification_identity", "gtin", "serial"),
    Index("ix_dscsa_verification_reference", "reference"),
)
