"""A seller's EPCIS document for an order of the example hospital, for the DSCSA tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Engine, insert

from rxsupply.adapters import tables
from tests.conftest import NOW, TESTER

GTIN = "00398765401027"  # ondansetron 4 mg/2 mL, 25 vials a tray (NDC 98765-401-02)

Package = tuple[str, str, date]  # serial, lot, expiry


def ship(engine: Engine, order: str, packages: Sequence[Package], *, at: datetime = NOW) -> int:
    """Record a document for ``order`` shipping these packages of the tray; its id."""
    with engine.begin() as conn:
        facility = conn.execute(
            tables.location.select().where(tables.location.c.code == "MAIN")
        ).one()
        product = conn.execute(tables.product.select().where(tables.product.c.gtin == GTIN)).one()
        text = "|".join(f"{s}/{lot}/{exp}" for s, lot, exp in packages) + order
        document_id = conn.execute(
            insert(tables.dscsa_document)
            .values(
                facility_id=facility.id,
                file_name=f"{order}.xml",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                epcis_version="1.2",
                order_number=order,
                seller="Example Wholesale Drug Co",
                statement_affirmed=True,
                transaction="{}",
                event_count=1,
                package_count=len(packages),
                imported_at=at,
                imported_by=TESTER,
            )
            .returning(tables.dscsa_document.c.id)
        ).scalar_one()
        for serial, lot, expiry in packages:
            conn.execute(
                insert(tables.dscsa_package).values(
                    document_id=document_id,
                    identifier=f"01{GTIN}21{serial}",
                    gtin=GTIN,
                    serial=serial,
                    lot=lot,
                    expiry=expiry,
                    product_id=product.id,
                )
            )
    return int(document_id)
