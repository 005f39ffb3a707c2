"""DSCSA records for the ledger tests: an imported document's rows (document, packages, events)
written the way the importer writes them, at any time (a clock years back), and chained with
the importer's content function; and a connection that tampers with them behind rxsupply's
back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, text

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.services.dscsa.importing import document_content
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork

OLD = FixedClock(datetime(2019, 3, 1, 15, 0, tzinfo=UTC))
"""A day well past six years before any real date the tests run on."""
TABLES = ("dscsa_record", "dscsa_document", "dscsa_package", "dscsa_event")


def _conn(uow: UnitOfWork) -> Connection:
    conn: Connection = uow.connection  # type: ignore[attr-defined]
    return conn


def record_document(
    engine: Engine,
    *,
    facility: str = "MAIN",
    serials: tuple[str, ...] = ("S1", "S2"),
    clock: Clock = OLD,
    name: str = "asn.xml",
) -> int:
    """Write one imported document with a package per serial and one shipping event, and
    append its record to the facility's chain; the document's id."""
    with SqlUnitOfWork(engine) as uow:
        found = uow.locations.get(facility)
        assert found is not None and found.id is not None
        conn = _conn(uow)
        transaction: dict[str, Any] = {"transaction_date": "2019-02-27", "products": []}
        key = conn.execute(
            insert(t.dscsa_document)
            .values(
                facility_id=found.id,
                file_name=name,
                sha256=f"{name}-{'-'.join(serials)}".ljust(64, "0")[:64],
                epcis_version="1.2",
                order_number="PO-1",
                seller="Example Wholesale Drug Co",
                buyer="Example General Hospital",
                transaction_date=date(2019, 2, 27),
                shipment_date=date(2019, 2, 28),
                statement_affirmed=True,
                transaction=json.dumps(transaction, sort_keys=True),
                event_count=1,
                package_count=len(serials),
                imported_at=clock.now(),
                imported_by="tester",
            )
            .returning(t.dscsa_document.c.id)
        ).scalar_one()
        for serial in serials:
            conn.execute(
                insert(t.dscsa_package).values(
                    document_id=key,
                    identifier=f"0100398765040102 21{serial}".replace(" ", ""),
                    gtin="00398765040102",
                    serial=serial,
                    lot="ON2611X",
                    expiry=date(2028, 6, 30),
                )
            )
        conn.execute(
            insert(t.dscsa_event).values(
                document_id=key,
                position=0,
                type="ObjectEvent",
                action="OBSERVE",
                biz_step="shipping",
                disposition="in_transit",
                event_time="2019-02-28T10:00:00-05:00",
                identifiers=json.dumps([f"0100398765040102 21{s}" for s in serials]),
            )
        )
        subject = f"document:{key}"
        append_record(
            uow,
            facility_id=found.id,
            kind="document",
            subject=subject,
            content=document_content(uow, subject),
            user="tester",
            clock=clock,
        )
        uow.commit()
    return int(key)


@contextmanager
def behind_the_back(engine: Engine) -> Iterator[Connection]:
    """A connection with the DSCSA tables' guards off, as someone with the database's owner
    rights would have: on SQLite the triggers dropped (and put back after), on PostgreSQL
    ``session_replication_role = replica`` (triggers do not fire)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        saved = []
        if postgres:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            saved = list(
                conn.execute(
                    text(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                        "tbl_name IN ('dscsa_record', 'dscsa_document', 'dscsa_package', "
                        "'dscsa_event', 'receipt_scan')"
                    )
                )
            )
            for name, _ in saved:
                conn.execute(text(f"DROP TRIGGER {name}"))
        yield conn
        for _, sql in saved:
            conn.execute(text(sql))
