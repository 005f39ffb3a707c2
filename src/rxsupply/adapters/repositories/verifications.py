"""DSCSA verifications in SQL: :class:`SqlVerifications` (``dscsa_verification``, append-only,
and the packages imported EPCIS documents list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from rxsupply.adapters import tables as t
from rxsupply.services.ports.verification import EpcisListing, VerificationRecord

_V = t.dscsa_verification
_FIELDS = (
    "facility_id",
    "gtin",
    "serial",
    "lot",
    "expiry",
    "context",
    "local_result",
    "local_detail",
    "router_url",
    "router_result",
    "router_response",
    "verified",
    "reason",
    "corr_uuid",
    "reference",
    "requested_by",
    "requested_at",
)


def _record(row: Any) -> VerificationRecord:
    values = {name: row[name] for name in _FIELDS}
    values["verified"] = bool(values["verified"])
    return VerificationRecord(id=int(row["id"]), **values)


class SqlVerifications:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, record: VerificationRecord) -> int:
        values = {name: getattr(record, name) for name in _FIELDS}
        return int(self.conn.execute(insert(_V).values(**values).returning(_V.c.id)).scalar_one())

    def get(self, verification_id: int) -> VerificationRecord | None:
        row = self.conn.execute(select(_V).where(_V.c.id == verification_id)).mappings().first()
        return None if row is None else _record(row)

    def latest(self, *, limit: int, reference: str | None = None) -> list[VerificationRecord]:
        query = select(_V).order_by(_V.c.id.desc()).limit(limit)
        if reference is not None:
            query = query.where(
                _V.c.reference.startswith(reference, autoescape=True)
                if reference.endswith(":")
                else _V.c.reference == reference
            )
        return [_record(row) for row in self.conn.execute(query).mappings()]

    def listed(self, gtin: str, serial: str) -> list[EpcisListing]:
        p, d = t.dscsa_package, t.dscsa_document
        query = (
            select(
                p.c.document_id,
                d.c.facility_id,
                p.c.gtin,
                p.c.serial,
                p.c.lot,
                p.c.expiry,
                p.c.product_id,
            )
            .join(d, d.c.id == p.c.document_id)
            .where(p.c.gtin == gtin, p.c.serial == serial)
            .order_by(p.c.id)
        )
        return [
            EpcisListing(
                document_id=int(r.document_id),
                facility_id=int(r.facility_id),
                gtin=r.gtin,
                serial=r.serial,
                lot=r.lot,
                expiry=r.expiry,
                product_id=None if r.product_id is None else int(r.product_id),
            )
            for r in self.conn.execute(query)
        ]
