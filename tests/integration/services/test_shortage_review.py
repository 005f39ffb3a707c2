"""A shortage's review on each database, on a hand-built case with a known answer: ondansetron
is short from 2026-11-01 to 2026-11-20; its best eligible price is the contract's 15.00 a
25-vial tray (0.60 a vial). Bought during the shortage: 5 cartons of 10 from the secondary
wholesaler at 8.40 (0.84 a vial: 12.00 extra), 2 trays at the catalogue's 18.75 (0.75 a
vial: 7.50 extra), 2 trays at the contract price (nothing extra); a carton bought before it
began does not count. Extra spend: 19.50."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import CLOCK, EASTERN, TESTER, priced_storeroom

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services import conservation, shortages
from rxsupply.services.ports import PurchaseLine
from rxsupply.services.shortage_review import review_shortage

TRAY, CARTON = "98765-401-02", "98765-402-10"
BOUGHT = [
    (date(2026, 10, 20), "Example Wholesale Drug Co", CARTON, 3, "8.90"),  # before: left out
    (date(2026, 11, 10), "Backup Pharma Supply", CARTON, 5, "8.40"),
    (date(2026, 11, 12), "Example Wholesale Drug Co", TRAY, 2, "18.75"),
    (date(2026, 11, 15), "Example Wholesale Drug Co", TRAY, 2, "15.00"),
]


def test_the_review_sums_what_was_paid_above_the_best_eligible_price(hospital: Engine) -> None:
    priced_storeroom(hospital, {})
    with SqlUnitOfWork(hospital) as uow:
        ids = uow.products.ids_by("ndc", [TRAY, CARTON])
        uow.purchases.save_many(
            [
                PurchaseLine(f"t{n}", day, f"INV-{n}", who, ids[ndc], packages, Decimal(price))
                for n, (day, who, ndc, packages, price) in enumerate(BOUGHT)
            ]
        )
        uow.commit()
    began = FixedClock(datetime(2026, 11, 1, 15, tzinfo=UTC), EASTERN)
    with SqlUnitOfWork(hospital) as uow:
        found = shortages.add_shortage(
            uow, item="ONDA4INJ", reason="backorder", user=TESTER, clock=began
        )
        sid = found.id or 0
        conservation.restrict_item(
            uow, shortage_id=sid, item="ONDA4INJ", text="ICU only", user=TESTER, clock=began
        )
    with SqlUnitOfWork(hospital) as uow:
        shortages.resolve_shortage(uow, shortage_id=sid, user=TESTER, clock=CLOCK)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        review = review_shortage(uow, shortage_id=sid, clock=CLOCK)

    assert (review.start, review.end, review.days, review.ongoing) == (
        date(2026, 11, 1),
        date(2026, 11, 20),
        20,
        False,
    )
    assert review.extra_spend == Decimal("19.50")
    assert review.spend == Decimal("109.50")
    assert [(ln.line.invoice_number, ln.extra) for ln in review.lines] == [
        ("INV-1", Decimal("12.00")),
        ("INV-2", Decimal("7.50")),
    ]
    out = review.as_dict()
    assert (out["extra_spend"], out["settings_in_force"], out["resolved_on"]) == (
        "19.50",
        1,
        "2026-11-20",
    )
    assert [a.kind.value for a in review.actions] == ["restrict"]
