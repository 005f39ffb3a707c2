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
from rxsupply.services.dscsa.case_records import case_step_content
from rxsupply.services.dscsa.exceptions import exception_step_content
from rxsupply.services.dscsa.importing import document_content
from rxsupply.services.dscsa.reconciliation import receipt_scan_content
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.dscsa.verification import verification_content
from rxsupply.services.ports import UnitOfWork

OLD = FixedClock(datetime(2019, 3, 1, 15, 0, tzinfo=UTC))
"""A day well past six years before any real date the tests run on."""
TABLES = ("dscsa_record", "dscsa_document", "dscsa_package", "dscsa_event")
EVERY_TABLE = (
    *TABLES,
    "dscsa_verification",
    "dscsa_case",
    "dscsa_case_subject",
    "dscsa_case_step",
    "receipt_scan",
    "dscsa_exception",
    "dscsa_exception_step",
)
"""Every DSCSA table under the six-year rule (migrations 0034 and 0039)."""


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
                        f"tbl_name IN ({', '.join(repr(t) for t in EVERY_TABLE)})"
                    )
                )
            )
            for name, _ in saved:
                conn.execute(text(f"DROP TRIGGER {name}"))
        yield conn
        for _, sql in saved:
            conn.execute(text(sql))


def _chain(
    uow: UnitOfWork, facility: int, kind: str, subject: str, content: Any, clock: Clock
) -> None:
    append_record(
        uow,
        facility_id=facility,
        kind=kind,
        subject=subject,
        content=content(uow, subject),
        user="tester",
        clock=clock,
    )


def _facility(uow: UnitOfWork, code: str) -> int:
    found = uow.locations.get(code)
    assert found is not None and found.id is not None
    return found.id


def record_verification(engine: Engine, *, clock: Clock = OLD, facility: str = "MAIN") -> int:
    """Write one verification row as the verifier does, and chain it; its id."""
    with SqlUnitOfWork(engine) as uow:
        where = _facility(uow, facility)
        key = (
            _conn(uow)
            .execute(
                insert(t.dscsa_verification)
                .values(
                    facility_id=where,
                    gtin="00398765040102",
                    serial="S1",
                    lot="ON2611X",
                    expiry=date(2028, 6, 30),
                    context="dscsaSaleableReturn",
                    local_result="match",
                    local_detail="received",
                    verified=True,
                    reason="",
                    corr_uuid="00000000-0000-4000-8000-000000000001",
                    reference="tests",
                    requested_by="tester",
                    requested_at=clock.now(),
                )
                .returning(t.dscsa_verification.c.id)
            )
            .scalar_one()
        )
        _chain(uow, where, "verification", f"verification:{key}", verification_content, clock)
        uow.commit()
    return int(key)


def record_case(
    engine: Engine,
    *,
    clock: Clock = OLD,
    later: tuple[Clock, ...] = (),
    kind: str = "step",
    facility: str = "MAIN",
) -> int:
    """Write one suspect case naming a lot, opened at ``clock`` with a step of ``kind`` at
    each of ``later``, each step chained as the case service chains it; the case's id."""
    with SqlUnitOfWork(engine) as uow:
        where = _facility(uow, facility)
        conn = _conn(uow)
        lot = conn.execute(text("SELECT id, product_id, lot_number FROM lot ORDER BY id")).first()
        assert lot is not None
        number = conn.execute(text("SELECT count(*) FROM dscsa_case")).scalar_one() + 1
        key = conn.execute(
            insert(t.dscsa_case)
            .values(
                facility_id=where,
                number=f"SC-2019-{number:04d}",
                opened_at=clock.now(),
                opened_by="tester",
                reason="counterfeit",
                source="visual_inspection",
            )
            .returning(t.dscsa_case.c.id)
        ).scalar_one()
        conn.execute(
            insert(t.dscsa_case_subject).values(
                case_id=key,
                kind="lot",
                product_id=lot.product_id,
                lot_id=lot.id,
                ndc="98765-401-02",
                lot_number=lot.lot_number,
                status_before="available",
                reason_before="",
                blocked=True,
            )
        )
        for seq, at in enumerate((clock, *later), start=1):
            conn.execute(
                insert(t.dscsa_case_step).values(
                    case_id=key,
                    seq=seq,
                    kind="opened" if seq == 1 else kind,
                    note=f"step {seq}",
                    evidence_name="",
                    evidence_sha256="",
                    partner="",
                    incident="",
                    user_name="tester",
                    at=at.now(),
                )
            )
            _chain(uow, where, "case_step", f"case:{key}:{seq}", case_step_content, at)
        uow.commit()
    return int(key)


def record_exception(
    engine: Engine,
    *,
    document: int | None = None,
    clock: Clock = OLD,
    later: tuple[Clock, ...] = (),
    facility: str = "MAIN",
) -> int:
    """Write one exception (referring to ``document``), its open step at ``clock`` and a step
    at each of ``later``, with a receipt scan of its order; each step chained; its id."""
    with SqlUnitOfWork(engine) as uow:
        where = _facility(uow, facility)
        conn = _conn(uow)
        scan = conn.execute(
            insert(t.receipt_scan)
            .values(
                facility_id=where,
                order_number="PO-7",
                identifier="010039876504010221S9",
                gtin="00398765040102",
                serial="S9",
                scanned_at=clock.now(),
                scanned_by="tester",
            )
            .returning(t.receipt_scan.c.id)
        ).scalar_one()
        _chain(uow, where, "receipt_scan", f"receipt_scan:{scan}", receipt_scan_content, clock)
        key = conn.execute(
            insert(t.dscsa_exception)
            .values(
                facility_id=where,
                order_number="PO-7",
                document_id=document,
                kind="unexpected",
                identifier="010039876504010221S9",
                found="lot ON2611X",
                opened_at=clock.now(),
            )
            .returning(t.dscsa_exception.c.id)
        ).scalar_one()
        states = ("open", "seller_contacted", "resolved")[: 1 + len(later)]
        for state, at in zip(states, (clock, *later), strict=True):
            step = conn.execute(
                insert(t.dscsa_exception_step)
                .values(exception_id=key, state=state, note=state, user_name="tester", at=at.now())
                .returning(t.dscsa_exception_step.c.id)
            ).scalar_one()
            _chain(
                uow, where, "exception_step", f"exception_step:{step}", exception_step_content, at
            )
        uow.commit()
    return int(key)
