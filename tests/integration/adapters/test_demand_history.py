"""The demand matrix read from the ledger: local days in America/New_York (across daylight
saving changes), returns netted, storeroom issues as demand, empty days censored; on SQLite and
on PostgreSQL, whose SQL differs."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine
from tests.conftest import EASTERN, load_examples

from rxsupply.adapters.demand_history import ledger_demand
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Product
from rxsupply.services import ledger
from rxsupply.services.ports import UnitOfWork

NAN = math.nan
ONDA_TRAY = "98765-401-02"  # ondansetron, 25 vials at 18.75: 0.75 a vial


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def _post(engine: Engine, when: datetime, action: Callable[..., object], **kwargs: object) -> None:
    with SqlUnitOfWork(engine) as uow:
        action(uow, now=when, occurred_at=when, **kwargs)


def _receive(engine: Engine, when: datetime, quantity: int) -> None:
    _post(
        engine,
        when,
        ledger.receive,
        location="MAIN-STORE",
        product=ONDA_TRAY,
        lot="ON2801A",
        expiry=date(2028, 1, 31),
        quantity=quantity,
    )


def _refill(engine: Engine, when: datetime, to: str, quantity: int, **kwargs: object) -> None:
    _post(
        engine,
        when,
        ledger.transfer,
        from_location=kwargs.pop("source", "MAIN-STORE"),
        to_location=to,
        item="ONDA4INJ",
        quantity=quantity,
        kind=kwargs.pop("kind", MovementKind.REFILL),
    )


def _use(
    engine: Engine,
    when: datetime,
    quantity: int,
    *,
    at: str = "ICU-ADC1",
    kind: MovementKind = MovementKind.DISPENSE,
) -> None:
    _post(engine, when, ledger.dispense, location=at, item="ONDA4INJ", quantity=quantity, kind=kind)


@pytest.fixture
def march(engine: Engine) -> Engine:
    """Two weeks of ondansetron from 1 March 2026 (clocks go forward on Sunday 8 March)."""
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 2, 27, 10), 200)
    _refill(engine, _local(2026, 3, 1, 9), "ICU-ADC1", 6)  # day 0: the storeroom issues 6
    _use(engine, _local(2026, 3, 1, 23, 30), 2)  # 04:30 UTC on the 2nd: still day 0
    _use(engine, _local(2026, 3, 2, 10), 3)
    _use(engine, _local(2026, 3, 2, 11), 1, kind=MovementKind.PATIENT_RETURN)  # day 1: 3 - 1
    _use(engine, _local(2026, 3, 3, 8), 1, kind=MovementKind.WASTE)  # waste is not demand
    _use(engine, _local(2026, 3, 3, 12), 1)  # day 2: 1, and the pocket is empty
    # days 3 and 4: nothing on hand, nothing dispensed: censored
    _refill(engine, _local(2026, 3, 6, 8), "ICU-ADC1", 5)  # day 5
    _use(engine, _local(2026, 3, 7, 23, 30), 1)  # EST: 04:30 UTC on the 8th; day 6
    _use(engine, _local(2026, 3, 8, 23, 30), 1)  # EDT: 03:30 UTC on the 9th; day 7
    _use(engine, _local(2026, 3, 9, 0, 30), 1)  # EDT: 04:30 UTC on the 9th; day 8
    _refill(engine, _local(2026, 3, 10, 9), "OR-SAT", 20, kind=MovementKind.TRANSFER)  # day 9
    _use(engine, _local(2026, 3, 11, 14), 4, at="OR-SAT")  # day 10 at the satellite
    _refill(
        engine, _local(2026, 3, 12, 9), "MAIN-STORE", 3, source="OR-SAT", kind=MovementKind.TRANSFER
    )  # day 11: the satellite issues 3 back; the storeroom receiving it is not negative demand
    _use(engine, _local(2026, 3, 15, 0, 30), 1)  # after the window
    with SqlUnitOfWork(engine) as uow:
        _set_level(uow, "ED-ADC1-P01", 2, 8)
    return engine


def _set_level(uow: UnitOfWork, location: str, low: int, high: int) -> None:
    place = uow.locations.get(location)
    item = uow.items.get("ONDA4INJ")
    assert place is not None and place.id is not None and item is not None and item.id is not None
    uow.stock_levels.save(
        StockLevel(place.id, item.id, low, high, lead_time_days=1, review_period_days=1),
        now=_local(2026, 2, 1, 9),
        user="tech",
    )
    uow.commit()


def test_the_ledger_gives_each_item_location_its_local_days_of_demand(march: Engine) -> None:
    with march.connect() as conn:
        matrix, info = ledger_demand(
            conn, start=date(2026, 3, 1), end=date(2026, 3, 14), zone=EASTERN
        )

    assert matrix.series_ids == (
        "ONDA4INJ@ED-ADC1-P01",
        "ONDA4INJ@ICU-ADC1-P01",
        "ONDA4INJ@MAIN-STORE",
        "ONDA4INJ@OR-SAT",
    )
    assert (matrix.start, matrix.days) == (date(2026, 3, 1), 14)
    expected = np.array(
        [
            [NAN] * 14,  # a setting but never any stock: every day censored
            [2, 2, 1, NAN, NAN, 0, 1, 1, 1, 0, 0, 0, 0, 0],
            [6, 0, 0, 0, 0, 5, 0, 0, 0, 20, 0, 0, 0, 0],
            [NAN] * 9 + [0, 4, 3, 0, 0],
        ]
    )
    np.testing.assert_array_equal(matrix.quantities, expected)
    assert info.location_kind.tolist() == ["pocket", "pocket", "storeroom", "satellite"]
    assert info.on_hand.tolist() == [0, 2, 172, 13]
    assert info.current_min.tolist() == [2, -1, -1, -1]
    assert info.current_max.tolist() == [8, -1, -1, -1]
    assert info.capacity.tolist() == [60, 40, 0, 0]
    assert info.unit_cost.tolist() == pytest.approx([0.75] * 4)
    assert info.criticality.tolist() == ["essential"] * 4
    assert info.case_pack.tolist()[:2] == [1, 1]


def test_a_window_inside_the_history_starts_from_the_stock_on_hand_then(march: Engine) -> None:
    with march.connect() as conn:
        matrix, info = ledger_demand(
            conn, start=date(2026, 3, 4), end=date(2026, 3, 9), zone=EASTERN
        )

    row = matrix.series_ids.index("ONDA4INJ@ICU-ADC1-P01")
    np.testing.assert_array_equal(matrix.quantities[row], [NAN, NAN, 0, 1, 1, 1])
    assert info.on_hand[row] == 2


def test_clocks_going_back_keep_dispenses_on_their_local_day(engine: Engine) -> None:
    # 1 November 2026: 02:00 EDT becomes 01:00 EST
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 10, 29, 10), 50)
    _refill(engine, _local(2026, 10, 30, 9), "ICU-ADC1", 20)
    _use(engine, _local(2026, 10, 31, 23, 30), 1)  # EDT: 03:30 UTC on 1 November
    _use(engine, _local(2026, 11, 1, 0, 30), 2)  # EDT: 04:30 UTC on the 1st
    _use(engine, _local(2026, 11, 1, 23, 30), 3)  # EST: 04:30 UTC on the 2nd
    _use(engine, _local(2026, 11, 2, 0, 30), 4)  # EST: 05:30 UTC on the 2nd

    with engine.connect() as conn:
        matrix, _ = ledger_demand(
            conn, start=date(2026, 10, 30), end=date(2026, 11, 2), zone=EASTERN
        )

    row = matrix.series_ids.index("ONDA4INJ@ICU-ADC1-P01")
    np.testing.assert_array_equal(matrix.quantities[row], [0, 1, 2 + 3, 4])


def test_a_window_that_ends_before_it_starts_is_refused(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(ValueError, match="ends before it starts"):
        ledger_demand(conn, start=date(2026, 3, 2), end=date(2026, 3, 1), zone=EASTERN)


def test_a_zone_without_daylight_saving_time_counts_its_local_days(engine: Engine) -> None:
    phoenix = ZoneInfo("America/Phoenix")  # UTC-7 all year: one offset, no transitions
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 6, 1, 10), 50)
    _refill(engine, _local(2026, 6, 2, 9), "ICU-ADC1", 20)
    late = datetime(2026, 6, 3, 23, 30, tzinfo=phoenix)  # 06:30 UTC on the 4th
    _post(engine, late, ledger.dispense, location="ICU-ADC1", item="ONDA4INJ", quantity=2)

    with engine.connect() as conn:
        matrix, _ = ledger_demand(conn, start=date(2026, 6, 2), end=date(2026, 6, 4), zone=phoenix)

    row = matrix.series_ids.index("ONDA4INJ@ICU-ADC1-P01")
    np.testing.assert_array_equal(matrix.quantities[row], [0, 2, 0])


def test_a_product_no_item_stocks_does_not_stop_the_demand(march: Engine) -> None:
    with SqlUnitOfWork(march) as uow:  # an NDC received before anyone linked it to an item
        uow.products.save_many([_unlinked_product()], source="test")
        uow.commit()
    _post(
        march,
        _local(2026, 3, 5, 10),
        ledger.receive,
        location="MAIN-STORE",
        product="12345-678-90",
        lot="X1",
        expiry=date(2028, 1, 31),
        quantity=10,
    )

    with march.connect() as conn:
        matrix, _ = ledger_demand(conn, start=date(2026, 3, 1), end=date(2026, 3, 14), zone=EASTERN)

    assert matrix.series == 4  # the unlinked product's stock belongs to no item-location


def _unlinked_product() -> Product:
    return Product(
        ndc=NDC.parse("12345-678-90"),
        name="substitute 4 mg vial",
        package_size=10,
        dispense_unit="vial",
    )
