"""The expiry-risk projection and its transfers on the example hospital (SQLite and
PostgreSQL): an idle ICU pocket of ondansetron, a busy ED pocket, a storeroom that sends
nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, EASTERN, NOW, TESTER, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.status import StockStatus
from rxsupply.errors import LedgerError
from rxsupply.services.expiry_risk import ExpiryRisk, assess_expiry_risk
from rxsupply.services.expiry_transfers import TransferAtRisk, carry_out_transfer
from rxsupply.services.ledger import Dispense, SetStatus

TODAY = CLOCK.today()  # 2026-11-20
TRAY = "98765-401-02"  # $18.75 for 25 vials: $0.75 a vial
ICU, ED = "ICU-ADC1-P01", "ED-ADC1-P01"


@pytest.fixture
def ward(hospital: Engine) -> Engine:
    """The ED pocket dispensed 42 vials over the last week (0.5 a day over 12 weeks), leaving 3
    of its lot ON2502B; the ICU pocket (30 vials of ON2411A, expiring 2027-03-31) dispensed
    none and has levels 5 to 40."""
    for days_ago in range(1, 7):
        at = datetime.combine(TODAY - timedelta(days=days_ago), time(12), EASTERN)
        post(
            hospital,
            Dispense(user=TESTER, location=ED, item="ONDA4INJ", quantity=7, occurred_at=at),
        )
    with SqlUnitOfWork(hospital) as uow:
        pocket, item = uow.locations.get(ICU), uow.items.get("ONDA4INJ")
        assert pocket is not None and item is not None
        level = StockLevel(
            location_id=pocket.id or 0, item_id=item.id or 0, min_level=5, max_level=40
        )
        uow.stock_levels.save(level, now=NOW, user=TESTER)
        uow.commit()
    return hospital


def assess(engine: Engine, **kwargs: object) -> ExpiryRisk:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return assess_expiry_risk(uow, clock=CLOCK, **kwargs)  # type: ignore[arg-type]


def lot_at(found: ExpiryRisk, location: str, lot: str) -> dict[str, object]:
    (row,) = [
        r for r in found.rows(only_at_risk=False) if r["location"] == location and r["lot"] == lot
    ]
    return row


def test_an_idle_pockets_lot_expires_whole_and_goes_to_the_pocket_that_uses_it(
    ward: Engine,
) -> None:
    found = assess(ward)

    icu, ed = lot_at(found, ICU, "ON2411A"), lot_at(found, ED, "ON2502B")
    # ICU: no use, 30 vials at $0.75 expire on 2027-03-31
    assert (icu["projected_use"], icu["expired_units"], icu["expired_value"]) == (0, 30, "22.50")
    assert icu["demand_source"] == "no use"
    # ED: 42 out in 84 days is 0.5 a day; its 3 vials are used long before 2027-09-30
    assert (ed["daily_use"], ed["demand_source"], ed["expired_units"]) == (0.5, "recent outflow", 0)
    # ED uses 66 in the 132 days to 2027-03-31 and has room for 57 (capacity 60, 3 held): all 30
    (move,) = [t for t in found.transfers if t.lot == "ON2411A"]
    assert (move.from_location, move.to_location, move.units, move.value_saved) == (
        ICU,
        ED,
        30,
        Decimal("22.50"),
    )


def test_the_storeroom_loses_what_nobody_draws_and_sends_none_to_its_own_cabinets(
    ward: Engine,
) -> None:
    found = assess(ward)

    store = lot_at(found, "MAIN-STORE", "ON2411A")
    assert (store["expired_units"], store["expired_value"]) == (250, "187.50")
    assert [t for t in found.transfers if t.from_location == "MAIN-STORE"] == []
    # the acetaminophen expires in 2028: beyond the year projected
    assert not [r for r in found.lots if r.lot == "AP2406"]


def test_a_pocket_that_holds_more_than_it_uses_gets_a_lower_max_and_totals_add_up(
    ward: Engine,
) -> None:
    found = assess(ward)

    (par,) = found.par_reductions
    # no use: the max comes down to the min level, 5; 35 vials at $0.75 held less
    assert (par.location, par.max_level, par.proposed_max, par.value_held_less) == (
        ICU,
        40,
        5,
        Decimal("26.25"),
    )
    totals = found.totals()
    # storeroom 250 + 100 ondansetron and 60 morphine, ICU pockets 30 ondansetron + 15 morphine
    assert totals["units_at_risk"] == 250 + 100 + 60 + 30 + 15
    assert found.weekly[-1]["cumulative_value"] == totals["value_at_risk"]


def test_a_recommended_transfer_moves_the_lot_once_and_the_ledger_refuses_a_blocked_one(
    ward: Engine,
) -> None:
    want = TransferAtRisk(product=TRAY, lot="ON2411A", from_location=ICU, to_location=ED, units=30)
    key = ExternalId("test", "risk-1")

    with SqlUnitOfWork(ward) as uow:
        done = carry_out_transfer(uow, transfer=want, user=TESTER, clock=CLOCK, external_id=key)
    with SqlUnitOfWork(ward) as uow:
        again = carry_out_transfer(uow, transfer=want, user=TESTER, clock=CLOCK, external_id=key)
    after = assess(ward)

    assert [(m.quantity, m.reference) for m in done.movements] == [(30, "expiry risk transfer")]
    assert again.duplicate
    assert lot_at(after, ED, "ON2411A")["expired_units"] == 0
    assert [t for t in after.transfers if t.lot == "ON2411A" and t.from_location == ICU] == []
    post(
        ward,
        SetStatus(
            user=TESTER, product=TRAY, lot="ON2411A", status=StockStatus.QUARANTINED, reason="test"
        ),
    )
    back = TransferAtRisk(product=TRAY, lot="ON2411A", from_location=ED, to_location=ICU, units=1)
    with SqlUnitOfWork(ward) as uow, pytest.raises(LedgerError):
        carry_out_transfer(uow, transfer=back, user=TESTER, clock=CLOCK)


def test_a_replay_projects_the_stock_as_it_stood_at_the_start_of_the_day(ward: Engine) -> None:
    later = FixedClock(NOW + timedelta(days=3), EASTERN)
    at = datetime.combine(TODAY + timedelta(days=2), time(12), EASTERN)
    post(
        ward,
        Dispense(user=TESTER, location=ICU, item="ONDA4INJ", quantity=5, occurred_at=at),
        clock=later,
    )

    with SqlUnitOfWork(ward, readonly=True) as uow:
        now = assess_expiry_risk(uow, clock=later)
        then = assess_expiry_risk(uow, clock=later, as_of=date(2026, 11, 21))

    assert lot_at(now, ICU, "ON2411A")["on_hand"] == 25
    assert lot_at(then, ICU, "ON2411A")["on_hand"] == 30
