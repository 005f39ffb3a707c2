"""The refill run on every database: a saved pick list, confirmed package by package at the
pockets by scanning, then completed or cancelled.

The example hospital at 2026-11-20: ICU-ADC1-P01 (ondansetron, capacity 40) holds 30 of lot
ON2411A; ED-ADC1-P01 holds 45 of ON2502B; the storeroom 250 of ON2411A (25-vial trays, expiring
2027-03-31) and 100 of ON2502B (10-vial cartons, 2027-09-30).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from tests.conftest import CLOCK, EASTERN, TESTER, post
from tests.integration.services.test_safe_stock import ONDANSETRON_10, ONDANSETRON_25, on_hand
from tests.integration.services.test_safe_stock import set_levels as set_pocket_levels

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.ndc import NDC
from rxsupply.domain.refilling import RefillRun, RunStatus
from rxsupply.domain.status import StockStatus
from rxsupply.errors import InvalidValue, NotFound, RefillRefused, RxSupplyError
from rxsupply.services import ledger, refilling

TRAY = NDC.parse(ONDANSETRON_25).gtin14()


def start(engine: Engine, *cabinets: str) -> RefillRun:
    with SqlUnitOfWork(engine) as uow:
        return refilling.start_refill_run(uow, user=TESTER, clock=CLOCK, cabinets=cabinets)


def confirm(
    engine: Engine, run: str, pocket: str, product: str, lot: str, units: int = 25
) -> RefillRun:
    with SqlUnitOfWork(engine) as uow:
        after, _, _ = refilling.confirm_refill(
            uow,
            run=run,
            pocket=pocket,
            product=product,
            lot=lot,
            units=units,
            user=TESTER,
            clock=CLOCK,
        )
    return after


def refills_posted(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM movement WHERE kind = 'refill'")).scalar_one()
        )


@pytest.fixture
def low_pockets(hospital: Engine) -> Engine:
    """Both ondansetron pockets at their min: ICU (30 of 30/40) and ED (45 of 50/60)."""
    set_pocket_levels(hospital, "ICU-ADC1-P01", "ONDA4INJ", 30, 40)
    set_pocket_levels(hospital, "ED-ADC1-P01", "ONDA4INJ", 50, 60)
    return hospital


def test_a_run_saves_the_pick_list_of_its_cabinets_in_the_order_of_its_route(
    low_pockets: Engine,
) -> None:
    run = start(low_pockets, "ICU-ADC1", "ED-ADC1")

    assert run.number.startswith("RF") and run.status is RunStatus.OPEN
    assert run.cabinets == ["ICU-ADC1", "ED-ADC1"]
    assert run.route == "ICU-ADC1 > ED-ADC1"
    assert [(ln.pocket, ln.lot, ln.quantity) for ln in run.lines] == [
        ("ICU-ADC1-P01", "ON2411A", 10),
        ("ED-ADC1-P01", "ON2411A", 15),
    ]
    assert refills_posted(low_pockets) == 0


def test_a_scanned_package_posts_what_the_line_has_left_from_its_lot(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")

    after = confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A", units=25)

    (line,) = after.lines
    assert (line.confirmed, line.left, line.confirmed_by) == (10, 0, TESTER)
    assert on_hand(low_pockets, "ICU-ADC1-P01", "ON2411A") == 40
    assert on_hand(low_pockets, "MAIN-STORE", "ON2411A") == 240
    assert refills_posted(low_pockets) == 1


def test_an_opened_package_confirms_the_units_counted_into_the_pocket(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")

    confirm(low_pockets, run.number, "ICU-ADC1-P01", ONDANSETRON_25, "ON2411A", units=4)
    after = confirm(low_pockets, run.number, "ICU-ADC1-P01", ONDANSETRON_25, "ON2411A", units=4)

    assert (after.lines[0].confirmed, after.lines[0].left) == (8, 2)
    assert on_hand(low_pockets, "ICU-ADC1-P01", "ON2411A") == 38
    assert refills_posted(low_pockets) == 2


def test_a_filled_line_refuses_another_package_and_writes_nothing(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")
    confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A")

    with pytest.raises(InvalidValue, match="already filled"):
        confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A")

    assert refills_posted(low_pockets) == 1


def test_a_package_of_another_lot_is_refused_naming_the_lot_to_take(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")

    with pytest.raises(InvalidValue, match=r"lot ON2502B is not on the pick list.*ON2411A"):
        confirm(low_pockets, run.number, "ICU-ADC1-P01", ONDANSETRON_10, "ON2502B")

    assert refills_posted(low_pockets) == 0
    assert on_hand(low_pockets, "ICU-ADC1-P01", "ON2411A") == 30


def test_a_scan_at_a_pocket_the_run_does_not_fill_is_refused(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")

    with pytest.raises(InvalidValue, match="no line for pocket ED-ADC1-P01"):
        confirm(low_pockets, run.number, "ED-ADC1-P01", TRAY, "ON2411A")


def test_a_cabinet_on_an_open_run_is_not_put_on_a_second_one(low_pockets: Engine) -> None:
    first = start(low_pockets, "ICU-ADC1")

    with pytest.raises(RefillRefused, match=f"ICU-ADC1 is on open run {first.number}"):
        start(low_pockets)

    with SqlUnitOfWork(low_pockets) as uow:
        refilling.complete_refill_run(uow, run=first.number, user=TESTER, clock=CLOCK)
    assert start(low_pockets, "ICU-ADC1").number != first.number


def test_a_run_with_units_confirmed_is_completed_not_cancelled(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1", "ED-ADC1")
    confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A")

    with SqlUnitOfWork(low_pockets) as uow:
        with pytest.raises(RefillRefused, match="10 units confirmed: complete it instead"):
            refilling.cancel_refill_run(uow, run=run.number, user=TESTER, clock=CLOCK)
        done = refilling.complete_refill_run(uow, run=run.number, user=TESTER, clock=CLOCK)

    assert (done.status, done.closed_by) == (RunStatus.COMPLETED, TESTER)
    assert [ln.left for ln in done.lines] == [0, 15]
    with pytest.raises(RefillRefused, match="is completed"):
        confirm(low_pockets, run.number, "ED-ADC1-P01", TRAY, "ON2411A")


def test_an_untouched_run_is_cancelled(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")

    with SqlUnitOfWork(low_pockets) as uow:
        done = refilling.cancel_refill_run(uow, run=run.number, user=TESTER, clock=CLOCK)

    assert done.status is RunStatus.CANCELLED
    assert start(low_pockets, "ICU-ADC1").status is RunStatus.OPEN


def test_nothing_to_refill_and_unknown_cabinets_are_refused(hospital: Engine) -> None:
    with pytest.raises(RefillRefused, match="nothing to refill"):
        start(hospital, "ICU-ADC1")
    with pytest.raises(NotFound, match="cabinet"):
        start(hospital, "MAIN-STORE")
    with SqlUnitOfWork(hospital) as uow, pytest.raises(NotFound, match="refill run"):
        refilling.get_refill_run(uow, "RF999999", clock=CLOCK)


def test_a_run_of_two_cabinets_never_gives_both_the_same_storeroom_units(
    low_pockets: Engine,
) -> None:
    post(
        low_pockets,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="recall",
        ),
    )
    post(
        low_pockets,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            product=ONDANSETRON_10,
            quantity=95,
        ),
    )

    run = start(low_pockets, "ICU-ADC1", "ED-ADC1")

    assert [(ln.pocket, ln.quantity, ln.short) for ln in run.lines] == [
        ("ICU-ADC1-P01", 5, 35),
        ("ED-ADC1-P01", 0, 15),
    ]


def quarantine_trays(engine: Engine) -> None:
    post(
        engine,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="damaged carton",
        ),
    )


def shown(engine: Engine, run: str, clock: FixedClock = CLOCK) -> RefillRun:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return refilling.get_refill_run(uow, run, clock=clock)


def test_a_run_shows_each_lines_lot_status_and_marks_a_lot_blocked_after_it_started(
    low_pockets: Engine,
) -> None:
    run = start(low_pockets, "ICU-ADC1", "ED-ADC1")
    quarantine_trays(low_pockets)

    after = shown(low_pockets, run.number)

    assert [(ln.lot_status, ln.lot_blocked) for ln in run.lines] == [("available", None)] * 2
    assert [(ln.pocket, ln.lot_status) for ln in after.lines] == [
        ("ICU-ADC1-P01", "quarantined"),
        ("ED-ADC1-P01", "quarantined"),
    ]
    assert after.lines[0].lot_blocked == (
        "lot ON2411A is quarantined by tester since 2026-11-20: damaged carton"
    )
    assert after.lines[0].as_dict()["lot_status"] == "quarantined"
    assert after.lines[0].as_dict()["lot_blocked"] == after.lines[0].lot_blocked


def test_a_lot_expired_since_the_run_started_is_shown_expired_and_marked(
    low_pockets: Engine,
) -> None:
    run = start(low_pockets, "ICU-ADC1")
    day_after_expiry = FixedClock(datetime(2027, 4, 1, 15, 0, tzinfo=UTC), EASTERN)

    on_last_day = shown(
        low_pockets, run.number, FixedClock(datetime(2027, 3, 31, 15, 0, tzinfo=UTC), EASTERN)
    )
    after = shown(low_pockets, run.number, day_after_expiry)

    assert (on_last_day.lines[0].lot_status, on_last_day.lines[0].lot_blocked) == (
        "available",
        None,
    )
    assert (after.lines[0].lot_status, after.lines[0].lot_blocked) == (
        "expired",
        "lot ON2411A expired on 2027-03-31",
    )


def test_a_filled_line_shows_its_lot_status_without_the_mark(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1", "ED-ADC1")
    confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A")
    quarantine_trays(low_pockets)

    after = shown(low_pockets, run.number)

    assert [(ln.left, ln.lot_status, ln.lot_blocked is None) for ln in after.lines] == [
        (0, "quarantined", True),  # nothing left to take: its units are blocked where they are
        (15, "quarantined", False),
    ]


def test_the_scan_refuses_the_lot_the_run_marks_blocked(low_pockets: Engine) -> None:
    run = start(low_pockets, "ICU-ADC1")
    quarantine_trays(low_pockets)

    with pytest.raises(RxSupplyError, match="ON2411A"):
        confirm(low_pockets, run.number, "ICU-ADC1-P01", TRAY, "ON2411A")

    assert shown(low_pockets, run.number).lines[0].lot_blocked is not None
    assert refills_posted(low_pockets) == 0
