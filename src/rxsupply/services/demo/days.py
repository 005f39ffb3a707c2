"""Two years of the demo hospital's days, posted through the ledger's one path.

Every day: deliveries ordered earlier arrive at the storeroom (receipts of new lots with
expiries); pockets at or below their min are refilled to their max from the storeroom at 06:00;
the day's patient demand is dispensed from each pocket in 1-2 unit transactions through the
day (what a pocket cannot give is a stock-out, served elsewhere), a few doses come back; the
storeroom reorders what fell below its reorder point; at month end expired units are wasted.
Each of these is a ledger command (:class:`~rxsupply.services.ledger.Receive`, ``Move``,
``Dispense``, ``Adjust``) applied by a :class:`~rxsupply.services.ledger.Bulk` in time order,
so the demo gets the checks every face gets: usable stock only, earliest expiry first, pocket
capacity, lengths and bounds. The build reads the same stock book between commands to decide
its refills and reorders.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

import numpy as np

from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.product import Product
from rxsupply.services.demo.demand import Draws, end_of_month, product_to_buy
from rxsupply.services.demo.tree import LEAD_DAYS, DemoPocket
from rxsupply.services.ledger import Adjust, Bulk, Dispense, Move, Receive
from rxsupply.services.ports import PurchaseLine

WHOLESALER = "Demo Wholesale Drug Co"
REVIEW_HOUR = 6
TECHNICIAN = "tech"  # the demo's technician login refills and wastes
ADC = "adc"  # the cabinets' interface reports dispenses and returns


@dataclass(slots=True)
class Hospital:
    """What the simulation knows of the demo hospital, by index and by code."""

    products: dict[int, Product]
    item_products: list[list[int]]
    item_codes: list[str]
    pockets: list[DemoPocket]
    pocket_facility: list[int]
    storerooms: dict[int, str]  # facility -> storeroom code
    store_ids: dict[int, int]
    codes: dict[int, str]  # location id -> code
    zone: tzinfo


@dataclass(slots=True)
class Days:
    """The day-by-day simulation of one demo build."""

    bulk: Bulk
    hospital: Hospital
    rng: np.random.Generator
    user: str
    purchases: list[PurchaseLine] = field(default_factory=list)
    stockout_days: int = 0
    transactions: int = 0
    lots: dict[int, str] = field(default_factory=dict)  # lot id -> lot number
    _counter: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.hospital.zone).astimezone(UTC)

    def usable(self, location_id: int, item_index: int, day: date) -> int:
        book = self.bulk.stock
        assert book is not None
        pids = self.hospital.item_products[item_index]
        return book.book.available(location_id, pids, on=day)

    def new_lot(self, product_id: int, day: date) -> tuple[str, date]:
        """A lot number and an expiry 6 to 24 months out (end of month)."""
        self._counter[product_id] += 1
        n = self._counter[product_id]
        labeler = str(self.hospital.products[product_id].ndc).split("-")[0][-3:]
        number = f"{labeler}{day:%y%m}{chr(65 + (n % 26))}{n:03d}"
        return number, end_of_month(day, int(self.rng.integers(6, 25)))

    def open_stock(self, facility: int, product_id: int, units: int, day: date) -> None:
        number, expiry = self.new_lot(product_id, day - timedelta(days=60))
        done = self.bulk.apply(
            Adjust(
                user=self.user,
                location=self.hospital.storerooms[facility],
                product=str(self.hospital.products[product_id].ndc),
                lot=number,
                quantity=units,
                reason="opening stock",
                opening=True,
                expiry=expiry,
                occurred_at=self.at(day - timedelta(days=1), 9),
                external_id=ExternalId("demo-open", f"{facility}:{product_id}"),
            )
        )
        self.lots[done.movements[0].lot_id] = number

    def receive(self, facility: int, product_id: int, packages: int, cents: int, day: date) -> None:
        product = self.hospital.products[product_id]
        number, expiry = self.new_lot(product_id, day)
        size = product.package_size
        done = self.bulk.apply(
            Receive(
                user=self.user,
                location=self.hospital.storerooms[facility],
                product=str(product.ndc),
                lot=number,
                expiry=expiry,
                quantity=packages * size,
                reference=f"PO-{facility + 1}{day:%y%m%d}",
                unit_cost=(Decimal(cents) / 100 / size).quantize(Decimal("0.0001")),
                occurred_at=self.at(day, 10),
            )
        )
        self.lots[done.movements[0].lot_id] = number
        self.purchases.append(
            PurchaseLine(
                line_key=f"demo:{facility}:{product_id}:{day.isoformat()}",
                invoice_date=day,
                invoice_number=f"DW{facility + 1}{day:%y%m%d}",
                wholesaler=WHOLESALER,
                product_id=product_id,
                packages=packages,
                unit_price=(Decimal(cents) / 100).quantize(Decimal("0.01")),
            )
        )

    def refill(self, pi: int, when: datetime, day: date, *, have: int | None = None) -> int:
        """Top the pocket up to its max from the storeroom, as far as the storeroom has usable
        stock; the units moved. ``have``: the pocket's usable stock, when the caller knows it."""
        h = self.hospital
        p = h.pockets[pi]
        store = h.store_ids[h.pocket_facility[pi]]
        if have is None:
            have = self.usable(p.location_id, p.item_index, day)
        need = p.max_level - have
        take = min(need, self.usable(store, p.item_index, day))
        if take <= 0:
            return 0
        self.bulk.apply(
            Move(
                user=TECHNICIAN,
                from_location=h.storerooms[h.pocket_facility[pi]],
                to_location=p.code,
                item=h.item_codes[p.item_index],
                quantity=take,
                refill=True,
                occurred_at=when,
            )
        )
        return take

    def dispense_day(self, pi: int, want: int, day: date, draws: Draws, *, have: int) -> int:
        """The pocket's demand of the day: 1-2 unit transactions at clock times; what it cannot
        give is a stock-out day. ``have``: the pocket's usable stock; returns it after the day."""
        h = self.hospital
        p = h.pockets[pi]
        serve = min(want, have)
        have -= serve
        if serve < want:
            self.stockout_days += 1
        day_end = self.at(day, 23, 59)
        midnight = datetime.combine(day, time(0, 0), h.zone)
        item = h.item_codes[p.item_index]
        while serve > 0:
            qty = 1 if serve == 1 or draws.uniform() < 0.8 else 2
            serve -= qty
            self.transactions += 1
            when = (midnight + timedelta(minutes=draws.minute())).astimezone(UTC)
            self.bulk.apply(
                Dispense(
                    user=ADC,
                    location=p.code,
                    quantity=qty,
                    item=item,
                    occurred_at=when,
                    external_id=ExternalId("txn", f"DEMO{self.transactions:08d}"),
                )
            )
            if draws.uniform() < 0.012:  # the dose came back unused
                have += qty
                self.transactions += 1
                self.bulk.apply(
                    Dispense(
                        user=ADC,
                        location=p.code,
                        quantity=qty,
                        item=item,
                        kind=MovementKind.PATIENT_RETURN,
                        occurred_at=min(when + timedelta(hours=2), day_end),
                        external_id=ExternalId("txn", f"DEMO{self.transactions:08d}"),
                    )
                )
        return have

    def reorder_point_reached(self, fac: int, idx: int, daily: float, day: date) -> float | None:
        """The storeroom's usable stock of an item when it is at or below its reorder point."""
        on_hand = self.usable(self.hospital.store_ids[fac], idx, day)
        return None if on_hand > daily * (LEAD_DAYS + 4) + 1 else float(on_hand)

    def waste_expired(self, day: date) -> None:
        """Month end: every unit of a lot expiring by today is wasted where it is."""
        stock = self.bulk.stock
        assert stock is not None
        book = stock.book
        when = self.at(day, 18)
        for key, qty in sorted(book.on_hand.items()):
            expiry = book.lot_expiry.get(key[2])
            if qty <= 0 or expiry is None or expiry > day:
                continue
            self.bulk.apply(
                Dispense(
                    user=TECHNICIAN,
                    location=self.hospital.codes[key[0]],
                    quantity=qty,
                    product=str(self.hospital.products[key[1]].ndc),
                    lot=self.lots[key[2]],
                    kind=MovementKind.WASTE,
                    note="expired",
                    occurred_at=when,
                )
            )


def order(
    days: Days,
    fac_item_daily: dict[tuple[int, int], float],
    pending: dict[tuple[int, int], tuple[date, int, int]],
    backorders: dict[int, tuple[date, date]],
    day: date,
) -> None:
    """End of day: the storeroom orders what fell below its reorder point, up to 14 days of
    use, in whole packages of the product it can buy."""
    h = days.hospital
    for (fac, idx), daily in fac_item_daily.items():
        on_hand = days.reorder_point_reached(fac, idx, daily, day)
        if on_hand is None:
            continue
        pids: Sequence[int] = h.item_products[idx]
        buy = product_to_buy(list(pids), day, backorders, days.rng)
        if buy is None or (fac, buy) in pending:
            continue
        product = h.products[buy]
        packages = max(1, math.ceil((daily * 14 + 1 - on_hand) / product.package_size))
        price = int(((product.package_cost or Decimal("1")) * 100).to_integral_value())
        due = day + timedelta(days=LEAD_DAYS + (2 if day.weekday() >= 4 else 0))
        pending[(fac, buy)] = (due, packages, price)
