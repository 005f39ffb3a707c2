"""Serialised packages follow their movements while sealed, and are opened, dispensed,
destroyed or returned by the movements that break or take them."""

from __future__ import annotations

from datetime import UTC, datetime

from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.serial import Packages, SerialPackage
from rxsupply.domain.status import StockStatus

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STORE, POCKET = 1, 11
PRODUCT, LOT = 100, 1000


def package(
    serial: str, *, units: int = 10, at: int = STORE, pid: int | None = None
) -> SerialPackage:
    return SerialPackage(
        gtin="00395246771877",
        serial=serial,
        product_id=PRODUCT,
        lot_id=LOT,
        units=units,
        location_id=at,
        id=pid,
    )


def movement(kind: MovementKind, quantity: int, *, to: int | None = None) -> Movement:
    return Movement(
        kind=kind,
        occurred_at=AT,
        product_id=PRODUCT,
        lot_id=LOT,
        quantity=quantity,
        from_location_id=STORE,
        to_location_id=to,
    )


def test_a_transfer_of_a_whole_package_carries_it_to_the_destination() -> None:
    first, second = package("A", pid=1), package("B", pid=2)
    packs = Packages.of([first, second])

    packs.follow(movement(MovementKind.REFILL, 10, to=POCKET), left_at_source=10)

    assert first.location_id == POCKET
    assert first.status is StockStatus.AVAILABLE
    assert second.location_id == STORE
    assert packs.sealed_at((POCKET, PRODUCT, LOT)) == [first]


def test_taking_fewer_units_than_a_package_holds_opens_it_when_no_loose_units_remain() -> None:
    only = package("A", pid=1)
    packs = Packages.of([only])

    packs.follow(movement(MovementKind.DISPENSE, 1), left_at_source=9)

    assert only.status is StockStatus.OPENED
    assert packs.sealed_at((STORE, PRODUCT, LOT)) == []


def test_loose_units_are_taken_before_a_sealed_package_is_opened() -> None:
    sealed = package("A", pid=1)
    packs = Packages.of([sealed])

    packs.follow(movement(MovementKind.DISPENSE, 3), left_at_source=10)  # 13 on hand before

    assert sealed.status is StockStatus.AVAILABLE


def test_a_dispense_of_a_whole_package_ends_it_as_dispensed() -> None:
    sealed = package("A", pid=1)
    packs = Packages.of([sealed])

    packs.follow(movement(MovementKind.DISPENSE, 10), left_at_source=0)

    assert sealed.status is StockStatus.DISPENSED
    assert packs.changed == {("00395246771877", "A"): sealed}


def test_waste_destroys_and_a_return_to_vendor_returns_whole_packages() -> None:
    wasted, returned = package("A", pid=1), package("B", pid=2)
    packs = Packages.of([wasted, returned])

    packs.follow(movement(MovementKind.WASTE, 10), left_at_source=10)
    packs.follow(movement(MovementKind.RETURN_TO_VENDOR, 10), left_at_source=0)

    assert (wasted.status, returned.status) == (StockStatus.DESTROYED, StockStatus.RETURNED)


def test_a_blocked_package_does_not_move_with_ordinary_picking_and_counts_as_held() -> None:
    blocked, good = package("A", pid=1), package("B", pid=2)
    blocked.status = StockStatus.QUARANTINED
    packs = Packages.of([blocked, good])

    packs.follow(movement(MovementKind.TRANSFER, 10, to=POCKET), left_at_source=10)

    assert blocked.location_id == STORE
    assert good.location_id == POCKET
    assert packs.held() == {(STORE, PRODUCT, LOT): 10}


def test_available_packages_are_opened_before_blocked_ones() -> None:
    blocked, good = package("A", pid=1), package("B", pid=2)
    blocked.status = StockStatus.SUSPECT
    packs = Packages.of([blocked, good])

    packs.follow(movement(MovementKind.DISPENSE, 2), left_at_source=18)

    assert good.status is StockStatus.OPENED
    assert blocked.status is StockStatus.SUSPECT


def test_a_package_received_in_the_posting_is_found_by_its_identity() -> None:
    packs = Packages.of([])
    new = package("NEW")

    packs.receive(new)

    assert packs.find(("00395246771877", "NEW")) is new
    assert packs.added == [new]
