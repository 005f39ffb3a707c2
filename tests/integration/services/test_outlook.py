"""The run-out projection and the stress test read the database (SQLite and PostgreSQL): the
example hospital's ondansetron, dispensed from its storeroom."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update
from tests.conftest import CLOCK, EASTERN, NOW, TESTER, post

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.ledger import Dispense
from rxsupply.services.outlook import project_items
from rxsupply.services.stress_test import stress_test

TODAY = CLOCK.today()  # 2026-11-20


def used(engine: Engine, days_ago: int, quantity: int, hour: int = 23) -> None:
    """A dispense of ondansetron from the storeroom at ``hour`` local time, ``days_ago`` days
    before today (23:30 New York is the next day in UTC: it counts on its local day)."""
    at = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), EASTERN)
    post(
        engine,
        Dispense(
            user=TESTER,
            location="MAIN-STORE",
            item="ONDA4INJ",
            quantity=quantity,
            occurred_at=at.replace(hour=hour, minute=30),
        ),
    )


def test_the_projection_pools_usable_stock_and_reads_use_per_local_day(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        before = project_items(uow, items=["ONDA4INJ"], clock=CLOCK)[0]
    for days_ago in range(1, 8):
        used(hospital, days_ago, 7)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        after = project_items(uow, items=["ONDA4INJ"], clock=CLOCK)[0]
        use = uow.outlook.daily_use(
            [uow.outlook.items(["ONDA4INJ"])[0].id],
            zone=EASTERN,
            first=TODAY - timedelta(days=8),
            last=TODAY - timedelta(days=1),
        )

    assert list(use.values()) == [[0, 7, 7, 7, 7, 7, 7, 7]]
    assert after.on_hand == before.on_hand - 49
    assert after.daily_use == 49 / 84  # seven dispenses over the 12 weeks of history
    assert after.days_of_supply is not None
    assert round(after.days_of_supply, 6) == round(after.on_hand / (49 / 84), 6)


def test_a_quarantined_lot_does_not_count_and_a_replay_sees_the_stock_of_its_day(
    hospital: Engine,
) -> None:
    # the example stock was received today at 10:00; three days later 20 vials leave
    later = FixedClock(NOW + timedelta(days=3), EASTERN)
    at = NOW + timedelta(days=2)
    post(
        hospital,
        Dispense(user=TESTER, location="MAIN-STORE", item="ONDA4INJ", quantity=20, occurred_at=at),
        clock=later,
    )
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        now = project_items(uow, items=["ONDA4INJ"], clock=later)[0]
        then = project_items(uow, items=["ONDA4INJ"], clock=later, as_of=TODAY + timedelta(days=1))[
            0
        ]
    lot = t.lot.c.lot_number == "ON2502B"
    with hospital.begin() as conn:
        conn.execute(update(t.lot).where(lot).values(status="quarantined"))
        held = conn.execute(
            select(func.sum(t.on_hand.c.quantity)).join(t.lot).where(lot)
        ).scalar_one()
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        blocked = project_items(uow, items=["ONDA4INJ"], clock=later)[0]

    assert then.on_hand == now.on_hand + 20
    assert (then.on_order, then.daily_use) == (0, 0.0)
    assert held > 0
    assert blocked.on_hand == now.on_hand - held  # every vial of ON2502B, wherever it is


def test_a_stress_test_of_the_only_labeler_hits_every_item_it_makes(hospital: Engine) -> None:
    for days_ago in range(1, 85):  # 3 vials every day of the 12 weeks of history
        used(hospital, days_ago, 3, hour=9)
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        on_hand = project_items(uow, items=["ONDA4INJ"], clock=CLOCK)[0].on_hand

        found = stress_test(uow, supplier="Example Labs", days=90, clock=CLOCK, paths=50)

    rows = {r.item: r for r in found.rows}
    assert found.kind == "manufacturer"
    assert set(rows) >= {"ONDA4INJ", "MORPH2INJ", "APAP325TAB"}
    onda = rows["ONDA4INJ"]
    assert onda.daily_use == 3.0
    assert onda.on_hand == on_hand
    assert onda.probability == 1.0
    # 3 vials a day: the last whole day of stock is on_hand // 3 - 1
    assert onda.stockout_median == onda.stockout_p10 == TODAY + timedelta(days=on_hand // 3)
    # 90 days of outage and the storeroom's lead time (1 day): 273 vials needed
    assert onda.extra_units == 91 * 3 - on_hand
