"""The demand matrix read from the ledger: local days in America/New_York (across daylight
saving changes), returns netted, storeroom issues as demand, days with no usable stock censored
(an empty shelf, an expired or blocked lot, a quarantine location); on SQLite and on
PostgreSQL, whose SQL differs."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine
from tests.conftest import EASTERN, load_examples
from tests.integration.adapters.shelves import Shelves, local

from rxsupply.adapters.demand_history import days, ledger_demand
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
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


def _post(engine: Engine, command: ledger.Receive | ledger.Move | ledger.Dispense) -> None:
    """Post a command as it happened: at its ``occurred_at``, recorded then."""
    assert command.occurred_at is not None
    with SqlUnitOfWork(engine) as uow:
        ledger.post_one(uow, command, clock=FixedClock(command.occurred_at, zone=EASTERN))


def _receive(engine: Engine, when: datetime, quantity: int) -> None:
    _post(
        engine,
        ledger.Receive(
            user="tech",
            location="MAIN-STORE",
            product=ONDA_TRAY,
            lot="ON2801A",
            expiry=date(2028, 1, 31),
            quantity=quantity,
            occurred_at=when,
        ),
    )


def _refill(
    engine: Engine,
    when: datetime,
    to: str,
    quantity: int,
    *,
    source: str = "MAIN-STORE",
    kind: MovementKind = MovementKind.REFILL,
) -> None:
    _post(
        engine,
        ledger.Move(
            user="tech",
            from_location=source,
            to_location=to,
            item="ONDA4INJ",
            quantity=quantity,
            refill=kind == MovementKind.REFILL,
            occurred_at=when,
        ),
    )


def _use(
    engine: Engine,
    when: datetime,
    quantity: int,
    *,
    at: str = "ICU-ADC1",
    kind: MovementKind = MovementKind.DISPENSE,
) -> None:
    _post(
        engine,
        ledger.Dispense(
            user="tech",
            location=at,
            item="ONDA4INJ",
            quantity=quantity,
            kind=kind,
            occurred_at=when,
        ),
    )


@pytest.fixture
def march(engine: Engine) -> Engine:
    """Two weeks of ondansetron from 1 March 2026 (clocks go forward on Sunday 8 March)."""
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 2, 27, 10), 200)
    _refill(engine, _local(2026, 3, 1, 9), "ICU-ADC1", 6)  # day 0: the pocket's first load
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
    _refill(engine, _local(2026, 3, 10, 9), "OR-SAT", 20, kind=MovementKind.TRANSFER)  # day 9: load
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
            # the ICU pocket's and the satellite's first loads (6 on day 0, 20 on day 9) stock
            # them, they are not use; the refill of 5 on day 5 is
            [0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0],
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


def test_a_load_is_use_once_the_ledger_moved_the_pocket_before_the_window(march: Engine) -> None:
    with march.connect() as conn:
        matrix, _ = ledger_demand(conn, start=date(2026, 3, 6), end=date(2026, 3, 14), zone=EASTERN)

    store = matrix.series_ids.index("ONDA4INJ@MAIN-STORE")
    # the ICU pocket was loaded before this window: its refill of 5 on the 6th is use; the
    # satellite's first load (20 on the 10th) stocks it and is not
    np.testing.assert_array_equal(matrix.quantities[store], [5, 0, 0, 0, 0, 0, 0, 0, 0])


def test_what_a_new_pocket_is_issued_on_its_first_day_is_its_load(engine: Engine) -> None:
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 3, 1, 8), 100)
    _refill(engine, _local(2026, 3, 2, 9), "ICU-ADC1", 10)  # the pocket's first load
    _use(engine, _local(2026, 3, 2, 12), 4)
    _refill(engine, _local(2026, 3, 2, 18), "ICU-ADC1", 4)  # the same day: a refill of use
    _use(engine, _local(2026, 3, 3, 12), 1)

    with engine.connect() as conn:
        matrix, _ = ledger_demand(conn, start=date(2026, 3, 1), end=date(2026, 3, 3), zone=EASTERN)

    store = matrix.series_ids.index("ONDA4INJ@MAIN-STORE")
    pocket = matrix.series_ids.index("ONDA4INJ@ICU-ADC1-P01")
    # the whole first day's inflow of a new pocket is its load (10 + 4): refills on the day it
    # is first stocked are part of stocking it
    np.testing.assert_array_equal(matrix.quantities[store], [0, 0, 0])
    np.testing.assert_array_equal(matrix.quantities[pocket], [NAN, 4, 1])


def _store_and_satellite(engine: Engine, *, satellite_before: bool) -> None:
    load_examples(engine, "items", "locations")
    _receive(engine, _local(2026, 2, 20, 10), 200)
    if satellite_before:
        _refill(engine, _local(2026, 2, 21, 9), "OR-SAT", 10, kind=MovementKind.TRANSFER)


def _issued(engine: Engine) -> dict[str, list[float]]:
    with engine.connect() as conn:
        matrix, _ = ledger_demand(conn, start=date(2026, 3, 1), end=date(2026, 3, 3), zone=EASTERN)
    return {
        sid.split("@")[1]: row.tolist()
        for sid, row in zip(matrix.series_ids, matrix.quantities, strict=True)
        if not sid.split("@")[1].startswith(("ICU-ADC1", "ED-ADC1"))
    }


def test_a_first_load_is_taken_from_the_location_that_issued_it_not_another_that_day(
    engine: Engine,
) -> None:
    _store_and_satellite(engine, satellite_before=True)
    _refill(engine, _local(2026, 3, 2, 9), "OR-SAT", 20, kind=MovementKind.TRANSFER)  # use
    _refill(engine, _local(2026, 3, 2, 10), "ICU-ADC1", 5, source="OR-SAT")  # a new pocket's load
    _use(engine, _local(2026, 3, 3, 10), 1)

    assert _issued(engine) == {"MAIN-STORE": [0, 20, 0], "OR-SAT": [0, 0, 0]}


def test_a_load_from_a_pocket_leaves_the_storeroom_s_refill_that_day_its_use(
    engine: Engine,
) -> None:
    _store_and_satellite(engine, satellite_before=False)
    _refill(engine, _local(2026, 2, 21, 9), "ICU-ADC1", 10)  # the ICU pocket stocked before
    _refill(  # the new ED pocket stocked from the ICU pocket's lot: a pocket is no supplier
        engine, _local(2026, 3, 2, 9), "ED-ADC1", 5, source="ICU-ADC1", kind=MovementKind.TRANSFER
    )
    _refill(engine, _local(2026, 3, 2, 10), "ICU-ADC1", 5)  # the storeroom's use
    _use(engine, _local(2026, 3, 3, 10), 1, at="ED-ADC1")

    assert _issued(engine)["MAIN-STORE"] == [0, 5, 0]


def test_loads_into_more_places_than_a_query_lists_are_picked_out_after_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(days, "LISTED_IN_SQL", 0)  # as with a go-live's thousands of pockets
    test_a_first_load_is_taken_from_the_location_that_issued_it_not_another_that_day(engine)


def test_a_load_into_a_pocket_without_levels_or_use_yet_is_still_a_load(engine: Engine) -> None:
    _store_and_satellite(engine, satellite_before=False)
    _refill(engine, _local(2026, 3, 2, 10), "ICU-ADC1", 5)

    assert _issued(engine) == {"MAIN-STORE": [0, 0, 0]}


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
    _use(engine, late, 2)

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
        ledger.Receive(
            user="tech",
            location="MAIN-STORE",
            product="12345-678-90",
            lot="X1",
            expiry=date(2028, 1, 31),
            quantity=10,
            occurred_at=_local(2026, 3, 5, 10),
        ),
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


# --- stock that may not be handed out counts as none ------------------------------------
# A small world written straight into the tables (``tests.integration.adapters.shelves``).


@pytest.fixture
def shelves(engine: Engine) -> Shelves:
    return Shelves(engine)


def test_an_expired_lots_days_are_censored_like_an_empty_shelf(shelves: Shelves) -> None:
    shelves.place("P-EXPIRED")
    shelves.lot("E1", date(2026, 3, 3))  # usable through 3 March, expired from the 4th
    shelves.lot("G1", date(2028, 1, 31))
    shelves.move(local(2026, 2, 27, 9), "receipt", "E1", 5, into="P-EXPIRED")
    shelves.move(local(2026, 3, 2, 10), "dispense", "E1", 1, out_of="P-EXPIRED")  # day 1
    shelves.move(local(2026, 3, 7, 9), "receipt", "G1", 3, into="P-EXPIRED")  # day 6

    demand = shelves.demand()

    # 4 expired vials stay on the shelf from day 3: nothing there may be handed out
    np.testing.assert_array_equal(demand["P-EXPIRED"], [0, 1, 0, NAN, NAN, NAN, 0, 0, 0, 0])


def test_a_quarantined_lots_days_are_censored_while_it_is_blocked(shelves: Shelves) -> None:
    shelves.place("P-QUARANTINE", level=True)
    shelves.lot("Q1", date(2028, 1, 31))
    shelves.move(local(2026, 2, 27, 9), "receipt", "Q1", 5, into="P-QUARANTINE")
    shelves.status(local(2026, 3, 3, 10), "Q1", "quarantined")  # day 2 began usable
    shelves.status(local(2026, 3, 4, 8), "Q1", "recalled")  # still blocked
    shelves.status(local(2026, 3, 6, 15), "Q1", "available")  # day 5 ended usable

    demand = shelves.demand()

    np.testing.assert_array_equal(demand["P-QUARANTINE"], [0, 0, 0, NAN, NAN, 0, 0, 0, 0, 0])


def test_a_usable_lot_beside_unusable_ones_keeps_the_days_observed(shelves: Shelves) -> None:
    shelves.place("P-MIXED", level=True)
    shelves.lot("E2", date(2026, 2, 1))  # expired before the window
    shelves.lot("Q2", date(2028, 1, 31))
    shelves.lot("G2", date(2028, 1, 31))
    for lot in ("E2", "Q2", "G2"):
        shelves.move(local(2026, 2, 20, 9), "receipt", lot, 2, into="P-MIXED")
    shelves.status(local(2026, 2, 21, 9), "Q2", "suspect")

    demand = shelves.demand()

    np.testing.assert_array_equal(demand["P-MIXED"], [0] * 10)


def test_a_day_with_a_dispense_is_never_censored(shelves: Shelves) -> None:
    shelves.place("P-EMPTY", level=True)
    shelves.lot("E3", date(2026, 2, 1))
    shelves.lot("G3", date(2028, 1, 31))
    shelves.move(local(2026, 2, 20, 9), "receipt", "E3", 4, into="P-EMPTY")
    # day 2: an expired vial handed out and brought back; day 4: one received and used
    shelves.move(local(2026, 3, 3, 10), "dispense", "E3", 1, out_of="P-EMPTY")
    shelves.move(local(2026, 3, 3, 11), "patient_return", "E3", 1, into="P-EMPTY")
    shelves.move(local(2026, 3, 5, 9), "receipt", "G3", 1, into="P-EMPTY")
    shelves.move(local(2026, 3, 5, 16), "dispense", "G3", 1, out_of="P-EMPTY")

    demand = shelves.demand()

    np.testing.assert_array_equal(demand["P-EMPTY"], [NAN, NAN, 0, NAN, 1, NAN, NAN, NAN, NAN, NAN])


def test_stock_in_quarantine_and_a_lot_blocked_with_no_recorded_change_are_unusable(
    shelves: Shelves,
) -> None:
    shelves.place("QUAR-SHELF", kind="quarantine", level=True)
    shelves.place("P-RECALLED")
    shelves.lot("G4", date(2028, 1, 31))
    shelves.lot("R4", date(2028, 1, 31), status="recalled")  # blocked before any history
    shelves.move(local(2026, 2, 20, 9), "receipt", "G4", 3, into="QUAR-SHELF")
    shelves.move(local(2026, 2, 20, 9), "receipt", "R4", 3, into="P-RECALLED")
    shelves.move(local(2026, 3, 4, 9), "dispense", "R4", 1, out_of="P-RECALLED")  # day 3

    demand = shelves.demand()

    np.testing.assert_array_equal(demand["QUAR-SHELF"], [NAN] * 10)
    np.testing.assert_array_equal(
        demand["P-RECALLED"], [NAN, NAN, NAN, 1, NAN, NAN, NAN, NAN, NAN, NAN]
    )
