"""A receipt against an order tells the receiver which packages it put on hold, on each
database: one received quarantined because an open document exception names it, and one
received earlier that the scan completing the order quarantines (its reconciliation opens an
exception holding it); each with its lot, where it is and why. A package received usable is
not listed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import PurchaseOrder
from rxsupply.services import purchasing, receiving
from rxsupply.services.dscsa import exceptions

FAR = date(2028, 6, 30)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK)


def scan(engine: Engine, number: str, serial: str, *, lot: str = "ON1") -> receiving.OrderReceipt:
    with SqlUnitOfWork(engine) as uow:
        return receiving.receive_against_order(
            uow, order=number, product=GTIN, lot=lot, expiry=FAR, packages=1, serial=serial,
            user="tech", clock=CLOCK,
        )  # fmt: skip


def test_a_package_received_quarantined_by_a_document_exception_is_listed_held_with_why(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship(hospital, order.number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)], unlotted=["ON2"])
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (held_by,) = exceptions.list_exceptions(uow, order=order.number)

    clean = scan(hospital, order.number, "S1")
    held = scan(hospital, order.number, "S2", lot="ON2")

    assert clean.held == []
    (package,) = [h.as_dict() for h in held.held]
    reason = str(package.pop("reason"))
    assert package == {
        "gtin": GTIN,
        "serial": "S2",
        "lot": "ON2",
        "status": "quarantined",
        "location": "MAIN-STORE",
    }
    assert reason.startswith(f"DSCSA exception {held_by.id} (lot_expiry_missing) of order")
    assert held.order.number == order.number and held.found == []


def test_the_scan_completing_an_order_lists_an_earlier_package_its_reconciliation_holds(
    hospital: Engine, order: PurchaseOrder
) -> None:
    serials = [f"S{n}" for n in range(1, order.lines[0].packages)]
    ship(hospital, order.number, [(s, "ON1", FAR) for s in serials])
    scan(hospital, order.number, "EXTRA")  # not in the document
    for serial in serials[:-1]:
        assert scan(hospital, order.number, serial).held == []

    last = scan(hospital, order.number, serials[-1])

    assert last.order.status.value == "received"
    assert [(h.serial, h.status.value, h.location) for h in last.held] == [
        ("EXTRA", "quarantined", "MAIN-STORE")
    ]
    assert last.held[0].reason.startswith("DSCSA exception ")
    assert "(unexpected) opened by tech" in last.held[0].reason
