"""Transfers: request, pick, ship into transit, receive (possibly short), cancel."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post
from tests.integration.services.test_putaway import add_bins, units_at

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.discrepancy import DiscrepancyStatus
from rxsupply.domain.status import StockStatus
from rxsupply.domain.transfer import Transfer, TransferStatus
from rxsupply.errors import (
    InsufficientStock,
    InvalidMovement,
    InvalidValue,
    NotFound,
    TransferRefused,
    UnusableStock,
)
from rxsupply.services import transfers
from rxsupply.services.ledger import SetStatus
from rxsupply.services.putaway import put_away

PICKER, DRIVER, NURSE = "picker", "driver", "nurse"


def request(engine: Engine, quantity: int = 30, **kw: str) -> str:
    with SqlUnitOfWork(engine) as uow:
        done = transfers.request_transfer(
            uow,
            from_location=kw.get("source", "MAIN-STORE"),
            to_location=kw.get("to", "OR-SAT"),
            quantity=quantity,
            item=kw.get("item", "ONDA4INJ"),
            user=TESTER,
            clock=CLOCK,
        )
    return done.number


def step(engine: Engine, name: str, number: str, **kw: object) -> Transfer:
    with SqlUnitOfWork(engine) as uow:
        if name == "pick":
            return transfers.pick_transfer(uow, number=number, user=PICKER, clock=CLOCK)
        if name == "ship":
            return transfers.ship_transfer(uow, number=number, user=DRIVER, clock=CLOCK)
        if name == "receive":
            quantity = kw.get("quantity")
            assert quantity is None or isinstance(quantity, int)
            return transfers.receive_transfer(
                uow, number=number, user=NURSE, clock=CLOCK, quantity=quantity
            )
        return transfers.cancel_transfer(
            uow, number=number, reason="not needed", user=TESTER, clock=CLOCK
        )


def test_a_transfer_goes_through_transit_to_its_destination(hospital: Engine) -> None:
    number = request(hospital)

    picked = step(hospital, "pick", number)
    assert units_at(hospital, "MAIN-STORE", "ON2411A") == 250  # a pick moves nothing
    shipped = step(hospital, "ship", number)
    in_transit = units_at(hospital, "MAIN-TRANSIT", "ON2411A")
    received = step(hospital, "receive", number)

    assert [(ln.location, ln.lot, ln.quantity) for ln in picked.lines] == [
        ("MAIN-STORE", "ON2411A", 30)
    ]
    assert (picked.status, picked.picked_by) == (TransferStatus.PICKED, PICKER)
    assert (shipped.status, shipped.shipped_by) == (TransferStatus.IN_TRANSIT, DRIVER)
    assert in_transit == 30
    assert (received.status, received.received_by, received.short) == (
        TransferStatus.RECEIVED,
        NURSE,
        0,
    )
    assert units_at(hospital, "MAIN-TRANSIT", "ON2411A") == 0
    assert units_at(hospital, "OR-SAT", "ON2411A") == 30
    assert units_at(hospital, "MAIN-STORE", "ON2411A") == 220
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        ids = {f"transfer:{number}-ship-1", f"transfer:{number}-receive-1"}
        assert uow.ledger.recorded(ids) == ids


def test_the_pick_takes_usable_stock_earliest_expiry_first_from_the_storeroom_s_bins(
    hospital: Engine,
) -> None:
    add_bins(hospital, ("STORE-A1", None))
    with SqlUnitOfWork(hospital) as uow:
        put_away(uow, to_bin="STORE-A1", lot="ON2502B", user=TESTER, clock=CLOCK)
    post(
        hospital,
        SetStatus(
            user=TESTER,
            product="98765-401-02",
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="temperature excursion",
        ),
    )
    number = request(hospital, quantity=40)

    picked = step(hospital, "pick", number)

    assert [(ln.location, ln.lot, ln.quantity) for ln in picked.lines] == [
        ("STORE-A1", "ON2502B", 40)
    ]


def test_a_pick_of_more_than_the_usable_stock_is_refused(hospital: Engine) -> None:
    number = request(hospital, quantity=351)

    with pytest.raises(InsufficientStock, match="only 350"):
        step(hospital, "pick", number)


def test_a_lot_blocked_after_the_pick_is_refused_at_shipping_and_nothing_moves(
    hospital: Engine,
) -> None:
    number = request(hospital)
    step(hospital, "pick", number)
    post(
        hospital,
        SetStatus(
            user=TESTER,
            product="98765-401-02",
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="recall",
        ),
    )

    with pytest.raises(UnusableStock, match="quarantine"):
        step(hospital, "ship", number)

    assert units_at(hospital, "MAIN-STORE", "ON2411A") == 250
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert transfers.get_transfer(uow, number).status is TransferStatus.PICKED


def test_a_short_receipt_leaves_the_rest_in_transit_as_a_discrepancy(hospital: Engine) -> None:
    number = request(hospital)
    step(hospital, "pick", number)
    step(hospital, "ship", number)

    received = step(hospital, "receive", number, quantity=25)

    assert (received.received, received.short) == (25, 5)
    assert units_at(hospital, "OR-SAT", "ON2411A") == 25
    assert units_at(hospital, "MAIN-TRANSIT", "ON2411A") == 5
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,) = uow.discrepancies.listed(status=DiscrepancyStatus.OPEN, limit=10)
    assert (found.kind, found.reported, found.posted, found.location) == (
        "transfer",
        30,
        25,
        "MAIN-TRANSIT",
    )


def test_receiving_twice_and_cancelling_after_shipping_are_refused(hospital: Engine) -> None:
    number = request(hospital)
    step(hospital, "pick", number)
    step(hospital, "ship", number)

    with pytest.raises(TransferRefused, match="has shipped"):
        step(hospital, "cancel", number)
    step(hospital, "receive", number)
    with pytest.raises(TransferRefused, match="is received"):
        step(hospital, "receive", number)

    assert units_at(hospital, "OR-SAT", "ON2411A") == 30


def test_a_transfer_cancelled_before_shipping_cannot_be_picked_or_shipped(
    hospital: Engine,
) -> None:
    number = request(hospital)
    step(hospital, "pick", number)

    cancelled = step(hospital, "cancel", number)

    assert (cancelled.status, cancelled.cancelled_by) == (TransferStatus.CANCELLED, TESTER)
    with pytest.raises(TransferRefused, match="cancelled"):
        step(hospital, "ship", number)
    with pytest.raises(TransferRefused, match="cancelled"):
        step(hospital, "pick", number)


def test_a_transfer_from_quarantine_or_to_itself_is_refused(hospital: Engine) -> None:
    with pytest.raises(InvalidMovement, match="quarantine"):
        request(hospital, source="MAIN-QUAR")
    with pytest.raises(InvalidMovement, match="same location"):
        request(hospital, to="MAIN-STORE")


def test_a_transfer_into_a_cabinet_fills_the_item_s_pocket(hospital: Engine) -> None:
    number = request(hospital, quantity=5, to="ED-ADC1")
    step(hospital, "pick", number)
    step(hospital, "ship", number)

    step(hospital, "receive", number)

    assert units_at(hospital, "ED-ADC1-P01", "ON2411A") == 5


def test_a_lot_recalled_in_transit_is_received_into_quarantine_not_the_destination(
    hospital: Engine,
) -> None:
    number = request(hospital)
    step(hospital, "pick", number)
    step(hospital, "ship", number)
    post(
        hospital,
        SetStatus(
            user=TESTER,
            product="98765-401-02",
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="recall",
        ),
    )

    with pytest.raises(UnusableStock, match="quarantine"):
        step(hospital, "receive", number)
    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="quarantine"):
        transfers.receive_transfer(uow, number=number, user=NURSE, clock=CLOCK, quarantine="OR-SAT")
    with SqlUnitOfWork(hospital) as uow:
        received = transfers.receive_transfer(
            uow, number=number, user=NURSE, clock=CLOCK, quarantine="MAIN-QUAR"
        )

    assert received.status is TransferStatus.RECEIVED
    assert units_at(hospital, "MAIN-QUAR", "ON2411A") == 30
    assert units_at(hospital, "OR-SAT", "ON2411A") == 0
    assert units_at(hospital, "MAIN-TRANSIT", "ON2411A") == 0


def count_transfers(engine: Engine) -> int:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return len(transfers.list_transfers(uow, limit=1000))


@pytest.mark.parametrize(
    ("quantity", "why"),
    [(-1, "positive whole number"), (99999999999999999999, "more than 1,000,000 units")],
)
def test_a_request_for_a_negative_or_huge_quantity_names_the_field_and_writes_nothing(
    hospital: Engine, quantity: int, why: str
) -> None:
    before = count_transfers(hospital)

    with pytest.raises(InvalidValue, match=why) as refused:
        request(hospital, quantity=quantity)

    assert refused.value.field == "quantity"
    assert count_transfers(hospital) == before


@pytest.mark.parametrize("number", ["²", "99999999999999999999", "-1"])
def test_a_transfer_number_that_is_no_id_is_not_found(hospital: Engine, number: str) -> None:
    with SqlUnitOfWork(hospital, readonly=True) as uow, pytest.raises(NotFound, match="transfer"):
        transfers.get_transfer(uow, number)
