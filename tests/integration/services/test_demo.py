"""The demo hospital looks like a hospital and keeps a correct ledger."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Engine, func, select
from tests.conftest import EASTERN, TESTER

from rxsupply.adapters import queries, tables
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.demo import build_demo
from rxsupply.services.pricing import best_prices, contract_compliance
from rxsupply.services.purchasing import suggest_orders

END = date(2026, 11, 1)
CLOCK = FixedClock(datetime.combine(END, time(0), EASTERN), EASTERN)
"""Midnight of END in New York: the history ends the day before (as ``rxsupply demo --end``)."""


def _build(engine: Engine, *, days: int = 30, seed: int = 7) -> None:
    with SqlUnitOfWork(engine) as uow:
        build_demo(uow, demo_items(), clock=CLOCK, user=TESTER, seed=seed, days=days)


def test_a_month_of_demo_history_keeps_every_on_hand_equal_to_its_ledger(
    engine: Engine,
) -> None:
    _build(engine)

    with engine.connect() as conn:
        differences = queries.check_rows(conn)
        info = queries.summary(conn)

    assert differences == []
    assert 1_400 <= info["items"] <= 1_600
    assert 2_300 <= info["products"] <= 2_700
    assert info["locations_by_kind"]["adc"] == 30
    assert info["locations_by_kind"]["storeroom"] == 1
    assert info["locations_by_kind"]["satellite"] == 2
    assert info["dispense_transactions"] > 30 * 1_000
    assert info["purchase_lines"] > 0


def test_the_same_seed_builds_the_same_hospital(sqlite_engine: Engine, tmp_path: object) -> None:
    from rxsupply.adapters.database import make_engine, migrate

    other = make_engine(f"sqlite:///{tmp_path}/other.db")
    migrate(other)

    _build(sqlite_engine, days=20)
    _build(other, days=20)

    def fingerprint(engine: Engine) -> tuple[object, ...]:
        m = tables.movement
        with engine.connect() as conn:
            kinds = conn.execute(
                select(m.c.kind, func.count(), func.sum(m.c.quantity)).group_by(m.c.kind)
            ).all()
            total = conn.execute(select(func.sum(tables.on_hand.c.quantity))).scalar_one()
            return (*kinds, total)

    assert fingerprint(sqlite_engine) == fingerprint(other)


def test_demo_pockets_never_hold_more_than_their_capacity(sqlite_engine: Engine) -> None:
    _build(sqlite_engine, days=20)

    loc, oh = tables.location, tables.on_hand
    with sqlite_engine.connect() as conn:
        over = conn.execute(
            select(loc.c.code, loc.c.capacity, func.sum(oh.c.quantity))
            .join(oh, oh.c.location_id == loc.c.id)
            .where(loc.c.kind == "pocket")
            .group_by(loc.c.code, loc.c.capacity)
            .having(func.sum(oh.c.quantity) > loc.c.capacity)
        ).all()

    assert over == []


def test_demo_ndcs_use_labeler_codes_reserved_for_the_demo(sqlite_engine: Engine) -> None:
    from rxsupply.adapters.demo_catalogue import DEMO_LABELER_CODES

    _build(sqlite_engine, days=20)

    with sqlite_engine.connect() as conn:
        ndcs = conn.execute(select(tables.product.c.ndc)).scalars().all()

    assert {n.split("-")[0] for n in ndcs} <= set(DEMO_LABELER_CODES)


def test_the_demo_buys_mostly_on_contract_and_its_storeroom_suggests_orders(
    sqlite_engine: Engine,
) -> None:
    _build(sqlite_engine, days=60)

    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        report = contract_compliance(uow, start=date(2026, 9, 1), end=date(2026, 10, 31))
        (onda,) = best_prices(uow, on=date(2026, 10, 31), item="ITM-00883")
    with SqlUnitOfWork(sqlite_engine) as uow:
        suggested = suggest_orders(uow, clock=CLOCK, user=TESTER)

    assert report.lines > 0
    share = report.share_on_contract
    assert share is not None and 0.7 < share < 1.0  # an alternate now and then, off contract
    assert onda.best is not None and onda.best.source == "contract"
    assert [o.wholesaler for o in suggested.orders] == ["Demo Wholesale Drug Co"]
    assert suggested.orders[0].lines


def test_the_demo_has_expired_stock_on_the_shelf_and_in_pockets_for_the_sweep(
    sqlite_engine: Engine,
) -> None:
    from rxsupply.services.expiry_sweep import expired_pulls

    _build(sqlite_engine, days=20)

    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        found = expired_pulls(uow, clock=CLOCK)

    shelf = {p.lot for p in found if not p.in_pocket}
    pockets = {p.location for p in found if p.in_pocket}
    assert len(shelf) == 5 and all(p.expiry < END for p in found)
    assert len(pockets) >= 3
    assert all(p.to_location == "F1-QUAR" for p in found)
