"""The demo's returns on a short demo (45 days, so its batches are 20 and 10 days old rather than
100 days and five weeks): a policy for every labeler, refrigerated injectables, an older batch
still owed and a recent one whose credit memo came back partly matching, so the reconciliation
and the aging have data, and an open batch for disposal (a refrigerated lot quarantined after
a temperature excursion) so a waste-stream manifest has a line; the ledger stays equal to the
on-hand."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import EASTERN, TESTER

from rxsupply.adapters import queries
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services import returns
from rxsupply.services.demo import build_demo
from rxsupply.services.demo.returns import seed_returns

END = date(2026, 11, 1)
CLOCK = FixedClock(datetime.combine(END, time(0), EASTERN), EASTERN)


def test_the_demo_has_policies_refrigerated_products_and_a_memo_to_reconcile(
    sqlite_engine: Engine,
) -> None:
    with SqlUnitOfWork(sqlite_engine) as uow:
        build_demo(uow, demo_items(), clock=CLOCK, user=TESTER, seed=7, days=45)

    with SqlUnitOfWork(sqlite_engine) as uow:
        done = seed_returns(uow, clock=CLOCK, user=TESTER, older_days=20, recent_days=10)
    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        labelers = uow.returns.labelers()
        policies = returns.list_return_policies(uow)
        reconciled = returns.reconcile_batch(uow, batch=done.batches[-1])
        aging = returns.credit_aging(uow, clock=CLOCK)
        disposal = returns.find_batch(uow, done.disposal)
    with sqlite_engine.connect() as conn:
        differences = queries.check_rows(conn)

    assert sorted(p.labeler for p in policies) == labelers and len(labelers) == 10
    assert done.refrigerated > 0
    assert reconciled["totals"]["lines"]["short_paid"] == 1
    assert reconciled["totals"]["lines"]["not_credited"] == 1
    assert reconciled["totals"]["lines"]["not_shipped"] == 1
    assert [(b["batch"], b["days"]) for b in aging["batches"]] == [
        (done.batches[0], 20),
        (done.batches[1], 10),
    ]
    assert differences == []
    # the open disposal: a refrigerated lot after a temperature excursion, on the shelf
    [line] = disposal.lines
    assert (disposal.status.value, line.stream.value, line.expected_credit) == (
        "open",
        "non_hazardous",
        Decimal("0.00"),
    )
    assert "takes no refrigerated products back" in line.reason
    assert returns.manifest(disposal, "non_hazardous")[0]["quantity"] == line.quantity > 0
