"""The stress test, the run-out projection and the sole-source risk on hand-built hospitals with
known answers (a fake reader stands for the database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, cast

import pytest

from rxsupply.domain.clock import FixedClock
from rxsupply.errors import InvalidValue, NotFound, UnknownItem
from rxsupply.services.outlook import project_items
from rxsupply.services.ports.outlook import (
    ItemSources,
    OrderBatch,
    OutlookItem,
    StockBatch,
    Supplier,
)
from rxsupply.services.ports.storage import UnitOfWork
from rxsupply.services.stress_test import stress_test, supply_risk

TODAY = date(2026, 12, 1)
CLOCK = FixedClock(datetime(2026, 12, 1, 12, tzinfo=UTC), UTC)


@dataclass
class FakeOutlook:
    items_: list[OutlookItem]
    use: dict[int, int]
    stock_: list[StockBatch] = field(default_factory=list)
    orders_: list[OrderBatch] = field(default_factory=list)
    sources_: dict[int, ItemSources] = field(default_factory=dict)
    suppliers_: list[Supplier] = field(default_factory=list)

    def items(self, codes: Sequence[str] | None = None) -> list[OutlookItem]:
        return [i for i in self.items_ if codes is None or i.code in codes]

    def stock(
        self, item_ids: Sequence[int], *, today: date, as_of: datetime | None = None
    ) -> list[StockBatch]:
        return [b for b in self.stock_ if b.item_id in item_ids]

    def orders(self, item_ids: Sequence[int]) -> list[OrderBatch]:
        return [o for o in self.orders_ if o.item_id in item_ids]

    def daily_use(
        self, item_ids: Sequence[int], *, zone: tzinfo, first: date, last: date
    ) -> dict[int, list[int]]:
        return {i: [self.use[i]] * ((last - first).days + 1) for i in item_ids}

    def sources(self, item_ids: Sequence[int], *, since: date) -> dict[int, ItemSources]:
        return {i: self.sources_.get(i, ItemSources()) for i in item_ids}

    def suppliers(self) -> list[Supplier]:
        return self.suppliers_


@dataclass
class FakePrices:
    primary: str | None = None

    def primary_wholesaler(self) -> str | None:
        return self.primary


@dataclass
class FakeUow:
    outlook: FakeOutlook
    prices: Any = field(default_factory=FakePrices)


def item(id_: int, code: str, criticality: str = "essential", cost: str = "2.00") -> OutlookItem:
    return OutlookItem(
        id=id_,
        code=code,
        name=f"{code} vial",
        criticality=criticality,
        unit_cost=Decimal(cost),
        lead_time_days=2,
    )


ACME = Supplier(name="Acme Pharma", kind="manufacturer")
OTHER = Supplier(name="Other Labs", kind="manufacturer")
WHOLESALER = Supplier(name="Main Wholesale", kind="wholesaler")
GPO = Supplier(name="Buying Group", kind="gpo")


def one_item_hospital() -> FakeUow:
    """One item made by Acme alone, 10 vials a day, 100 on hand: day 10 is the first short."""
    return FakeUow(
        FakeOutlook(
            items_=[item(1, "HEP"), item(2, "APAP")],
            use={1: 10, 2: 5},
            stock_=[
                StockBatch(item_id=1, units=100, expiry=None, manufacturer="Acme Pharma"),
                StockBatch(item_id=2, units=50, expiry=None, manufacturer="Other Labs"),
            ],
            sources_={
                1: ItemSources(frozenset({"Acme Pharma"}), frozenset({"Main Wholesale"})),
                2: ItemSources(
                    frozenset({"Acme Pharma", "Other Labs"}), frozenset({"Main Wholesale"})
                ),
            },
            suppliers_=[ACME, OTHER, WHOLESALER, GPO],
        )
    )


def run(fake: FakeUow, **kwargs: Any) -> Any:
    return stress_test(cast(UnitOfWork, fake), clock=CLOCK, paths=50, **kwargs)


def test_a_sole_source_item_with_ten_days_of_stock_runs_out_on_day_ten_of_a_30_day_outage() -> None:
    found = run(one_item_hospital(), supplier="acme  pharma", days=30)

    assert (found.supplier, found.kind, found.items_checked) == ("Acme Pharma", "manufacturer", 2)
    assert [r.item for r in found.rows] == ["HEP"]  # APAP has another manufacturer
    row = found.rows[0]
    assert row.probability == 1.0
    assert row.stockout_median == row.stockout_p10 == TODAY + timedelta(days=10)
    # 30 days of outage and 2 of lead time: 320 vials needed, 100 on hand
    assert row.units_short == 220
    assert row.extra_units == 220
    assert row.extra_cost == Decimal("440.00")
    assert found.resumes == TODAY + timedelta(days=30)


def test_an_outage_shorter_than_the_stock_lasts_hits_the_item_without_a_stock_out() -> None:
    found = run(one_item_hospital(), supplier="Acme Pharma", days=5)

    row = found.rows[0]
    assert (row.probability, row.stockout_median, row.extra_units) == (0.0, None, 0)


def test_an_outage_starting_later_counts_from_its_first_day_and_lots_expiring_before_are_lost() -> (
    None
):
    fake = one_item_hospital()
    fake.outlook.stock_.append(
        StockBatch(item_id=1, units=40, expiry=TODAY + timedelta(days=12), manufacturer="Acme")
    )

    found = run(fake, supplier="Acme Pharma", days=30, start=TODAY + timedelta(days=14))

    # the 40 vials expire before the outage starts: the 100 last 10 days from its first day
    assert found.rows[0].stockout_median == TODAY + timedelta(days=24)


def test_an_open_order_from_another_supplier_still_comes_but_not_one_from_the_supplier_out() -> (
    None
):
    fake = one_item_hospital()
    fake.outlook.orders_ = [
        OrderBatch(1, 50, "PO1", "Main Wholesale", TODAY, "Acme Pharma"),
        OrderBatch(1, 50, "PO2", "Main Wholesale", TODAY, "Other Labs"),
    ]

    found = run(fake, supplier="Acme Pharma", days=30)

    # PO2 arrives on day 2 (lead time) and adds 5 days: short from day 15
    assert found.rows[0].stockout_median == TODAY + timedelta(days=15)


def test_a_wholesaler_out_hits_items_bought_only_from_it() -> None:
    fake = one_item_hospital()
    fake.outlook.sources_[2] = ItemSources(frozenset({"Other Labs"}), frozenset())
    fake.prices = FakePrices(primary="Main Wholesale")

    found = run(fake, supplier="Main Wholesale", days=3)

    assert [(r.item, r.why.split(";")[0]) for r in found.rows] == [
        ("APAP", "no purchase or offer on record"),
        ("HEP", "bought only from Main Wholesale and offered by no other wholesaler"),
    ]


def test_an_unknown_supplier_a_purchasing_group_and_a_silly_outage_are_refused() -> None:
    with pytest.raises(NotFound, match="did you mean Acme Pharma"):
        run(one_item_hospital(), supplier="acme", days=30)
    with pytest.raises(InvalidValue, match="purchasing group sells nothing"):
        run(one_item_hospital(), supplier="Buying Group", days=30)
    with pytest.raises(InvalidValue, match="1 to 365 days"):
        run(one_item_hospital(), supplier="Acme Pharma", days=0)


def test_the_projection_gives_days_of_supply_and_the_stock_out_dates() -> None:
    found = project_items(
        cast(UnitOfWork, one_item_hospital()), items=["HEP"], clock=CLOCK, paths=20
    )

    assert [(o.item, o.on_hand, o.days_of_supply) for o in found] == [("HEP", 100, 10.0)]
    assert found[0].projected_stockout == found[0].projected_stockout_p10 == date(2026, 12, 11)
    assert found[0].stockout_probability_30 == 1.0
    with pytest.raises(UnknownItem):
        project_items(cast(UnitOfWork, one_item_hospital()), items=["NOPE"], clock=CLOCK)


def test_sole_source_risk_adds_its_points_and_buffers_vital_single_source_items() -> None:
    fake = one_item_hospital()
    fake.outlook.items_[0] = item(1, "HEP", criticality="vital")

    found = {r.item: r for r in supply_risk(cast(UnitOfWork, fake), clock=CLOCK, paths=20)}

    hep, apap = found["HEP"], found["APAP"]
    # one manufacturer 50, one wholesaler 25, 10 days of supply: under 14, 15; vital x 1.0
    assert (hep.score, hep.reasons) == (
        90,
        ["one manufacturer", "one wholesaler", "under 14 days of supply on hand"],
    )
    # a 30-day outage and 2 days of lead time at 10 a day: 320 vials, 100 on hand
    assert (hep.buffer_units, hep.buffer_cost) == (220, Decimal("440.00"))
    # two manufacturers 25, one wholesaler 25, 10 days: 15; essential x 0.7
    assert (apap.score, apap.buffer_units) == (round(65 * 0.7), None)
