"""The demo health system of several hospitals (``rxsupply demo --facilities N``): each hospital
is simulated and written in turn, and the whole keeps a correct ledger."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from tests.conftest import TESTER
from tests.integration.services.test_demo import CLOCK

from rxsupply.adapters import queries, tables
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services.demo import build_demo


def test_two_hospitals_each_dispense_and_order_and_every_on_hand_equals_its_ledger(
    engine: Engine,
) -> None:
    with SqlUnitOfWork(engine) as uow:
        built = build_demo(
            uow, demo_items(), clock=CLOCK, user=TESTER, seed=3, facilities=2, days=10
        )

    loc, mv = tables.location, tables.movement
    adc, facility = loc.alias("adc"), loc.alias("facility")
    with engine.connect() as conn:
        differences = queries.check_rows(conn)
        info = queries.summary(conn)
        dispensed_at: dict[str, int] = dict(
            conn.execute(
                select(facility.c.code, func.count())
                .select_from(mv)
                .join(loc, loc.c.id == mv.c.from_location_id)
                .join(adc, adc.c.id == loc.c.parent_id)
                .join(facility, facility.c.id == adc.c.parent_id)
                .where(mv.c.kind == "dispense", loc.c.kind == "pocket")
                .group_by(facility.c.code)
            ).all()
        )
        levels = conn.execute(select(func.count()).select_from(tables.stock_level)).scalar_one()

    assert differences == []
    assert info["locations_by_kind"]["facility"] == 2
    assert info["locations_by_kind"]["storeroom"] == 2
    assert info["locations_by_kind"]["adc"] == 60
    assert built.facilities == 2
    assert built.dispense_transactions == info["dispense_transactions"]
    assert set(dispensed_at) == {"F1", "F2"}
    assert min(dispensed_at.values()) > 10 * 1_000
    assert levels > 2 * 5_000  # every pocket and both storerooms' items
