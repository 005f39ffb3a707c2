"""A package a document exception names (shipped without a lot or expiry, or of a GTIN the
master data does not describe) is not usable stock while the exception is open, on each
database: received after the exception opened, it is received quarantined, the reason naming
the exception; received before, it is quarantined when the exception opens; resolving the
exception releases it, and a package received after the resolution is not held."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER, post, priced_storeroom
from tests.dscsa_shipments import GTIN, TRAY, ship, shipment

from rxsupply.adapters import tables
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.dscsa_exception import DscsaException
from rxsupply.domain.purchasing import PurchaseOrder
from rxsupply.services import purchasing, receiving
from rxsupply.services.dscsa import exceptions, reconciliation
from rxsupply.services.dscsa.importing import import_epcis
from rxsupply.services.ledger import Receive

FAR = date(2028, 6, 30)
NO_LOT = b"<cbvmda:lotNumber>ON2</cbvmda:lotNumber><cbvmda:itemExpirationDate>2028-06-30"


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK)


def import_bytes(engine: Engine, number: str, data: bytes, *, seller: str | None = None) -> int:
    """Import ``data`` for order ``number``; its id. ``seller``: the name the transaction
    information gives the seller instead."""
    document = read_epcis(io.BytesIO(data), name="asn.xml")
    if seller is not None:
        document.transaction["seller"] = {"name": seller}
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow, document=document, file_name="asn.xml", sha256=hashlib.sha256(data).hexdigest(),
            facility="MAIN", order=number, user=TESTER, clock=CLOCK,
        ).id  # fmt: skip


def ship_s2_without_a_lot(engine: Engine, number: str) -> int:
    """S1 with lot ON1; S2 never commissioned with a lot or expiry (``lot_expiry_missing``)."""
    data = shipment_xml(shipment(number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)]))
    return import_bytes(engine, number, data.replace(NO_LOT + b"</cbvmda:itemExpirationDate>", b""))


def ship_undescribed(engine: Engine, number: str) -> int:
    """S1 and S2 of a GTIN the header's master data does not describe
    (``product_undescribed``)."""
    other = replace(TRAY, gtin="00394350548252", ndc="94350-548-25", name="Bupivacaine")
    sent = replace(shipment(number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)]), items=(other,))
    return import_bytes(engine, number, shipment_xml(sent))


def ship_without_statement(engine: Engine, number: str, *, unlotted: bool = False) -> int:
    """S1 and S2, the transaction statement not affirmed (``no_statement``); with
    ``unlotted``, S2 without a lot or expiry as well (``lot_expiry_missing``)."""
    data = shipment_xml(
        replace(shipment(number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)]), affirmed=False)
    )
    if unlotted:
        data = data.replace(NO_LOT + b"</cbvmda:itemExpirationDate>", b"")
    return import_bytes(engine, number, data)


def ship_from_a_stranger(engine: Engine, number: str) -> int:
    """S1 and S2 sold by a company that is not a trading partner on file
    (``seller_unauthorized``)."""
    data = shipment_xml(shipment(number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)]))
    return import_bytes(engine, number, data, seller="Grey Market Pharma LLC")


def scan(engine: Engine, number: str, serial: str, *, lot: str = "ON1") -> None:
    with SqlUnitOfWork(engine) as uow:
        receiving.receive_against_order(
            uow, order=number, product=GTIN, lot=lot, expiry=FAR, packages=1, serial=serial,
            user="tech", clock=CLOCK,
        )  # fmt: skip


def status(engine: Engine, serial: str) -> tuple[str, str]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = uow.packages.find([(GTIN, serial)])[(GTIN, serial)]
        return found.status.value, found.status_reason or ""


def the_exception(engine: Engine, number: str) -> DscsaException:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        (found,) = exceptions.list_exceptions(uow, order=number)
    return found


def by_kind(engine: Engine, number: str) -> dict[str, DscsaException]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {e.kind.value: e for e in exceptions.list_exceptions(uow, order=number)}


def resolve(engine: Engine, exception_id: int) -> None:
    with SqlUnitOfWork(engine) as uow:
        exceptions.step_exception(
            uow, exception_id=exception_id, step="resolved",
            note="corrected transaction information received", user="buyer", clock=CLOCK,
        )  # fmt: skip


def test_a_package_shipped_without_a_lot_is_received_quarantined_naming_the_exception(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_s2_without_a_lot(hospital, order.number)
    held = the_exception(hospital, order.number)

    scan(hospital, order.number, "S2", lot="ON2")
    scan(hospital, order.number, "S1")

    state, why = status(hospital, "S2")
    assert state == "quarantined"
    assert why.startswith(f"DSCSA exception {held.id} (lot_expiry_missing) of order {order.number}")
    assert "without a lot or expiry" in why and "received by tech" in why
    assert status(hospital, "S1")[0] == "available"


def test_the_hold_at_receipt_is_in_the_package_history_under_the_receiver(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_s2_without_a_lot(hospital, order.number)

    scan(hospital, order.number, "S2", lot="ON2")

    with hospital.connect() as conn:
        rows = conn.execute(
            select(tables.status_change.c.status, tables.status_change.c.user_name).where(
                tables.status_change.c.package_id.is_not(None)
            )
        ).all()
    assert [tuple(r) for r in rows] == [("quarantined", "tech")]


def test_resolving_the_exception_releases_the_package_it_held(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_s2_without_a_lot(hospital, order.number)
    held = the_exception(hospital, order.number)
    scan(hospital, order.number, "S2", lot="ON2")

    resolve(hospital, held.id or 0)

    assert status(hospital, "S2")[0] == "available"


def test_a_package_received_after_the_exception_is_resolved_is_not_held(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_s2_without_a_lot(hospital, order.number)
    resolve(hospital, the_exception(hospital, order.number).id or 0)

    scan(hospital, order.number, "S2", lot="ON2")

    assert status(hospital, "S2") == ("available", "")


def test_a_package_of_a_gtin_the_master_data_does_not_describe_is_received_quarantined(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_undescribed(hospital, order.number)
    held = the_exception(hospital, order.number)

    scan(hospital, order.number, "S1")

    state, why = status(hospital, "S1")
    assert state == "quarantined"
    assert why.startswith(f"DSCSA exception {held.id} (product_undescribed)")
    assert f"GTIN {GTIN}" in why


def test_a_package_received_before_the_document_is_quarantined_when_its_exception_opens(
    hospital: Engine, order: PurchaseOrder
) -> None:
    scan(hospital, order.number, "S1")
    scan(hospital, order.number, "S2", lot="ON2")

    ship_s2_without_a_lot(hospital, order.number)

    held = the_exception(hospital, order.number)
    state, why = status(hospital, "S2")
    assert state == "quarantined" and why.startswith(f"DSCSA exception {held.id} ")
    assert status(hospital, "S1")[0] == "available"
    resolve(hospital, held.id or 0)
    assert status(hospital, "S2")[0] == "available"


def test_a_package_received_by_scan_outside_the_order_is_held_as_well(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_s2_without_a_lot(hospital, order.number)

    done = post(
        hospital,
        Receive(user="tech", product=GTIN, lot="ON2", expiry=FAR, packages=1, quantity=None,
                serial="S2", location="MAIN-STORE"),
    )  # fmt: skip

    assert status(hospital, "S2")[0] == "quarantined"
    assert [(c["serial"], c["to"]) for c in done.changed] == [("S2", "quarantined")]
    with hospital.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(tables.serial_package)) == 1


def test_a_package_two_exceptions_hold_stays_held_by_the_second_when_the_first_is_resolved(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship(hospital, order.number, [("S1", "ON1", FAR)])
    with SqlUnitOfWork(hospital) as uow:  # lot and expiry both disagree: two exceptions
        receiving.receive_against_order(
            uow, order=order.number, product=GTIN, lot="OTHER", expiry=date(2029, 1, 31),
            packages=1, serial="S1", user="tech", clock=CLOCK,
        )  # fmt: skip
    with SqlUnitOfWork(hospital) as uow:
        reconciliation.reconcile_order(uow, order=order.number, user="tech", clock=CLOCK)
    found = by_kind(hospital, order.number)
    lot, expiry = found["lot_mismatch"], found["expiry_mismatch"]

    resolve(hospital, lot.id or 0)

    state, why = status(hospital, "S1")
    assert state == "quarantined"
    assert why.startswith(f"DSCSA exception {expiry.id} (expiry_mismatch) still open")
    resolve(hospital, expiry.id or 0)
    assert status(hospital, "S1")[0] == "available"


def test_every_package_of_a_document_without_a_transaction_statement_is_received_quarantined(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_without_statement(hospital, order.number)
    held = the_exception(hospital, order.number)

    scan(hospital, order.number, "S1")
    scan(hospital, order.number, "S2", lot="ON2")

    for serial in ("S1", "S2"):
        state, why = status(hospital, serial)
        assert state == "quarantined"
        assert why.startswith(f"DSCSA exception {held.id} (no_statement) of order {order.number}")
        assert "no affirmed transaction statement" in why and "received by tech" in why


def test_every_package_of_a_document_from_a_seller_not_on_file_is_received_quarantined(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_from_a_stranger(hospital, order.number)
    held = the_exception(hospital, order.number)

    scan(hospital, order.number, "S1")

    state, why = status(hospital, "S1")
    assert state == "quarantined"
    assert why.startswith(f"DSCSA exception {held.id} (seller_unauthorized)")
    assert "Grey Market Pharma LLC is not a trading partner on file" in why


def test_stock_from_a_seller_not_on_file_is_quarantined_when_the_document_comes_until_resolved(
    hospital: Engine, order: PurchaseOrder
) -> None:
    scan(hospital, order.number, "S1")
    scan(hospital, order.number, "S2")

    ship_from_a_stranger(hospital, order.number)

    held = the_exception(hospital, order.number)
    for serial in ("S1", "S2"):
        state, why = status(hospital, serial)
        assert state == "quarantined"
        assert why.startswith(f"DSCSA exception {held.id} (seller_unauthorized) opened by ")
        assert "is from a seller not authorized: Grey Market Pharma LLC is not" in why
    resolve(hospital, held.id or 0)
    assert [status(hospital, s)[0] for s in ("S1", "S2")] == ["available", "available"]


def test_a_package_two_document_exceptions_hold_is_released_only_when_both_are_resolved(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship_without_statement(hospital, order.number, unlotted=True)
    found = by_kind(hospital, order.number)
    no_statement, unlotted = found["no_statement"], found["lot_expiry_missing"]
    scan(hospital, order.number, "S1")
    scan(hospital, order.number, "S2", lot="ON2")

    resolve(hospital, unlotted.id or 0)

    state, why = status(hospital, "S2")
    assert state == "quarantined"
    assert why.startswith(f"DSCSA exception {no_statement.id} (no_statement) still open")
    assert status(hospital, "S1")[0] == "quarantined"
    resolve(hospital, no_statement.id or 0)
    assert [status(hospital, s)[0] for s in ("S1", "S2")] == ["available", "available"]
