"""Suspect and illegitimate product cases (DSCSA, issue 14 item 5): the case, the serials and
lots it names (with the status each had when it was opened), and its steps. All append-only
(triggers, migration 0036): a case's status is read from its latest steps."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rxsupply.adapters.tables.columns import UTCDateTime, metadata

dscsa_case = Table(
    "dscsa_case",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("facility_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("number", String(20), nullable=False, unique=True),  # SC-2026-0001
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_by", String(80), nullable=False),
    Column("reason", String(40), nullable=False),  # counterfeit, diverted, ...
    Column("source", String(40), nullable=False),  # verification_failure, ...
    Column("external_id", String(120), nullable=True, unique=True),  # a web form's token
)

dscsa_case_subject = Table(
    "dscsa_case_subject",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("dscsa_case.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # lot, serial
    Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lot.id"), nullable=False),
    Column("package_id", Integer, ForeignKey("serial_package.id"), nullable=True),
    Column("ndc", String(13), nullable=False),
    Column("lot_number", String(40), nullable=False),
    Column("gtin", String(14), nullable=True),
    Column("serial", String(20), nullable=True),
    Column("status_before", String(16), nullable=False),  # when the case was opened
    Column("reason_before", Text, nullable=False, default=""),
    Column("blocked", Boolean, nullable=False),  # the case made it suspect
    Index("ix_dscsa_case_subject_case", "case_id"),
    Index("ix_dscsa_case_subject_lot", "lot_id"),
)

dscsa_case_step = Table(
    "dscsa_case_step",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("dscsa_case.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # opened, step, evidence, cleared, ...
    Column("note", Text, nullable=False, default=""),
    Column("evidence_name", String(255), nullable=False, default=""),
    Column("evidence_sha256", String(64), nullable=False, default=""),
    Column("partner", String(200), nullable=False, default=""),  # partner_notified
    Column("incident", String(60), nullable=False, default=""),  # fda_notified
    Column("user_name", String(80), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("external_id", String(120), nullable=True, unique=True),
    UniqueConstraint("case_id", "seq", name="uq_dscsa_case_step_case_seq"),
)
