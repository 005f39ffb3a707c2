"""The demo hospital looks like a hospital and keeps a correct ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import EASTERN, TESTER, build_into, demo_copy, migrated_sqlite

from rxsupply.adapters import queries, tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.dscsa import exceptions, reconciliation
from rxsupply.services.pricing import best_prices, contract_compliance
from rxsupply.services.purchasing import suggest_orders

END = date(2026, 11, 1)
CLOCK = FixedClock(datetime.combine(END, time(0), EASTERN), EASTERN)
"""Midnight of END in New York: the history ends the day before (as ``rxsupply demo --end``)."""


def _build(engine: Engine, *, days: int = 30, seed: int = 7) -> None:
    """The demo as ``rxsupply demo`` builds it (its receipts' EPCIS documents included)."""
    build_into(engine, clock=CLOCK, user=TESTER, seed=seed, days=days, documents=True)


@pytest.fixture(scope="module")
def twenty_days(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A 20-day demo on SQLite, built once for the tests that only read it."""
    path = tmp_path_factory.mktemp("demo-20") / "demo.db"
    engine = demo_copy(path, clock=CLOCK, user=TESTER, seed=7, days=20, documents=True)
    yield engine
    engine.dispose()


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


def test_the_same_seed_builds_the_same_hospital(twenty_days: Engine, tmp_path: Path) -> None:
    other = migrated_sqlite(tmp_path / "other.db")

    _build(other, days=20)

    def fingerprint(engine: Engine) -> tuple[object, ...]:
        m = tables.movement
        with engine.connect() as conn:
            kinds = conn.execute(
                select(m.c.kind, func.count(), func.sum(m.c.quantity)).group_by(m.c.kind)
            ).all()
            total = conn.execute(select(func.sum(tables.on_hand.c.quantity))).scalar_one()
            return (*kinds, total)

    assert fingerprint(twenty_days) == fingerprint(other)
    other.dispose()


def test_demo_pockets_never_hold_more_than_their_capacity(twenty_days: Engine) -> None:
    loc, oh = tables.location, tables.on_hand

    with twenty_days.connect() as conn:
        over = conn.execute(
            select(loc.c.code, loc.c.capacity, func.sum(oh.c.quantity))
            .join(oh, oh.c.location_id == loc.c.id)
            .where(loc.c.kind == "pocket")
            .group_by(loc.c.code, loc.c.capacity)
            .having(func.sum(oh.c.quantity) > loc.c.capacity)
        ).all()

    assert over == []


def test_demo_ndcs_use_labeler_codes_reserved_for_the_demo(twenty_days: Engine) -> None:
    from rxsupply.adapters.demo_catalogue import DEMO_LABELER_CODES

    with twenty_days.connect() as conn:
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
    twenty_days: Engine,
) -> None:
    from rxsupply.services.expiry_sweep import expired_pulls

    with SqlUnitOfWork(twenty_days, readonly=True) as uow:
        found = expired_pulls(uow, clock=CLOCK)

    shelf = {p.lot for p in found if not p.in_pocket}
    pockets = {p.location for p in found if p.in_pocket}
    assert len(shelf) == 5 and all(p.expiry < END for p in found)
    assert len(pockets) >= 3
    assert all(p.to_location == "F1-QUAR" for p in found)


def test_the_demo_s_recent_receipts_arrive_with_epcis_documents_and_leave_exceptions_open(
    twenty_days: Engine,
) -> None:
    with SqlUnitOfWork(twenty_days, readonly=True) as uow:
        found = exceptions.list_exceptions(uow, open_only=True)
        documents = uow.dscsa_documents.documents()
        orders = sorted({d.order_number for d in documents if d.order_number})
        groups = [reconciliation.order_reconciliation(uow, order=o).result for o in orders]

    assert sorted(e.kind.value for e in found) == [
        "expiry_mismatch",
        "lot_mismatch",
        "missing",
        "unexpected",
    ]
    assert len(orders) == 5
    assert sum(g.clean for g in groups) == 2
    assert sum(len(g.matched) for g in groups) == 21  # of the 24 shipped
    assert all(e.order_number in orders and e.steps[0].user == TESTER for e in found)


def test_the_demo_s_receipt_exceptions_quarantine_packages_only_after_they_arrive(
    twenty_days: Engine,
) -> None:
    status, package = tables.status_change, tables.serial_package
    held = (
        select(status.c.at, package.c.received_at)
        .join(package, package.c.id == status.c.package_id)
        .where(status.c.reason.like("DSCSA exception%"))
    )
    with twenty_days.connect() as conn:
        rows = conn.execute(held).all()

    assert len(rows) == 3  # unexpected, lot and expiry mismatch: packages received and held
    assert all(at >= received for at, received in rows)
