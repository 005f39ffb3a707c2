"""Reconciliation's integrity on each database: receipt scans chained (an edited scan is
found by verify-ledger), and a receipt or an import reconciled in its own transaction
(nothing half-written; importing again reconciles again)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select, update
from tests.conftest import CLOCK, priced_storeroom
from tests.dscsa_ledger_state import behind_the_back
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import PurchaseOrder
from rxsupply.domain.users import Role, User
from rxsupply.errors import PermissionDenied
from rxsupply.services import purchasing, receiving
from rxsupply.services.dscsa import exceptions, ledger_check, reconciliation

FAR = date(2028, 6, 30)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK)


def scan(engine: Engine, number: str, serial: str, *, lot: str = "ON1") -> None:
    with SqlUnitOfWork(engine) as uow:
        receiving.receive_against_order(
            uow, order=number, product=GTIN, lot=lot, expiry=FAR, packages=1, serial=serial,
            user="tech", clock=CLOCK,
        )  # fmt: skip


def test_each_receipt_scan_is_chained_and_an_edited_scan_breaks_the_ledger(
    hospital: Engine, order: PurchaseOrder
) -> None:
    scan(hospital, order.number, "S1")
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert ledger_check.verify_ledger(uow).ok
        stored = list(reconciliation.stored_receipt_scans(uow))

    with behind_the_back(hospital) as conn:
        conn.execute(update(tables.receipt_scan).values(lot="OTHER"))
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        report = ledger_check.verify_ledger(uow)

    assert [s for _, s in stored] == [s for _, s in stored if s.startswith("receipt_scan:")]
    assert len(stored) == 1
    assert not report.ok
    assert {b["subject"] for b in report.breaks} == {stored[0][1]}


def test_a_failing_reconciliation_takes_the_receipt_that_triggered_it_back(
    hospital: Engine, order: PurchaseOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship(hospital, order.number, [(f"S{n}", "ON1", FAR) for n in range(10)])
    for n in range(9):
        scan(hospital, order.number, f"S{n}")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("reconciliation failed")

    monkeypatch.setattr(reconciliation, "reconcile_in", broken)
    with pytest.raises(RuntimeError):
        scan(hospital, order.number, "S9")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert len(uow.reconciliation.scanned(order.number)) == 9
        assert purchasing.get_order(uow, order.number).status.value != "received"


def test_a_failing_reconciliation_takes_the_import_that_triggered_it_back(
    hospital: Engine, order: PurchaseOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(hospital, order.number, "S1")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("reconciliation failed")

    monkeypatch.setattr(reconciliation, "reconcile_in", broken)
    with pytest.raises(RuntimeError):
        ship(hospital, order.number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)])

    with hospital.connect() as conn:
        documents = conn.execute(select(func.count()).select_from(tables.dscsa_document))
        assert documents.scalar_one() == 0


def test_importing_the_same_document_again_reconciles_the_order_again(
    hospital: Engine, order: PurchaseOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(hospital, order.number, "S1")
    real = reconciliation.reconcile_in

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("reconciliation failed")

    monkeypatch.setattr(reconciliation, "reconcile_in", broken)
    with pytest.raises(RuntimeError):
        ship(hospital, order.number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)])
    monkeypatch.setattr(reconciliation, "reconcile_in", real)
    ship(hospital, order.number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)])

    ship(hospital, order.number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)])

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = exceptions.list_exceptions(uow, order=order.number)
    assert [(e.kind.value, e.identifier) for e in found] == [("missing", f"01{GTIN}21S2")]


def package_status(engine: Engine, serial: str) -> tuple[str, str]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = uow.packages.find([(GTIN, serial)])[(GTIN, serial)]
        return found.status.value, found.status_reason or ""


def test_an_unexpected_package_is_quarantined_until_its_exception_is_resolved(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship(hospital, order.number, [("S1", "ON1", FAR)])
    scan(hospital, order.number, "S1", lot="ON2")
    scan(hospital, order.number, "S9")
    with SqlUnitOfWork(hospital) as uow:
        opened = reconciliation.reconcile_order(uow, order=order.number, user="buyer", clock=CLOCK)
    held = package_status(hospital, "S9"), package_status(hospital, "S1")
    unexpected = next(e for e in opened.exceptions if e.kind.value == "unexpected")

    with SqlUnitOfWork(hospital) as uow:
        exceptions.step_exception(
            uow, exception_id=unexpected.id or 0, step="resolved",
            note="seller confirmed the extra tray", user="buyer", clock=CLOCK,
        )  # fmt: skip

    assert held[0][0] == held[1][0] == "quarantined"
    assert held[0][1].startswith(f"DSCSA exception {unexpected.id} (unexpected) opened by buyer")
    assert package_status(hospital, "S9")[0] == "available"
    assert package_status(hospital, "S1")[0] == "quarantined"


def test_a_technician_records_the_seller_contacted_but_only_a_buyer_resolves(
    hospital: Engine, order: PurchaseOrder
) -> None:
    ship(hospital, order.number, [("S1", "ON1", FAR)])
    scan(hospital, order.number, "S9")
    with SqlUnitOfWork(hospital) as uow:
        opened = reconciliation.reconcile_order(uow, order=order.number, user="buyer", clock=CLOCK)
        for name, role in (("tech", Role.TECHNICIAN), ("buyer", Role.BUYER)):
            uow.users.add(User(name, name, role), "x", CLOCK.now())
        uow.commit()
    first = opened.opened[0]

    with SqlUnitOfWork(hospital) as uow:
        exceptions.step_exception(
            uow, exception_id=first, step="seller_contacted", note="called", user="tech",
            clock=CLOCK,
        )  # fmt: skip
    refused = pytest.raises(PermissionDenied, match="tech \\(technician\\) may not purchase")
    with refused, SqlUnitOfWork(hospital) as uow:
        exceptions.step_exception(
            uow, exception_id=first, step="resolved", note="ok", user="tech", clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow:
        done = exceptions.step_exception(
            uow, exception_id=first, step="resolved", note="ok", user="buyer", clock=CLOCK
        )

    assert [s.user for s in done.steps] == ["buyer", "tech", "buyer"]
