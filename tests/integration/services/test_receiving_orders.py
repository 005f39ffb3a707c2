"""Receiving against a purchase order on each database: packages into the order's storeroom
through the ledger, the order's progress, and what a receipt finds (over, damaged, short
expiry, wrong product, short at closing); a receipt against a cancelled order is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, priced_storeroom

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import LineStatus, OrderStatus, PurchaseOrder, ReceivingIssue
from rxsupply.errors import DuplicateSerial, OrderRefused
from rxsupply.services import purchasing, receiving

BUYER = "buyer"
TRAY = "98765-401-02"  # ondansetron, 25 vials a tray
FAR = date(2028, 6, 30)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    """A sent order: ondansetron, 10 trays on contract at $15.00 (350 vials on hand, min 400,
    max 600)."""
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user=BUYER, clock=CLOCK)


def receive(engine: Engine, number: str, **kwargs: object) -> tuple[PurchaseOrder, list]:  # type: ignore[type-arg]
    args: dict[str, object] = {"product": TRAY, "lot": "ON2611X", "expiry": FAR, "packages": 4}
    args.update(kwargs)
    with SqlUnitOfWork(engine) as uow:
        done = receiving.receive_against_order(
            uow,
            order=number,
            user=BUYER,
            clock=CLOCK,
            **args,  # type: ignore[arg-type]
        )
    return done.order, done.found


def storeroom_units(engine: Engine, lot: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(tables.on_hand.c.quantity), 0))
                .join(tables.lot, tables.lot.c.id == tables.on_hand.c.lot_id)
                .join(tables.location, tables.location.c.id == tables.on_hand.c.location_id)
                .where(tables.lot.c.lot_number == lot, tables.location.c.code == "MAIN-STORE")
            ).scalar_one()
        )


def test_a_scanned_serialised_package_is_received_once_and_its_serial_again_is_refused(
    hospital: Engine, order: PurchaseOrder
) -> None:
    after, found = receive(hospital, order.number, packages=1, serial="SN-ORDER-1")

    assert found == [] and after.lines[0].received_packages == 1
    assert storeroom_units(hospital, "ON2611X") == 25
    with pytest.raises(DuplicateSerial):
        receive(hospital, order.number, packages=1, serial="SN-ORDER-1")
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert purchasing.get_order(uow, order.number).lines[0].received_packages == 1
    assert storeroom_units(hospital, "ON2611X") == 25


def test_a_serial_scanned_again_against_an_order_flags_the_package_first_received_suspect(
    hospital: Engine, order: PurchaseOrder
) -> None:
    receive(hospital, order.number, packages=1, serial="SN-ORDER-2")

    with pytest.raises(DuplicateSerial, match="flagged as suspect product"):
        receive(hospital, order.number, packages=1, serial="SN-ORDER-2")

    with hospital.connect() as conn:
        status = conn.execute(
            select(tables.serial_package.c.status).where(
                tables.serial_package.c.serial == "SN-ORDER-2"
            )
        ).scalar_one()
        flags = conn.execute(
            select(func.count())
            .select_from(tables.audit)
            .where(tables.audit.c.action == "suspect_serial")
        ).scalar_one()
    assert (status, flags) == ("suspect", 1)
    assert storeroom_units(hospital, "ON2611X") == 25


def test_a_partial_receipt_posts_through_the_ledger_and_the_order_is_partly_received(
    hospital: Engine, order: PurchaseOrder
) -> None:
    after, found = receive(hospital, order.number)

    assert found == []
    assert after.status is OrderStatus.PARTLY_RECEIVED
    (line,) = after.lines
    assert (line.received_packages, line.status) == (4, LineStatus.OPEN)
    assert storeroom_units(hospital, "ON2611X") == 100
    with hospital.connect() as conn:
        reference, cost = conn.execute(
            select(tables.movement.c.reference, tables.movement.c.unit_cost)
            .where(tables.movement.c.kind == "receipt")
            .order_by(tables.movement.c.id.desc())
        ).first()  # type: ignore[misc]
    assert (reference, str(cost)) == (order.number, "0.6000")


def test_over_damaged_and_short_dated_are_recorded_and_the_order_received(
    hospital: Engine, order: PurchaseOrder
) -> None:
    receive(hospital, order.number, packages=8)

    after, found = receive(
        hospital, order.number, lot="ON2612Y", expiry=date(2027, 2, 28), packages=3, damaged=1
    )

    issues = {d.issue: d for d in found}
    assert set(issues) == {
        ReceivingIssue.OVER,
        ReceivingIssue.DAMAGED,
        ReceivingIssue.SHORT_EXPIRY,
    }
    assert issues[ReceivingIssue.OVER].packages == 1  # 8 + 3 against 10 ordered
    assert issues[ReceivingIssue.DAMAGED].packages == 1
    assert "expires 2027-02-28" in issues[ReceivingIssue.SHORT_EXPIRY].note
    assert after.status is OrderStatus.RECEIVED
    assert storeroom_units(hospital, "ON2612Y") == 75  # the damaged tray is not in stock


def test_a_product_the_order_does_not_have_is_recorded_not_received(
    hospital: Engine, order: PurchaseOrder
) -> None:
    after, found = receive(hospital, order.number, product="98765-3250-01", lot="AP9999")

    ((wrong),) = found
    assert (wrong.issue, wrong.packages) == (ReceivingIssue.WRONG_PRODUCT, 4)
    assert storeroom_units(hospital, "AP9999") == 0
    assert after.status is OrderStatus.SENT


def test_closing_records_each_line_left_short(hospital: Engine, order: PurchaseOrder) -> None:
    receive(hospital, order.number, packages=6)

    with SqlUnitOfWork(hospital) as uow:
        closed = receiving.close_order(uow, order=order.number, user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (short,) = receiving.receiving_discrepancies(uow, order=order.number)

    assert closed.status is OrderStatus.CLOSED
    assert (short.issue, short.packages, short.note) == (
        ReceivingIssue.SHORT,
        4,
        "6 of 10 received when the order was closed",
    )
    with SqlUnitOfWork(hospital) as uow:
        receiving.resolve_receiving_discrepancy(
            uow,
            discrepancy_id=short.id or 0,
            resolution="credit memo CM-1",
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow, pytest.raises(OrderRefused):
        receiving.resolve_receiving_discrepancy(
            uow, discrepancy_id=short.id or 0, resolution="again", user=BUYER, clock=CLOCK
        )


def test_a_receipt_against_a_cancelled_order_is_refused_and_nothing_written(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        purchasing.cancel_order(uow, order=order.number, reason="outage", user=BUYER, clock=CLOCK)

    with pytest.raises(OrderRefused) as refused:
        receive(hospital, order.number)

    assert "is cancelled: nothing is received against it" in str(refused.value)
    assert storeroom_units(hospital, "ON2611X") == 0
