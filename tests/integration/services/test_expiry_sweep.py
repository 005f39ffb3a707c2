"""The daily expiry sweep on the example hospital: morphine lot MS2409 expires 01/31/2027, with
60 units in the storeroom and 15 in ICU-ADC1's pocket 2. On 02/01/2027 the sweep moves the
storeroom's units into MAIN-QUAR and leaves the pocket's for the refill run, whose pull line
moves them when the technician confirms it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from tests.conftest import EASTERN, TESTER
from tests.integration.services.test_putaway import units_at

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.errors import InvalidValue, RefillRefused
from rxsupply.services import refilling
from rxsupply.services.expiry_sweep import Swept, expired_pulls, sweep_expired

LAST_DAY = FixedClock(datetime(2027, 1, 31, 15, 0, tzinfo=UTC), EASTERN)
DAY_AFTER = FixedClock(datetime(2027, 2, 1, 15, 0, tzinfo=UTC), EASTERN)
MORPHINE = "98765-0210-1"


def sweep(engine: Engine, clock: FixedClock = DAY_AFTER) -> Swept:
    with SqlUnitOfWork(engine) as uow:
        return sweep_expired(uow, user=TESTER, clock=clock)


def test_nothing_is_swept_on_the_last_day_a_lot_is_usable(hospital: Engine) -> None:
    done = sweep(hospital, LAST_DAY)

    assert (done.moved, done.pockets, done.stuck) == ([], [], [])
    assert units_at(hospital, "MAIN-STORE", "MS2409") == 60


def test_the_day_after_expiry_the_sweep_moves_shelf_stock_and_leaves_pockets_for_the_run(
    hospital: Engine,
) -> None:
    done = sweep(hospital)

    assert [(p.location, p.lot, p.quantity, p.to_location) for p in done.moved] == [
        ("MAIN-STORE", "MS2409", 60, "MAIN-QUAR")
    ]
    assert [(p.location, p.cabinet, p.quantity) for p in done.pockets] == [
        ("ICU-ADC1-P02", "ICU-ADC1", 15)
    ]
    assert str(done.moved[0].value) == "187.20"  # 60 syringes at $31.20 a carton of 10
    assert units_at(hospital, "MAIN-STORE", "MS2409") == 0
    assert units_at(hospital, "MAIN-QUAR", "MS2409") == 60
    assert units_at(hospital, "ICU-ADC1-P02", "MS2409") == 15
    with hospital.connect() as conn:
        moved = conn.execute(
            select(t.movement.c.kind, t.movement.c.user_name, t.movement.c.reference).where(
                t.movement.c.reference == "expiry sweep 2027-02-01"
            )
        ).all()
    assert [tuple(m) for m in moved] == [("transfer", TESTER, "expiry sweep 2027-02-01")]


def test_a_second_sweep_the_same_day_moves_nothing_twice(hospital: Engine) -> None:
    sweep(hospital)

    again = sweep(hospital)

    assert again.moved == [] and again.duplicates == 0  # nothing is left on the shelf
    assert units_at(hospital, "MAIN-QUAR", "MS2409") == 60
    assert [p.location for p in again.pockets] == ["ICU-ADC1-P02"]


def test_the_refill_run_carries_the_pockets_pull_and_confirming_it_quarantines_the_units(
    hospital: Engine,
) -> None:
    sweep(hospital)
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=DAY_AFTER, cabinets=["ICU-ADC1"])
    (pull,) = [ln for ln in run.lines if ln.pull]

    assert (pull.pocket, pull.lot, pull.quantity, pull.to_location) == (
        "ICU-ADC1-P02",
        "MS2409",
        15,
        "MAIN-QUAR",
    )
    assert run.pull_units == 15
    assert (pull.lot_status, pull.lot_blocked) == ("expired", None)  # what it takes out
    with SqlUnitOfWork(hospital) as uow:
        after, line, posted = refilling.confirm_refill(
            uow,
            run=run.number,
            pocket="ICU-ADC1-P02",
            product=MORPHINE,
            lot="MS2409",
            user=TESTER,
            clock=DAY_AFTER,
        )

    assert line.left == 0 and after.pulled == 15
    assert [m.kind.value for m in posted.movements] == ["transfer"]
    assert units_at(hospital, "ICU-ADC1-P02", "MS2409") == 0
    assert units_at(hospital, "MAIN-QUAR", "MS2409") == 75
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert expired_pulls(uow, clock=DAY_AFTER) == []


def test_a_pull_takes_no_more_than_the_pocket_holds(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=DAY_AFTER, cabinets=["ICU-ADC1"])
    with SqlUnitOfWork(hospital) as uow:
        refilling.confirm_refill(
            uow,
            run=run.number,
            pocket="ICU-ADC1-P02",
            product=MORPHINE,
            lot="MS2409",
            units=15,
            user=TESTER,
            clock=DAY_AFTER,
        )

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="already filled"):
        refilling.confirm_refill(
            uow,
            run=run.number,
            pocket="ICU-ADC1-P02",
            product=MORPHINE,
            lot="MS2409",
            units=1,
            user=TESTER,
            clock=DAY_AFTER,
        )
    assert units_at(hospital, "MAIN-QUAR", "MS2409") == 15


def confirm_pull(engine: Engine, run: str, units: int | None = None) -> None:
    with SqlUnitOfWork(engine) as uow:
        refilling.confirm_refill(
            uow,
            run=run,
            pocket="ICU-ADC1-P02",
            product=MORPHINE,
            lot="MS2409",
            units=units,
            user=TESTER,
            clock=DAY_AFTER,
        )


def test_scanning_a_pull_line_already_done_says_it_is_filled_not_zero_units(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=DAY_AFTER, cabinets=["ICU-ADC1"])
    confirm_pull(hospital, run.number)

    with pytest.raises(InvalidValue, match="already filled"):
        confirm_pull(hospital, run.number)


def test_a_run_with_only_pulls_confirmed_is_not_cancelled_and_says_the_units_pulled(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=DAY_AFTER, cabinets=["ICU-ADC1"])
    confirm_pull(hospital, run.number)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(RefillRefused) as refused:
        refilling.cancel_refill_run(uow, run=run.number, user=TESTER, clock=DAY_AFTER)

    assert "has 15 units pulled: complete it instead" in str(refused.value)


def test_a_facility_without_a_quarantine_location_is_listed_and_nothing_moves(
    hospital: Engine,
) -> None:
    with hospital.begin() as conn:
        conn.execute(
            t.location.update().where(t.location.c.code == "MAIN-QUAR").values(kind="satellite")
        )

    done = sweep(hospital)

    assert done.moved == [] and {p.location for p in done.stuck} == {
        "MAIN-STORE",
        "ICU-ADC1-P02",
    }
    assert done.as_dict()["lines"][0]["how"] == "no quarantine location in its facility"  # type: ignore[index]
    assert units_at(hospital, "MAIN-STORE", "MS2409") == 60


def test_an_opened_vial_past_its_beyond_use_date_is_swept(hospital: Engine) -> None:
    from tests.integration.services.test_opening import open_one

    open_one(hospital, units=100, bud_days=7)  # opened 11/20/2026: usable through 11/27
    later = FixedClock(datetime(2026, 11, 28, 15, 0, tzinfo=UTC), EASTERN)

    done = sweep(hospital, later)

    assert [(p.lot, p.expiry, p.quantity) for p in done.moved] == [
        ("AP2406-O261120", date(2026, 11, 27), 100)
    ]
