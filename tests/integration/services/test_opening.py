"""Opened packages carry a beyond-use date: opening a multi-dose vial moves its units into the
opened lot of the same product, expiring on its beyond-use date, which every expiry rule then
reads; a block of the sealed lot reaches the opened units."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, EASTERN, TESTER, post
from tests.integration.services.test_putaway import units_at

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.repackaging import opened_lot
from rxsupply.domain.status import StockStatus
from rxsupply.errors import InvalidValue, UnusableStock
from rxsupply.services.ledger import Move, Receive, SetStatus
from rxsupply.services.opening import Opened, open_package

NDC = "98765-3250-01"  # acetaminophen 325 mg in the example hospital, lot AP2406 (2028-06-30)


def open_one(engine: Engine, lot: str = "AP2406", **kw: object) -> Opened:
    with SqlUnitOfWork(engine) as uow:
        return open_package(
            uow,
            location="MAIN-STORE",
            product=NDC,
            lot=lot,
            units=int(str(kw.get("units", 100))),
            bud_days=int(str(kw.get("bud_days", 28))),
            user=TESTER,
            clock=kw.get("clock", CLOCK),  # type: ignore[arg-type]
        )


def expiry_of(engine: Engine, lot: str) -> date | None:
    with engine.connect() as conn:
        found: date | None = conn.execute(
            select(t.lot.c.expiry).where(t.lot.c.lot_number == lot)
        ).scalar_one()
    return found


def test_opening_a_package_moves_its_units_into_an_opened_lot_usable_28_days(
    hospital: Engine,
) -> None:
    done = open_one(hospital, units=100)

    assert done.opened_lot == "AP2406-O261120"
    assert done.beyond_use == date(2026, 12, 18)  # opened 2026-11-20, + 28 days (USP <797>)
    assert expiry_of(hospital, "AP2406-O261120") == date(2026, 12, 18)
    assert units_at(hospital, "MAIN-STORE", "AP2406") == 1900
    assert units_at(hospital, "MAIN-STORE", "AP2406-O261120") == 100
    with hospital.connect() as conn:
        kinds = conn.execute(
            select(t.movement.c.kind).where(t.movement.c.reference.like("opened %"))
        ).scalars()
        assert sorted(kinds) == ["open", "open"]


def test_the_beyond_use_date_never_passes_the_lot_expiry(hospital: Engine) -> None:
    post(
        hospital,
        Receive(user=TESTER, product=NDC, lot="SHORT1", expiry=date(2026, 12, 1), quantity=50),
    )

    done = open_one(hospital, lot="SHORT1", units=50)

    assert done.beyond_use == date(2026, 12, 1)
    assert "capped at the lot's expiry" in str(done.as_dict()["why"])


def test_two_packages_of_one_lot_opened_the_same_day_share_the_opened_lot(
    hospital: Engine,
) -> None:
    open_one(hospital, units=100)
    open_one(hospital, units=100)

    assert units_at(hospital, "MAIN-STORE", "AP2406-O261120") == 200
    assert units_at(hospital, "MAIN-STORE", "AP2406") == 1800


def test_opened_units_are_not_handed_out_after_their_beyond_use_date(hospital: Engine) -> None:
    open_one(hospital, units=100, bud_days=7)  # usable through 2026-11-27
    later = FixedClock(datetime(2026, 11, 28, 15, 0, tzinfo=UTC), EASTERN)

    with pytest.raises(UnusableStock, match="expired on 2026-11-27"):
        post(
            hospital,
            Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="ICU-ADC1",
                product=NDC,
                lot="AP2406-O261120",
                quantity=10,
            ),
            clock=later,
        )


def test_a_recall_of_the_sealed_lot_reaches_its_opened_units(hospital: Engine) -> None:
    open_one(hospital, units=100)

    post(
        hospital,
        SetStatus(
            user=TESTER, product=NDC, lot="AP2406", status=StockStatus.RECALLED, reason="FDA"
        ),
    )

    with hospital.connect() as conn:
        status = conn.execute(
            select(t.lot.c.status).where(t.lot.c.lot_number == "AP2406-O261120")
        ).scalar_one()
    assert status == "recalled"


def test_an_expired_lot_is_not_opened_and_nothing_is_written(hospital: Engine) -> None:
    post(
        hospital,
        Receive(user=TESTER, product=NDC, lot="OLD1", expiry=date(2026, 11, 25), quantity=50),
    )
    later = FixedClock(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), EASTERN)

    with pytest.raises(UnusableStock, match="not opened"):
        open_one(hospital, lot="OLD1", units=10, clock=later)

    assert units_at(hospital, "MAIN-STORE", "OLD1") == 50


def test_beyond_use_days_outside_1_to_365_are_refused(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="bud_days"):
        open_one(hospital, bud_days=0)


def test_a_long_lot_number_is_cut_with_a_hash_of_the_whole_to_fit_the_opened_suffix() -> None:
    day = date(2026, 12, 6)
    first, second = opened_lot("L" * 39 + "A", day), opened_lot("L" * 39 + "B", day)

    assert len(first) == len(second) == 40
    assert first.startswith("L" * 25 + "-") and first.endswith("-O261206")
    assert first != second
    assert opened_lot("L" * 39 + "A", day) == first  # the same lot: the same opened lot
    assert opened_lot("L" * 32, day) == "L" * 32 + "-O261206"  # it fits: not cut


def test_two_long_lots_alike_at_the_start_open_into_lots_of_their_own(hospital: Engine) -> None:
    first, second = "X" * 33 + "A", "X" * 33 + "B"
    for lot in (first, second):
        post(
            hospital,
            Receive(user=TESTER, product=NDC, lot=lot, expiry=date(2028, 1, 31), quantity=50),
        )

    a, b = open_one(hospital, lot=first, units=10), open_one(hospital, lot=second, units=10)

    assert a.opened_lot != b.opened_lot
    assert units_at(hospital, "MAIN-STORE", b.opened_lot) == 10


def test_an_opened_lot_is_not_opened_again(hospital: Engine) -> None:
    done = open_one(hospital, units=100)

    with pytest.raises(InvalidValue, match="open already"):
        open_one(hospital, lot=done.opened_lot, units=5)

    assert units_at(hospital, "MAIN-STORE", done.opened_lot) == 100


def test_a_lot_of_the_opened_lots_number_not_opened_from_this_lot_is_not_joined(
    hospital: Engine,
) -> None:
    post(  # a lot received under the number today's opening of AP2406 would take
        hospital,
        Receive(
            user=TESTER, product=NDC, lot="AP2406-O261120", expiry=date(2027, 1, 31), quantity=5
        ),
    )

    with pytest.raises(InvalidValue, match="was not opened from lot AP2406"):
        open_one(hospital, units=100)

    assert units_at(hospital, "MAIN-STORE", "AP2406") == 2000
