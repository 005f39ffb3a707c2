"""Putaway: a storeroom's floor shelved into its bins through the ledger; picks still find it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, EASTERN, NOW, TESTER, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.identifier import ProductIdentifier
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import InvalidMovement, NotFound, UnusableStock
from rxsupply.services.ledger import Dispense, Move, Receive
from rxsupply.services.picking import refill_pick_list
from rxsupply.services.putaway import put_away, putaway_list


def add_bins(engine: Engine, *bins: tuple[str, str | None]) -> None:
    """Bins (pockets) under MAIN-STORE, each optionally assigned to an item."""
    with SqlUnitOfWork(engine) as uow:
        uow.locations.save_many(
            [
                Location(code, f"bin {code}", LocationKind.POCKET, "MAIN-STORE", item_code=item)
                for code, item in bins
            ],
            uow.items.ids_by_code(),
        )
        uow.commit()


def units_at(engine: Engine, code: str, lot: str) -> int:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return uow.lots.units_by_location(_lot_id(uow, lot)).get(code, 0)


def _lot_id(uow: SqlUnitOfWork, lot: str) -> int:
    products = [pid for ids in uow.items.products_of().values() for pid in ids]
    (found,) = uow.lots.find(products, lot).values()
    return found


@pytest.fixture
def shelved(hospital: Engine) -> Engine:
    add_bins(hospital, ("STORE-A1", "ONDA4INJ"), ("STORE-A2", None), ("STORE-A3", None))
    return hospital


def test_the_putaway_list_shows_the_floor_with_the_item_s_bin_else_an_empty_one(
    shelved: Engine,
) -> None:
    with SqlUnitOfWork(shelved, readonly=True) as uow:
        rows = {(r.ndc, r.lot): r for r in putaway_list(uow, clock=CLOCK)}

    assert rows[("98765-401-02", "ON2411A")].bin == "STORE-A1"
    assert rows[("98765-401-02", "ON2411A")].quantity == 250
    assert rows[("98765-3250-1", "AP2406")].bin == "STORE-A2"


def test_the_putaway_list_suggests_no_bin_for_a_lot_expired_on_the_floor(
    shelved: Engine,
) -> None:
    after_expiry = FixedClock(datetime(2027, 4, 15, 15, 0, tzinfo=UTC), EASTERN)

    with SqlUnitOfWork(shelved, readonly=True) as uow:
        rows = {(r.ndc, r.lot): r for r in putaway_list(uow, clock=after_expiry)}
    with SqlUnitOfWork(shelved) as uow, pytest.raises(UnusableStock) as refused:
        put_away(uow, to_bin="STORE-A1", lot="ON2411A", user=TESTER, clock=after_expiry)

    expired = rows[("98765-401-02", "ON2411A")]  # expired on 03/31/2027: quarantine, not a bin
    assert (expired.expiry, expired.quantity, expired.bin) == (date(2027, 3, 31), 250, "")
    assert rows[("98765-3250-1", "AP2406")].bin == "STORE-A2"
    assert "expired" in str(refused.value)


def test_putting_a_lot_away_moves_it_into_the_bin_as_a_transfer(shelved: Engine) -> None:
    with SqlUnitOfWork(shelved) as uow:
        posted = put_away(uow, to_bin="STORE-A2", lot="AP2406", user=TESTER, clock=CLOCK)

    assert [m.kind for m in posted.movements] == [MovementKind.TRANSFER]
    assert units_at(shelved, "STORE-A2", "AP2406") == 2000
    assert units_at(shelved, "MAIN-STORE", "AP2406") == 0
    with SqlUnitOfWork(shelved, readonly=True) as uow:
        rows = {(r.lot, r.bin) for r in putaway_list(uow, clock=CLOCK)}
    assert not any(lot == "AP2406" for lot, _ in rows)
    # the item now has its bin
    post(
        shelved,
        Receive(
            user=TESTER,
            product="98765-3250-01",
            lot="AP9",
            expiry=date(2029, 1, 31),
            quantity=10,
            location="MAIN-STORE",
        ),
    )
    with SqlUnitOfWork(shelved, readonly=True) as uow:
        rows = {(r.lot, r.bin) for r in putaway_list(uow, clock=CLOCK)}
    assert ("AP9", "STORE-A2") in rows


def test_a_scanned_package_puts_away_its_units_only(shelved: Engine) -> None:
    scanned = ProductIdentifier("00398765401027", "9876540102", "ON2411A", None, None)

    with SqlUnitOfWork(shelved) as uow:
        put_away(uow, to_bin="STORE-A1", scanned=scanned, user=TESTER, clock=CLOCK)

    assert units_at(shelved, "STORE-A1", "ON2411A") == 25
    assert units_at(shelved, "MAIN-STORE", "ON2411A") == 225


def test_putting_away_into_a_place_that_is_not_a_storeroom_bin_is_refused(
    shelved: Engine,
) -> None:
    with SqlUnitOfWork(shelved) as uow, pytest.raises(InvalidMovement, match="not a bin"):
        put_away(uow, to_bin="ICU-ADC1-P01", lot="ON2411A", user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(shelved) as uow, pytest.raises(NotFound, match="NOPE"):
        put_away(uow, to_bin="STORE-A2", lot="NOPE", user=TESTER, clock=CLOCK)


def test_the_refill_pick_list_and_a_transfer_find_stock_in_the_storeroom_s_bins(
    shelved: Engine,
) -> None:
    with SqlUnitOfWork(shelved) as uow:
        put_away(uow, to_bin="STORE-A1", lot="ON2411A", user=TESTER, clock=CLOCK)
        put_away(uow, to_bin="STORE-A1", lot="ON2502B", user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(shelved) as uow:
        pocket = uow.locations.get("ICU-ADC1-P01")
        item = uow.items.get("ONDA4INJ")
        assert pocket is not None and item is not None
        uow.stock_levels.save(
            StockLevel(
                location_id=pocket.id or 0, item_id=item.id or 0, min_level=30, max_level=60
            ),
            now=NOW,
            user=TESTER,
        )
        uow.commit()

    with SqlUnitOfWork(shelved, readonly=True) as uow:
        lines = refill_pick_list(uow, clock=CLOCK, cabinet="ICU-ADC1")
    post(
        shelved,
        Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            quantity=5,
            item="ONDA4INJ",
        ),
    )
    post(shelved, Dispense(user=TESTER, location="OR-SAT", quantity=1, item="ONDA4INJ"))

    assert [(ln.from_location, ln.lot, ln.quantity) for ln in lines] == [
        ("STORE-A1", "ON2411A", 10)
    ]
    assert units_at(shelved, "STORE-A1", "ON2411A") == 245
