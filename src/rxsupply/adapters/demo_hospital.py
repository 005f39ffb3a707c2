"""A deterministic demo hospital: formulary, locations, two years of stock movements.

The demo is simulated, not sprinkled: every day each ADC pocket sees patient demand drawn from
its item's profile (most items slow and intermittent, a few high runners, weekday patterns,
flu season, trends), dispenses what it has (demand beyond the pocket's stock is lost: a
stock-out), is refilled up to its max from the storeroom each morning when at or below its
min, and the storeroom reorders from the wholesaler at contract prices when below its reorder
point, receiving new lots with expiries the next business day. A few products go on supplier
backorder for weeks, as real ones do. Every unit therefore moves through the same
:class:`~rxsupply.domain.stock.StockBook` the ledger uses, and ``rxsupply check`` holds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from rxsupply.adapters.demo_catalogue import DemoItem, demo_items
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Criticality, DEASchedule, Item, Product
from rxsupply.domain.stock import StockBook
from rxsupply.services.ports import PurchaseLine, UnitOfWork

WHOLESALER = "Demo Wholesale Drug Co"
SYSTEM = "DEMO"
LOCAL = ZoneInfo("America/New_York")

# Nursing units with their ADCs: (unit, area, ADC names). 30 ADCs per facility.
UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Emergency Department", "ED", ("ED-1", "ED-2", "ED-3", "ED-TRAUMA")),
    ("Medical ICU", "ICU", ("MICU-1", "MICU-2")),
    ("Surgical ICU", "ICU", ("SICU-1", "SICU-2")),
    ("Cardiovascular ICU", "ICU", ("CVICU-1",)),
    ("Operating Rooms", "OR", ("OR-1", "OR-2", "OR-3", "OR-4", "OR-5", "OR-6")),
    ("Post-Anesthesia Care", "OR", ("PACU-1",)),
    ("Labor and Delivery", "L&D", ("LD-1", "LD-2", "LD-3")),
    ("3 West Med-Surg", "MEDSURG", ("3W-1", "3W-2", "3W-3")),
    ("4 West Med-Surg", "MEDSURG", ("4W-1", "4W-2")),
    ("5 East Med-Surg", "MEDSURG", ("5E-1", "5E-2")),
    ("6 East Oncology", "MEDSURG", ("6E-1",)),
    ("7 North Telemetry", "MEDSURG", ("7N-1", "7N-2", "7N-3")),
)
# Mean units per day per ADC for each demand profile (before the price, weekday and season
# factors), drawn log-uniformly from the range.
RATES = {
    "high": (0.12, 0.6),
    "medium": (0.03, 0.12),
    "slow": (0.005, 0.025),
    "very-slow": (0.001, 0.004),
}
# Share of an area's ADCs that stock an item of each profile.
REACH = {"high": 0.6, "medium": 0.3, "slow": 0.12, "very-slow": 0.05}
# Cheap generics move in volume, costly drugs sparingly: rate x (MEDIAN_COST / unit cost)^0.6,
# kept within PRICE_FACTOR. This gives the Pareto value curve of a real formulary.
MEDIAN_COST = 3.0
PRICE_FACTOR = (0.2, 10.0)
AREA_WEEKEND = {"ED": 1.0, "ICU": 0.95, "OR": 0.25, "L&D": 0.9, "MEDSURG": 0.85}
LEAD_DAYS = 1
REVIEW_HOUR = 6


@dataclass(frozen=True, slots=True)
class DemoSummary:
    facilities: int
    items: int
    products: int
    locations: int
    pockets: int
    dispense_transactions: int
    movements: int
    purchase_lines: int
    stockout_days: int
    first_day: date
    last_day: date


@dataclass(slots=True)
class _Pocket:
    location_id: int
    item_index: int
    area: str
    rate: float
    min_level: int
    max_level: int
    code: str


@dataclass(slots=True)
class _Build:
    """Everything the simulation writes, kept in memory until the single bulk write."""

    movements: list[Movement] = field(default_factory=list)
    external_ids: list[str] = field(default_factory=list)
    purchases: list[PurchaseLine] = field(default_factory=list)
    stockout_days: int = 0


def _labeler_code(ndc: str) -> str:
    return ndc.split("-")[0]


class _Draws:
    """Random numbers drawn in blocks (one numpy call per 65,536 values, not one per use)."""

    def __init__(self, rng: np.random.Generator, hour_weights: np.ndarray) -> None:
        self.rng = rng
        self.p = hour_weights
        self._u: list[float] = []
        self._m: list[int] = []

    def uniform(self) -> float:
        if not self._u:
            self._u = self.rng.random(65_536).tolist()
        return self._u.pop()

    def minute(self) -> int:
        if not self._m:
            hours = self.rng.choice(24, size=65_536, p=self.p)
            self._m = (hours * 60 + self.rng.integers(0, 60, size=65_536)).tolist()
        return self._m.pop()


def build_demo(
    uow: UnitOfWork,
    *,
    today: date,
    seed: int = 7,
    facilities: int = 1,
    days: int = 730,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Write the demo hospital into an empty database (one transaction) and commit.

    ``today`` is the day after the last simulated day, so the history ends yesterday.
    """
    say = progress or (lambda _msg: None)
    catalogue = demo_items()
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=days)

    say("formulary")
    products: list[Product] = []
    product_item: list[int] = []
    for idx, it in enumerate(catalogue):
        for dp in it.products:
            products.append(
                Product(
                    ndc=NDC.parse(dp.ndc),
                    name=dp.name,
                    labeler=dp.labeler,
                    generic_name=it.generic_name,
                    strength=it.strength,
                    dosage_form=it.dosage_form,
                    route=it.route,
                    package_size=dp.package_size,
                    dispense_unit=it.dispense_unit,
                    package_description=dp.package_description,
                    dea_schedule=DEASchedule.parse(it.dea_schedule),
                    package_cost=dp.package_cost,
                )
            )
            product_item.append(idx)
    uow.products.save_many(products, source="demo")
    item_products: list[list[int]] = [[] for _ in catalogue]
    for prod, idx in zip(products, product_item, strict=True):
        assert prod.id is not None
        item_products[idx].append(prod.id)
    items = [
        Item(
            code=it.code,
            name=it.name,
            criticality=Criticality(it.criticality),
            product_ids=item_products[i],
        )
        for i, it in enumerate(catalogue)
    ]
    uow.items.save_many(items)
    product_by_id = {prod.id: prod for prod in products}

    say("locations")
    locations, pockets_spec = _locations(catalogue, rng, facilities)
    item_ids = {it.code: it.id for it in items if it.id is not None}
    uow.locations.save_many(locations, item_ids)
    loc_ids = uow.locations.ids_by_code()
    subtree = uow.locations.subtree()

    pockets = [
        _Pocket(
            location_id=loc_ids[code],
            item_index=idx,
            area=area,
            rate=rate,
            min_level=lo,
            max_level=hi,
            code=code,
        )
        for code, idx, area, rate, lo, hi in pockets_spec
    ]
    storerooms = {f: loc_ids[f"{_facility_code(f)}-STORE"] for f in range(facilities)}
    pocket_facility = [int(p.code.split("-")[0][1:]) - 1 for p in pockets]

    book = StockBook(subtree=subtree)
    build = _Build()
    lot_counter: dict[int, int] = defaultdict(int)
    lots: dict[tuple[int, str], tuple[int, date]] = {}

    def new_lot(product_id: int, day: date) -> int:
        """A lot with a realistic shelf life; lot ids are assigned later by the database, so
        here a lot is a negative placeholder id mapped after insertion."""
        lot_counter[product_id] += 1
        n = lot_counter[product_id]
        number = (
            f"{_labeler_code(str(product_by_id[product_id].ndc))[-3:]}{day:%y%m}"
            f"{chr(65 + (n % 26))}{n:03d}"
        )
        months = int(rng.integers(9, 37))
        expiry = _end_of_month(day, months)
        placeholder = -(len(lots) + 1)
        lots[(product_id, number)] = (placeholder, expiry)
        book.lot_expiry[placeholder] = expiry
        return placeholder

    # Demand matrix: pockets x days, Poisson counts around the item's profile.
    say("demand")
    demand = _demand(catalogue, pockets, start, days, rng)
    pocket_demand_mean = demand.mean(axis=1)

    # Storeroom policy per (facility, item): reorder point covers lead time + 4 days, order up
    # to ~14 days of the facility's demand, in whole packages of the primary product.
    fac_item_daily: dict[tuple[int, int], float] = defaultdict(float)
    for pi, p in enumerate(pockets):
        fac_item_daily[(pocket_facility[pi], p.item_index)] += float(pocket_demand_mean[pi])
    backorders = _backorders(catalogue, item_products, start, days, rng)

    say("opening stock")
    opening = datetime.combine(start - timedelta(days=1), time(9, 0), LOCAL).astimezone(UTC)
    for (fac, idx), daily in sorted(fac_item_daily.items()):
        pid = item_products[idx][0]
        size = product_by_id[pid].package_size
        units = max(size, math.ceil(daily * 21 / size) * size)
        lot = new_lot(pid, start - timedelta(days=60))
        m = Movement(
            kind=MovementKind.ADJUSTMENT,
            occurred_at=opening,
            product_id=pid,
            lot_id=lot,
            quantity=units,
            to_location_id=storerooms[fac],
            note="opening stock",
            external_id=f"demo-open:{fac}:{pid}",
        )
        book.apply(m)
        build.movements.append(m)
        build.external_ids.append(m.external_id or "")
    for pi, p in enumerate(pockets):
        _refill(
            book,
            build,
            p,
            storerooms[pocket_facility[pi]],
            item_products[p.item_index],
            opening + timedelta(minutes=30),
        )

    say("two years of days")
    level = np.array(
        [book.available(p.location_id, item_products[p.item_index]) for p in pockets],
        dtype=np.int64,
    )
    min_level = np.array([p.min_level for p in pockets], dtype=np.int64)
    pocket_of = {p.location_id: pi for pi, p in enumerate(pockets)}
    txn = 0
    pending: dict[tuple[int, int], tuple[date, int, int]] = {}
    hours = np.array(
        [
            0.6,
            0.4,
            0.3,
            0.3,
            0.4,
            0.7,
            1.2,
            1.8,
            2.4,
            2.2,
            1.9,
            1.6,
            1.5,
            1.6,
            1.5,
            1.4,
            1.4,
            1.6,
            1.8,
            2.0,
            2.1,
            1.7,
            1.2,
            0.8,
        ]
    )
    draws = _Draws(rng, hours / hours.sum())
    for d in range(days):
        day = start + timedelta(days=d)
        morning = datetime.combine(day, time(REVIEW_HOUR, 0), LOCAL).astimezone(UTC)
        day_end = datetime.combine(day, time(23, 59), LOCAL).astimezone(UTC)
        # 1. deliveries ordered earlier arrive at 10:00
        for (fac, pid), (due, packages, price_cents) in list(pending.items()):
            if due <= day:
                del pending[(fac, pid)]
                size = product_by_id[pid].package_size
                lot = new_lot(pid, day)
                when = datetime.combine(day, time(10, 0), LOCAL).astimezone(UTC)
                m = Movement(
                    kind=MovementKind.RECEIPT,
                    occurred_at=when,
                    product_id=pid,
                    lot_id=lot,
                    quantity=packages * size,
                    to_location_id=storerooms[fac],
                    reference=f"PO-{fac + 1}{day:%y%m%d}",
                    unit_cost=(Decimal(price_cents) / 100 / size).quantize(Decimal("0.0001")),
                )
                book.apply(m)
                build.movements.append(m)
                build.purchases.append(
                    PurchaseLine(
                        line_key=f"demo:{fac}:{pid}:{day.isoformat()}",
                        invoice_date=day,
                        invoice_number=f"DW{fac + 1}{day:%y%m%d}",
                        wholesaler=WHOLESALER,
                        product_id=pid,
                        packages=packages,
                        unit_price=(Decimal(price_cents) / 100).quantize(Decimal("0.01")),
                    )
                )
        # 2. morning refills of pockets at or below min
        for pi in np.flatnonzero(level <= min_level).tolist():
            p = pockets[pi]
            level[pi] += _refill(
                book,
                build,
                p,
                storerooms[pocket_facility[pi]],
                item_products[p.item_index],
                morning,
            )
        # 3. the day's dispenses, each transaction 1-2 units at a clock time
        todays = demand[:, d]
        for pi in np.flatnonzero(todays).tolist():
            p = pockets[pi]
            want = int(todays[pi])
            pids = item_products[p.item_index]
            serve = min(want, int(level[pi]))
            if serve < want:
                build.stockout_days += 1
            while serve > 0:
                qty = 1 if serve == 1 or draws.uniform() < 0.8 else 2
                serve -= qty
                level[pi] -= qty
                txn += 1
                minute = draws.minute()
                when = (
                    datetime.combine(day, time(0, 0), LOCAL) + timedelta(minutes=minute)
                ).astimezone(UTC)
                tid = f"txn:DEMO{txn:08d}"
                build.movements.extend(
                    book.issue(
                        kind=MovementKind.DISPENSE,
                        location_id=p.location_id,
                        product_ids=pids,
                        quantity=qty,
                        occurred_at=when,
                        external_id=tid,
                        user="adc",
                    )
                )
                build.external_ids.append(tid)
                if draws.uniform() < 0.012:  # the dose came back unused
                    level[pi] += qty
                    txn += 1
                    rid = f"txn:DEMO{txn:08d}"
                    build.movements.append(
                        book.put_back(
                            kind=MovementKind.PATIENT_RETURN,
                            location_id=p.location_id,
                            product_ids=pids,
                            quantity=qty,
                            occurred_at=min(when + timedelta(hours=2), day_end),
                            external_id=rid,
                            user="adc",
                        )
                    )
                    build.external_ids.append(rid)
        # 4. end of day: the storeroom reorders what fell below its reorder point
        for (fac, idx), daily in fac_item_daily.items():
            pids = item_products[idx]
            store = storerooms[fac]
            on_hand = book.available(store, pids)
            rop = daily * (LEAD_DAYS + 4) + 1
            if on_hand > rop:
                continue
            buy = _buy_product(pids, day, backorders, rng)
            if buy is None or (fac, buy) in pending:
                continue
            size = product_by_id[buy].package_size
            up_to = daily * 14 + 1
            packages = max(1, math.ceil((up_to - on_hand) / size))
            cost = product_by_id[buy].package_cost or Decimal("1")
            price = int((cost * 100).to_integral_value())
            due = day + timedelta(days=LEAD_DAYS + (2 if day.weekday() >= 4 else 0))
            pending[(fac, buy)] = (due, packages, price)
        # 5. month end: expired units in pockets are wasted
        if (day + timedelta(days=1)).day == 1:
            for loc, qty in _waste_expired(book, build, day):
                if loc in pocket_of:
                    level[pocket_of[loc]] -= qty

    say("writing")
    lot_ids = uow.lots.ensure_many([(pid, number, exp) for (pid, number), (_, exp) in lots.items()])
    real = {placeholder: lot_ids[(pid, number)] for (pid, number), (placeholder, _) in lots.items()}
    for m in build.movements:
        m.lot_id = real[m.lot_id]
    deltas: dict[tuple[int, int, int], int] = defaultdict(int)
    for key, qty in book.deltas.items():
        deltas[(key[0], key[1], real[key[2]])] += qty
    now = datetime.combine(today, time(0, 0), LOCAL).astimezone(UTC)
    uow.ledger.write(build.movements, deltas, now=now, external_ids=build.external_ids)
    uow.purchases.save_many(build.purchases)
    settings = [
        StockLevel(
            location_id=p.location_id,
            item_id=items[p.item_index].id or 0,
            min_level=p.min_level,
            max_level=p.max_level,
            lead_time_days=1,
            review_period_days=1,
        )
        for p in pockets
    ]
    for (fac, idx), daily in sorted(fac_item_daily.items()):
        settings.append(
            StockLevel(
                location_id=storerooms[fac],
                item_id=items[idx].id or 0,
                min_level=math.floor(daily * (LEAD_DAYS + 4) + 1),
                max_level=math.ceil(daily * 14 + 1),
                lead_time_days=LEAD_DAYS,
                review_period_days=1,
            )
        )
    uow.stock_levels.save_many(settings, now=now, user="demo")
    uow.commit()
    return DemoSummary(
        facilities=facilities,
        items=len(items),
        products=len(products),
        locations=len(locations),
        pockets=len(pockets),
        dispense_transactions=txn,
        movements=len(build.movements),
        purchase_lines=len(build.purchases),
        stockout_days=build.stockout_days,
        first_day=start,
        last_day=today - timedelta(days=1),
    )


def _facility_code(f: int) -> str:
    return f"F{f + 1}"


def _locations(
    catalogue: tuple[DemoItem, ...], rng: np.random.Generator, facilities: int
) -> tuple[list[Location], list[tuple[str, int, str, float, int, int]]]:
    """The tree and, for each pocket: code, item index, area, mean daily units, min, max."""
    out = [Location(code=SYSTEM, name="Demo Health System", kind=LocationKind.SYSTEM)]
    pockets: list[tuple[str, int, str, float, int, int]] = []
    by_area: dict[str, list[int]] = defaultdict(list)
    for idx, it in enumerate(catalogue):
        areas = it.areas if "ALL" not in it.areas else ("ED", "ICU", "OR", "L&D", "MEDSURG")
        for a in areas:
            by_area[a].append(idx)
    names = [
        "Demo General Hospital",
        "Demo Community Hospital",
        "Demo Children's Hospital",
        "Demo Heart Institute",
        "Demo Regional Medical Center",
    ]
    for f in range(facilities):
        fc = _facility_code(f)
        fname = names[f] if f < len(names) else f"Demo Hospital {f + 1}"
        out.append(Location(code=fc, name=fname, kind=LocationKind.FACILITY, parent_code=SYSTEM))
        out.append(
            Location(
                code=f"{fc}-STORE",
                name="Main pharmacy storeroom",
                kind=LocationKind.STOREROOM,
                parent_code=fc,
            )
        )
        out.append(
            Location(
                code=f"{fc}-OR-SAT",
                name="OR satellite pharmacy",
                kind=LocationKind.SATELLITE,
                parent_code=fc,
                unit="OR",
            )
        )
        out.append(
            Location(
                code=f"{fc}-ICU-SAT",
                name="Critical care satellite pharmacy",
                kind=LocationKind.SATELLITE,
                parent_code=fc,
                unit="ICU",
            )
        )
        for unit, area, adcs in UNITS:
            for adc in adcs:
                code = f"{fc}-{adc}"
                out.append(
                    Location(
                        code=code,
                        name=f"{unit} ADC {adc}",
                        kind=LocationKind.ADC,
                        parent_code=fc,
                        unit=area,
                    )
                )
                n = 0
                for idx in by_area[area]:
                    it = catalogue[idx]
                    if rng.random() > REACH[it.demand]:
                        continue
                    lo_rate, hi_rate = RATES[it.demand]
                    rate = float(np.exp(rng.uniform(np.log(lo_rate), np.log(hi_rate))))
                    rate *= 0.5 if area == "OR" and it.demand == "high" else 1.0
                    price = (MEDIAN_COST / max(float(it.unit_cost), 0.001)) ** 0.6
                    rate *= min(PRICE_FACTOR[1], max(PRICE_FACTOR[0], price))
                    max_level = max(2, math.ceil(rate * 5 + 2 * math.sqrt(rate * 5) + 1))
                    min_level = max(1, math.ceil(rate * 1.5))
                    if it.criticality == "vital":
                        min_level, max_level = max(min_level, 2), max(max_level, 4)
                    capacity = _pocket_capacity(max_level)
                    n += 1
                    pcode = f"{code}-P{n:03d}"
                    out.append(
                        Location(
                            code=pcode,
                            name=f"{adc} pocket {n} {it.name}",
                            kind=LocationKind.POCKET,
                            parent_code=code,
                            capacity=capacity,
                            item_code=it.code,
                            unit=area,
                        )
                    )
                    pockets.append((pcode, idx, area, rate, min_level, min(max_level, capacity)))
    return out, pockets


def _pocket_capacity(max_level: int) -> int:
    for size in (5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 300, 500):
        if max_level <= size:
            return size
    return max_level


def _demand(
    catalogue: tuple[DemoItem, ...],
    pockets: list[_Pocket],
    start: date,
    days: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Units demanded per pocket per day: Poisson(rate x weekday x season x trend), lumpy for
    slow items (an order often takes several units at once)."""
    day_index = np.arange(days)
    dates = [start + timedelta(days=int(d)) for d in day_index]
    weekday = np.array([d.weekday() for d in dates])
    doy = np.array([d.timetuple().tm_yday for d in dates])
    # flu season: peak mid-January, low in summer
    season = 1.0 + 1.4 * np.clip(np.cos(2 * np.pi * (doy - 15) / 365.25), 0, None) ** 2
    out = np.zeros((len(pockets), days), dtype=np.int32)
    for pi, p in enumerate(pockets):
        it = catalogue[p.item_index]
        weekend = AREA_WEEKEND[p.area]
        factor = np.where(weekday >= 5, weekend, 1.0)
        if it.seasonal:
            factor = factor * season
        if it.trend == "up":
            factor = factor * np.linspace(0.6, 1.5, days)
        elif it.trend == "down":
            factor = factor * np.linspace(1.4, 0.5, days)
        lam = p.rate * factor
        if it.demand in ("slow", "very-slow"):
            events = rng.poisson(lam / 1.8)
            sizes = np.where(events > 0, rng.geometric(1 / 1.8, size=days), 0)
            out[pi] = events * sizes
        else:
            out[pi] = rng.poisson(lam)
    return out


def _backorders(
    catalogue: tuple[DemoItem, ...],
    item_products: list[list[int]],
    start: date,
    days: int,
    rng: np.random.Generator,
) -> dict[int, tuple[date, date]]:
    """A few primary products on supplier backorder for 3-8 weeks (shorter in a short demo)."""
    out: dict[int, tuple[date, date]] = {}
    candidates = [i for i, it in enumerate(catalogue) if it.demand in ("high", "medium")]
    first, last = min(60, days // 4), max(min(60, days // 4) + 1, days - 90)
    longest = max(2, min(57, days // 3))
    for idx in rng.choice(candidates, size=min(12, len(candidates)), replace=False):
        begin = start + timedelta(days=int(rng.integers(first, last)))
        length = int(rng.integers(min(21, longest - 1), longest))
        out[item_products[int(idx)][0]] = (begin, begin + timedelta(days=length))
    return out


def _buy_product(
    pids: list[int], day: date, backorders: dict[int, tuple[date, date]], rng: np.random.Generator
) -> int | None:
    """The primary product unless it is on backorder (then an alternate, if the item has
    one); one order in ten goes to an alternate anyway (contract switches, availability)."""
    usable = [
        p for p in pids if not (p in backorders and backorders[p][0] <= day <= backorders[p][1])
    ]
    if not usable:
        return None
    if len(usable) > 1 and rng.random() < 0.1:
        return usable[1]
    return usable[0]


def _refill(
    book: StockBook, build: _Build, p: _Pocket, store: int, pids: list[int], when: datetime
) -> int:
    """Top the pocket up to its max from the storeroom (as far as the storeroom has stock);
    returns the units moved."""
    need = p.max_level - book.available(p.location_id, pids)
    take = min(need, book.available(store, pids))
    if take <= 0:
        return 0
    build.movements.extend(
        book.issue(
            kind=MovementKind.REFILL,
            location_id=store,
            product_ids=pids,
            quantity=take,
            occurred_at=when,
            to_location_id=p.location_id,
            user="technician",
        )
    )
    return take


def _waste_expired(book: StockBook, build: _Build, day: date) -> list[tuple[int, int]]:
    """Waste every unit whose lot has expired; returns (location, units) wasted."""
    when = datetime.combine(day, time(18, 0), LOCAL).astimezone(UTC)
    wasted: list[tuple[int, int]] = []
    for key, qty in list(book.on_hand.items()):
        expiry = book.lot_expiry.get(key[2])
        if qty > 0 and expiry is not None and expiry <= day:
            m = Movement(
                kind=MovementKind.WASTE,
                occurred_at=when,
                product_id=key[1],
                lot_id=key[2],
                quantity=qty,
                from_location_id=key[0],
                note="expired",
                user="technician",
            )
            book.apply(m)
            build.movements.append(m)
            wasted.append((key[0], qty))
    return wasted


def _end_of_month(day: date, months_ahead: int) -> date:
    month = day.month - 1 + months_ahead
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)
