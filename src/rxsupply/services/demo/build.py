"""Building the demo hospital: formulary, locations, settings and two years of days.

The demo is simulated, not sprinkled: every day each ADC pocket sees patient demand drawn from
its item's profile, dispenses what it has, is refilled each morning when at or below its min,
and the storeroom reorders from the wholesaler at contract prices, receiving new lots with
expiries; a few products go on supplier backorder for weeks, as real ones do. Every unit moves
through the ledger's one path (:mod:`rxsupply.services.demo.days`), so ``rxsupply check``
holds and the history obeys the rules every face obeys.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from rxsupply.domain.clock import Clock
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Criticality, DEASchedule, Item, Product
from rxsupply.services import shortages
from rxsupply.services.audit import entry
from rxsupply.services.demo.days import REVIEW_HOUR, WHOLESALER, Days, Hospital, order
from rxsupply.services.demo.demand import HOUR_WEIGHTS, Draws, backorders, pocket_demand
from rxsupply.services.demo.dscsa import seed_dscsa_receipts
from rxsupply.services.demo.expiry import short_dated_receipts
from rxsupply.services.demo.partners import seed_authorizations
from rxsupply.services.demo.recalls import seed_recall
from rxsupply.services.demo.returns import seed_returns
from rxsupply.services.demo.tree import LEAD_DAYS, DemoPocket, facility_code, locations
from rxsupply.services.ledger import Bulk
from rxsupply.services.ports import DemoItem, UnitOfWork
from rxsupply.services.ports.pricing import CataloguePrice, ContractPrice
from rxsupply.services.ports.shipment_documents import ShipmentDocuments


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


def build_demo(
    uow: UnitOfWork,
    catalogue: Sequence[DemoItem],
    *,
    clock: Clock,
    user: str,
    seed: int = 7,
    facilities: int = 1,
    days: int = 730,
    progress: Callable[[str], None] | None = None,
    documents: ShipmentDocuments | None = None,
) -> DemoSummary:
    """Write the demo hospital into an empty database and commit (one transaction; with
    several ``facilities``, one per hospital's history and one for the rest); the history ends
    yesterday (``clock.today()`` is the day after its last day). With
    ``documents`` (the EPCIS writer), its recent serialised receipts arrive with their
    sellers' EPCIS documents, a few not matching (:mod:`rxsupply.services.demo.dscsa`)."""
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(seed)
    today = clock.today()
    start = today - timedelta(days=days)

    say("formulary")
    products, items, item_products = _formulary(uow, catalogue)
    say("locations")
    tree, pockets_spec = locations(catalogue, rng, facilities)
    uow.locations.save_many(tree, {it.code: it.id for it in items if it.id is not None})
    loc_ids = uow.locations.ids_by_code()
    pockets = [
        DemoPocket(loc_ids[code], idx, area, rate, lo, hi, code)
        for code, idx, area, rate, lo, hi in pockets_spec
    ]
    storerooms = {f: f"{facility_code(f)}-STORE" for f in range(facilities)}
    pocket_facility = [int(p.code.split("-")[0][1:]) - 1 for p in pockets]

    say("demand")
    demand = pocket_demand(catalogue, pockets, start, days, rng)
    # storeroom policy per (facility, item): reorder point covers lead time + 4 days, order up
    # to ~14 days of the facility's demand, in whole packages
    fac_item_daily: dict[tuple[int, int], float] = defaultdict(float)
    for pi, mean in enumerate(demand.mean(axis=1).tolist()):
        fac_item_daily[(pocket_facility[pi], pockets[pi].item_index)] += float(mean)
    held_back = backorders(catalogue, item_products, start, days, rng)

    # One hospital at a time, each written and committed before the next: the hospitals share
    # nothing but the formulary and the wholesaler, and a health system's history would not fit
    # in memory at once.
    by_id = {p.id: p for p in products if p.id is not None}
    codes = {i: c for c, i in loc_ids.items()}
    tree_of = uow.locations.subtree()
    lot_numbers: dict[int, int] = defaultdict(int)  # per product, across hospitals
    transactions = stockout_days = movements = purchase_lines = 0
    now = clock.now()
    for fac in range(facilities):
        mine = [pi for pi in range(len(pockets)) if pocket_facility[pi] == fac]
        hospital = Hospital(
            products=by_id,
            item_products=item_products,
            item_codes=[it.code for it in items],
            pockets=[pockets[pi] for pi in mine],
            pocket_facility=[fac] * len(mine),
            storerooms=storerooms,
            store_ids={f: loc_ids[code] for f, code in storerooms.items()},
            codes=codes,
            zone=clock.zone,
        )
        scope = tree_of[loc_ids[facility_code(fac)]] if facilities > 1 else loc_ids.values()
        bulk = Bulk(uow, clock=clock, scope=(scope, hospital.products.keys()))
        bulk.found.preload(
            locations=loc_ids, items=hospital.item_codes, products=[str(p.ndc) for p in products]
        )
        sim = Days(bulk, hospital, rng, user, transactions=transactions, _counter=lot_numbers)
        daily = {key: rate for key, rate in fac_item_daily.items() if key[0] == fac}
        where = "" if facilities == 1 else f" (hospital {fac + 1} of {facilities})"

        say("opening stock" + where)
        for (f, idx), rate in sorted(daily.items()):
            pid = item_products[idx][0]
            size = hospital.products[pid].package_size
            sim.open_stock(f, pid, max(size, math.ceil(rate * 21 / size) * size), start)
        first_refill = sim.at(start - timedelta(days=1), 9, 30)
        for pi in range(len(mine)):
            sim.refill(pi, first_refill, start - timedelta(days=1))

        say("two years of days" + where)
        _simulate(sim, demand[mine], daily, held_back, start, days)

        say("writing" + where)
        last = fac == facilities - 1
        audit = entry(
            user=user,
            action="build_demo",
            entity="demo",
            key=f"seed {seed}",
            now=now,
            after={"facilities": facilities, "days": days, "first_day": str(start)},
        )
        movements += bulk.write(audit if last else None)
        transactions, stockout_days = sim.transactions, stockout_days + sim.stockout_days
        purchase_lines += len(sim.purchases)
        uow.purchases.save_many(sim.purchases)
        if not last:
            uow.commit()
    _prices(uow, products, item_products, start, today)
    uow.stock_levels.save_many(
        _settings(pockets, items, hospital.store_ids, fac_item_daily), now=now, user=user
    )
    uow.commit()
    _backorder_notices(uow, catalogue, seed=seed, clock=clock, user=user)
    short_dated_receipts(uow, catalogue, seed=seed, clock=clock, user=user)
    seed_recall(uow, clock=clock, user=user)
    seed_returns(uow, clock=clock, user=user)
    seed_authorizations(uow, clock=clock, user=user)
    if documents is not None:
        say("DSCSA receipts with EPCIS documents")
        seed_dscsa_receipts(uow, catalogue, documents=documents, seed=seed, clock=clock, user=user)
    return DemoSummary(
        facilities=facilities,
        items=len(items),
        products=len(products),
        locations=len(tree),
        pockets=len(pockets),
        dispense_transactions=transactions,
        movements=movements,
        purchase_lines=purchase_lines,
        stockout_days=stockout_days,
        first_day=start,
        last_day=today - timedelta(days=1),
    )


def _backorder_notices(
    uow: UnitOfWork, catalogue: Sequence[DemoItem], *, seed: int, clock: Clock, user: str
) -> None:
    """Three wholesaler backorder notices that arrived on the demo's last day, for items in
    heavy use (chosen apart from the history's random draws, so the history is the same with
    or without them): the shortage board has something on it without the FDA's list."""
    rng = np.random.default_rng([seed, 12])
    heavy = [i for i, it in enumerate(catalogue) if it.demand == "high" and not it.dea_schedule]
    back = clock.today() + timedelta(days=21)
    for idx in sorted(rng.choice(heavy, size=min(3, len(heavy)), replace=False).tolist()):
        shortages.add_shortage(
            uow,
            item=catalogue[idx].code,
            reason=f"{WHOLESALER} backorder notice: manufacturer delay, not expected before "
            f"{back:%m/%d/%Y}",
            user=user,
            clock=clock,
        )


GPO = "Demo Purchasing Alliance"
GPO_CONTRACT = "DEMO-GPO-2025"
SECONDARY = "Demo Secondary Supply"
WAC_OVER_CONTRACT = Decimal("1.20")
SECONDARY_OVER_CONTRACT = Decimal("1.28")


def _prices(
    uow: UnitOfWork,
    products: Sequence[Product],
    item_products: Sequence[Sequence[int]],
    start: date,
    today: date,
) -> None:
    """The demo's prices: each item's first product on the GPO's contract (tier T1, held) at
    the price the storeroom has been paying; every product in the primary wholesaler's
    catalogue at 20 % above that (WAC), and every other one at the secondary wholesaler's 28 %
    above. The storeroom's occasional alternates were bought off contract, as in life."""
    primary = uow.prices.partner(WHOLESALER, kind="wholesaler", role="primary")
    secondary = uow.prices.partner(SECONDARY, kind="wholesaler", role="secondary")
    holder = uow.prices.partner(GPO, kind="gpo")
    contract = uow.prices.contract(GPO_CONTRACT, holder_id=holder, tier="T1")
    cent = Decimal("0.01")
    by_id = {p.id: p for p in products if p.id is not None}
    catalogue: list[CataloguePrice] = []
    contracted: list[ContractPrice] = []
    for n, (pid, product) in enumerate(sorted(by_id.items())):
        cost = product.package_cost or Decimal("1")
        catalogue.append(
            CataloguePrice(primary, pid, (cost * WAC_OVER_CONTRACT).quantize(cent), start)
        )
        if n % 2:
            catalogue.append(
                CataloguePrice(
                    secondary, pid, (cost * SECONDARY_OVER_CONTRACT).quantize(cent), start
                )
            )
    for pids in item_products:
        first = by_id.get(pids[0]) if pids else None
        if first is not None and first.id is not None:
            contracted.append(
                ContractPrice(
                    contract,
                    first.id,
                    "T1",
                    (first.package_cost or Decimal("1")).quantize(cent),
                    start,
                    today + timedelta(days=365),
                )
            )
    uow.prices.save_catalogue(catalogue)
    uow.prices.save_contract_prices(contracted)


def _formulary(
    uow: UnitOfWork, catalogue: Sequence[DemoItem]
) -> tuple[list[Product], list[Item], list[list[int]]]:
    """Products and items of the catalogue, saved; the product ids of each item."""
    products: list[Product] = []
    owner: list[int] = []
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
            owner.append(idx)
    uow.products.save_many(products, source="demo")
    item_products: list[list[int]] = [[] for _ in catalogue]
    for prod, idx in zip(products, owner, strict=True):
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
    return products, items, item_products


def _simulate(
    sim: Days,
    demand: np.ndarray,
    fac_item_daily: dict[tuple[int, int], float],
    held_back: dict[int, tuple[date, date]],
    start: date,
    days: int,
) -> None:
    pockets = sim.hospital.pockets
    level = np.array(
        [sim.usable(p.location_id, p.item_index, start) for p in pockets], dtype=np.int64
    )
    min_level = np.array([p.min_level for p in pockets], dtype=np.int64)
    pending: dict[tuple[int, int], tuple[date, int, int]] = {}
    draws = Draws(sim.rng, HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    for d in range(days):
        day = start + timedelta(days=d)
        for (fac, pid), (due, packages, cents) in list(pending.items()):
            if due <= day:  # deliveries ordered earlier arrive at 10:00
                del pending[(fac, pid)]
                sim.receive(fac, pid, packages, cents, day)
        # ``level`` follows each pocket's usable stock by what the day's commands move: no lot
        # expires between two month ends (the month-end waste reads it afresh)
        morning = sim.at(day, REVIEW_HOUR)
        for pi in np.flatnonzero(level <= min_level).tolist():
            level[pi] += sim.refill(pi, morning, day, have=int(level[pi]))
        todays = demand[:, d]
        for pi in np.flatnonzero(todays).tolist():
            level[pi] = sim.dispense_day(pi, int(todays[pi]), day, draws, have=int(level[pi]))
        order(sim, fac_item_daily, pending, held_back, day)
        if (day + timedelta(days=1)).day == 1:
            sim.waste_expired(day)
            level = np.array(
                [sim.usable(p.location_id, p.item_index, day) for p in pockets], dtype=np.int64
            )


def _settings(
    pockets: list[DemoPocket],
    items: list[Item],
    store_ids: dict[int, int],
    fac_item_daily: dict[tuple[int, int], float],
) -> list[StockLevel]:
    """The levels the demo ran on: pockets' min/max, storerooms' reorder point and order-up-to."""
    out = [
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
        out.append(
            StockLevel(
                location_id=store_ids[fac],
                item_id=items[idx].id or 0,
                min_level=math.floor(daily * (LEAD_DAYS + 4) + 1),
                max_level=math.ceil(daily * 14 + 1),
                lead_time_days=LEAD_DAYS,
                review_period_days=1,
            )
        )
    return out
