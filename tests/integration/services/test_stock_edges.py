"""The edges of safe stock, on every database: blocked packages opened, pockets counted whole,
quarantine shelves, lots two writers record, blocks that only harden, times that cannot be.

The example hospital at 2026-11-20 (see test_safe_stock.py): ICU-ADC1-P01 (ondansetron,
capacity 40) holds 30 of lot ON2411A; the storeroom 250 of ON2411A (25-vial trays) and 100 of
ON2502B (10-vial cartons); a quarantine shelf MAIN-QUAR.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text
from tests.conftest import CLOCK, TESTER, post
from tests.integration.services.test_safe_stock import (
    ONDANSETRON_10,
    ONDANSETRON_25,
    on_hand,
    set_levels,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.ndc import NDC, gs1_check_digit
from rxsupply.domain.status import StockStatus
from rxsupply.errors import (
    InsufficientStock,
    InvalidGTIN,
    InvalidMovement,
    InvalidValue,
    OverCapacity,
    UnusableStock,
)
from rxsupply.services import ledger, picking

TRAY = NDC.parse(ONDANSETRON_25).gtin14()


def status_of(engine: Engine, lot: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT status FROM lot WHERE lot_number = :n"), {"n": lot}
            ).scalar_one()
        )


def test_opening_a_suspect_package_blocks_its_lot_rather_than_freeing_its_units(
    hospital: Engine,
) -> None:
    receipt = ledger.Receive(
        user=TESTER,
        product=TRAY,
        lot="SX1",
        expiry=date(2028, 3, 31),
        quantity=25,
        location="OR-SAT",
    )
    post(hospital, receipt)
    post(
        hospital,
        ledger.Receive(
            user=TESTER,
            product=TRAY,
            lot="SX1",
            expiry=date(2028, 3, 31),
            packages=1,
            serial="SUS1",
            location="OR-SAT",
        ),
    )
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot=None,
            serial="SUS1",
            status=StockStatus.SUSPECT,
            reason="seal broken",
        ),
    )

    post(
        hospital,
        ledger.Adjust(
            user=TESTER,
            location="OR-SAT",
            product=ONDANSETRON_25,
            lot="SX1",
            quantity=-30,
            reason="count",
            count=True,
        ),
    )

    assert status_of(hospital, "SX1") == "suspect"
    with pytest.raises(UnusableStock):
        post(
            hospital,
            ledger.Move(
                user=TESTER,
                from_location="OR-SAT",
                to_location="MAIN-STORE",
                product=ONDANSETRON_25,
                lot="SX1",
                quantity=20,
            ),
        )


def test_a_pocket_counts_every_product_in_it_against_its_capacity(hospital: Engine) -> None:
    with pytest.raises(OverCapacity, match="holds at most 40 units and has 30: 20 more"):
        post(
            hospital,
            ledger.Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="ICU-ADC1-P01",
                product=ONDANSETRON_10,
                quantity=20,
            ),
        )
    with pytest.raises(OverCapacity):
        post(
            hospital,
            ledger.Receive(
                user=TESTER,
                product=ONDANSETRON_10,
                lot="R1",
                expiry=date(2028, 1, 31),
                quantity=20,
                location="ICU-ADC1-P01",
            ),
        )

    post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="ICU-ADC1-P01",
            product=ONDANSETRON_10,
            quantity=10,
        ),
    )
    assert on_hand(hospital, "ICU-ADC1-P01", "ON2502B") == 10


def test_a_pocket_takes_no_product_of_another_item_and_a_cabinet_no_loose_stock(
    hospital: Engine,
) -> None:
    with pytest.raises(InvalidMovement, match="ICU-ADC1-P01 holds item ONDA4INJ"):
        post(
            hospital,
            ledger.Receive(
                user=TESTER,
                product="98765-0210-1",
                lot="M1",
                expiry=date(2028, 1, 31),
                quantity=1,
                location="ICU-ADC1-P01",
            ),
        )
    with pytest.raises(InvalidMovement, match="adjust the pocket"):
        post(
            hospital,
            ledger.Adjust(
                user=TESTER,
                location="ICU-ADC1",
                product=ONDANSETRON_25,
                lot="ON2411A",
                quantity=5,
                reason="found",
            ),
        )


def test_stock_on_the_quarantine_shelf_leaves_only_by_its_lot(hospital: Engine) -> None:
    post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="MAIN-QUAR",
            item="ONDA4INJ",
            lot="ON2502B",
            quantity=10,
        ),
    )

    with pytest.raises(InsufficientStock):
        post(
            hospital,
            ledger.Dispense(user=TESTER, location="MAIN-QUAR", item="ONDA4INJ", quantity=1),
        )
    with pytest.raises(UnusableStock, match="leaves by its lot"):
        post(
            hospital,
            ledger.Move(
                user=TESTER,
                from_location="MAIN-QUAR",
                to_location="ED-ADC1",
                item="ONDA4INJ",
                quantity=1,
            ),
        )
    back = post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-QUAR",
            to_location="MAIN-STORE",
            item="ONDA4INJ",
            lot="ON2502B",
            quantity=10,
        ),
    )

    assert [m.quantity for m in back.movements] == [10]  # the lot is usable: it goes back


def test_a_lot_recorded_by_another_writer_keeps_its_expiry(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        product = uow.products.find("ndc", ONDANSETRON_25)
        assert product is not None and product.id is not None
        first = uow.lots.add_missing([(product.id, "RACE1", date(2026, 12, 31))])
        again = uow.lots.add_missing(
            [(product.id, "RACE1", date(2029, 12, 31)), (product.id, "RACE2", None)]
        )
        uow.commit()

    assert first == {(product.id, "RACE1")}
    assert again == {(product.id, "RACE2")}
    with pytest.raises(InvalidValue, match="recorded with expiry 2026-12-31"):
        post(
            hospital,
            ledger.Receive(
                user=TESTER,
                product=ONDANSETRON_25,
                lot="RACE1",
                expiry=date(2029, 12, 31),
                quantity=5,
            ),
        )


def test_a_block_only_hardens_until_a_manager_releases_it(hospital: Engine) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="FDA recall",
        ),
    )

    with pytest.raises(InvalidValue, match="is recalled: release it first"):
        post(
            hospital,
            ledger.SetStatus(
                user="tech",
                product=ONDANSETRON_25,
                lot="ON2411A",
                status=StockStatus.QUARANTINED,
                reason="whatever",
            ),
        )
    assert status_of(hospital, "ON2411A") == "recalled"


@pytest.mark.parametrize(
    ("at", "says"),
    [
        (datetime(2026, 11, 21, 15, 0, tzinfo=UTC), "is in the future"),
        (datetime(2001, 1, 1, tzinfo=UTC), "more than ten years ago"),
        (datetime(1, 1, 1, tzinfo=UTC), "more than ten years ago"),
    ],
)
def test_a_movement_at_a_time_that_cannot_be_is_refused(
    hospital: Engine, at: datetime, says: str
) -> None:
    with pytest.raises(InvalidValue, match=says):
        post(
            hospital,
            ledger.Dispense(
                user=TESTER, location="ICU-ADC1", item="ONDA4INJ", quantity=1, occurred_at=at
            ),
        )


def test_a_variable_measure_gtin_is_refused_naming_its_indicator(hospital: Engine) -> None:
    body = "9" + NDC.parse(ONDANSETRON_25).gtin14()[1:13]

    with pytest.raises(InvalidGTIN, match="indicator 9"):
        post(
            hospital,
            ledger.Receive(
                user=TESTER,
                product=body + gs1_check_digit(body),
                lot="L9",
                expiry=date(2028, 1, 31),
                packages=1,
            ),
        )


def test_the_pick_list_counts_a_pockets_spoiled_units_to_take_out(hospital: Engine) -> None:
    set_levels(hospital, "ICU-ADC1-P01", "ONDA4INJ", 30, 40)
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="check",
        ),
    )

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (line,) = picking.refill_pick_list(uow, clock=CLOCK, cabinet="ICU-ADC1")

    assert (line.lot, line.quantity, line.remove, line.short) == ("ON2502B", 40, 30, 0)
