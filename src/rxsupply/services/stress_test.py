"""Contingency planning: what if a supplier stops for a while, and which items hang on one
source?

**The stress test** (:func:`stress_test`): "manufacturer or wholesaler X is unavailable for N
days from day D". An item is hit when X is its only source: for a manufacturer, every product
of the item is X's (another labeler's product could be bought instead); for a wholesaler, the
item was bought over the last year only from X and no other wholesaler offers one of its
products (an item never bought is hit when X is the primary wholesaler). For each item hit,
the run-out projection (:mod:`rxsupply.services.outlook`) runs from D with today's usable
stock (the usual orders are assumed to keep it there until D), the orders already open from
other suppliers, and nothing from X until it returns plus the storeroom's lead time. It says
the chance of running out before supply returns, when (median and 10th percentile), the units
short on average, and the extra stock that would have covered the outage on ``level`` of the
paths (units and money at today's unit cost).

**Sole-source risk** (:func:`supply_risk`): a score per item from 0 to 100, the sum of
- 50 points with one manufacturer, 25 with two;
- 25 points with one wholesaler (or none on record);
- 25 points under 7 days of supply on hand, 15 under 14, 5 under 30;
times the criticality's weight (vital 1.0, essential 0.7, non-essential 0.4), with each reason
spelled out; and for vital items with one manufacturer, the buffer that would cover a
``outage_days`` outage on ``level`` of the paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from rxsupply.analytics.runout import days_of_supply, project
from rxsupply.domain.clock import Clock
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.outlook import PATHS, SEED, Inputs, batches, gather
from rxsupply.services.ports.outlook import ItemSources, OrderBatch, OutlookItem, Supplier
from rxsupply.services.ports.storage import UnitOfWork

LEVEL = 0.95
MAX_DAYS = 365
WEIGHT = {"vital": 1.0, "essential": 0.7, "non-essential": 0.4}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class StressRow:
    item: str
    name: str
    criticality: str
    why: str
    on_hand: int
    daily_use: float
    days_of_supply: float | None
    probability: float
    stockout_median: date | None
    stockout_p10: date | None
    units_short: float
    extra_units: int
    extra_cost: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "criticality": self.criticality,
            "why": self.why,
            "on_hand": self.on_hand,
            "daily_use": round(self.daily_use, 2),
            "days_of_supply": None
            if self.days_of_supply is None
            else round(self.days_of_supply, 1),
            "probability": round(self.probability, 3),
            "stockout_median": self.stockout_median.isoformat() if self.stockout_median else None,
            "stockout_p10": self.stockout_p10.isoformat() if self.stockout_p10 else None,
            "units_short": round(self.units_short, 1),
            "extra_units": self.extra_units,
            "extra_cost": str(self.extra_cost),
        }


@dataclass(frozen=True)
class StressTest:
    supplier: str
    kind: str
    start: date
    days: int
    resumes: date
    level: float
    paths: int
    items_checked: int
    rows: list[StressRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "supplier": self.supplier,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "days": self.days,
            "resumes": self.resumes.isoformat(),
            "level": self.level,
            "paths": self.paths,
            "items_checked": self.items_checked,
            "items_hit": len(self.rows),
            "items_at_risk": sum(1 for r in self.rows if r.probability > 0),
            "extra_cost": str(sum((r.extra_cost for r in self.rows), start=Decimal(0))),
            "items": [r.as_dict() for r in self.rows],
        }


def find_supplier(uow: UnitOfWork, name: str) -> Supplier:
    """The manufacturer or trading partner called ``name`` (case and spacing aside)."""
    wanted = " ".join(name.split()).casefold()
    known = uow.outlook.suppliers()
    for supplier in known:
        if " ".join(supplier.name.split()).casefold() == wanted:
            if supplier.kind == "gpo":
                raise InvalidValue(
                    "supplier",
                    "a purchasing group sells nothing: name a manufacturer or a wholesaler",
                    name,
                )
            return supplier
    close = [s.name for s in known if wanted and wanted in s.name.casefold()][:5]
    hint = f"did you mean {', '.join(close)}?" if close else "no manufacturer or wholesaler"
    raise NotFound("supplier", name, hint)


def _hit(supplier: Supplier, sources: ItemSources, primary: bool) -> str | None:
    """Why the item depends on ``supplier`` alone, or ``None``."""
    if supplier.kind == "manufacturer":
        if sources.manufacturers == {supplier.name}:
            return f"{supplier.name} makes every product of the item"
        return None
    if sources.wholesalers == {supplier.name}:
        return f"bought only from {supplier.name} and offered by no other wholesaler"
    if not sources.wholesalers and primary:
        return f"no purchase or offer on record; {supplier.name} is the primary wholesaler"
    return None


def stress_test(
    uow: UnitOfWork,
    *,
    supplier: str,
    days: int,
    clock: Clock,
    start: date | None = None,
    level: float = LEVEL,
    paths: int = PATHS,
) -> StressTest:
    """Which items run out if ``supplier`` is unavailable for ``days`` days from ``start``
    (today by default), and what would cover them (see the module's notes)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidValue("days", f"give 1 to {MAX_DAYS} days of outage", days)
    if not 0.5 <= level < 1:
        raise InvalidValue("level", "give a share of paths from 0.5 to below 1", level)
    today = clock.today()
    begin = max(start or today, today)
    found = find_supplier(uow, supplier)
    items = uow.outlook.items()
    since = today - timedelta(days=365)
    sources = uow.outlook.sources([i.id for i in items], since=since)
    primary = found.kind == "wholesaler" and uow.prices.primary_wholesaler() == found.name
    hit: list[tuple[OutlookItem, str]] = []
    for item in items:
        why = _hit(found, sources[item.id], primary)
        if why:
            hit.append((item, why))
    result = StressTest(
        supplier=found.name,
        kind=found.kind,
        start=begin,
        days=days,
        resumes=begin + timedelta(days=days),
        level=level,
        paths=paths,
        items_checked=len(items),
    )
    if not hit:
        return result
    inputs = gather(uow, items=[i for i, _ in hit], clock=clock)
    # the weeks of history start on the outage's first weekday (one week fewer when it is not
    # today's), and the lots' expiry and the orders' arrival count from that day
    turn = (begin - today).days % 7
    weeks = inputs.history.shape[1] // 7
    history = inputs.history[:, turn : turn + 7 * (weeks - (1 if turn else 0))]
    shifted = Inputs(
        items=inputs.items,
        stock=inputs.stock,
        orders=inputs.orders,
        history=history,
        day0=begin,
    )

    def elsewhere(order: OrderBatch) -> bool:
        return found.name not in (order.supplier, order.manufacturer)

    lead = max(i.lead_time_days for i, _ in hit)
    horizon = days + lead
    units, first, last = batches(shifted, keep_order=elsewhere)
    outcome = project(history, units, first, last, horizon=horizon, paths=paths, seed=SEED)
    on_hand = inputs.on_hand()
    mean = inputs.history.mean(axis=1)
    cover = days_of_supply(on_hand, mean)
    short = outcome.shortfall
    median, p10 = outcome.day_quantile(0.5), outcome.day_quantile(0.1)
    extra = outcome.cover(level)
    rows = []
    for r, (item, why) in enumerate(hit):
        rows.append(
            StressRow(
                item=item.code,
                name=item.name,
                criticality=item.criticality,
                why=why,
                on_hand=int(on_hand[r]),
                daily_use=float(mean[r]),
                days_of_supply=float(cover[r]) if np.isfinite(cover[r]) else None,
                probability=float((outcome.stockout_day[r] < horizon).mean()),
                stockout_median=None if median[r] >= horizon else begin + timedelta(int(median[r])),
                stockout_p10=None if p10[r] >= horizon else begin + timedelta(int(p10[r])),
                units_short=float(short[r].mean()),
                extra_units=int(extra[r]),
                extra_cost=(item.unit_cost * int(extra[r])).quantize(CENT),
            )
        )
    rows.sort(key=lambda r: (-r.probability, r.stockout_p10 or date.max, r.item))
    return StressTest(**{**result.__dict__, "rows": rows})


@dataclass(frozen=True)
class ItemRisk:
    item: str
    name: str
    criticality: str
    manufacturers: list[str]
    wholesalers: list[str]
    days_of_supply: float | None
    score: int
    reasons: list[str]
    buffer_units: int | None
    buffer_cost: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "criticality": self.criticality,
            "manufacturers": self.manufacturers,
            "wholesalers": self.wholesalers,
            "days_of_supply": None
            if self.days_of_supply is None
            else round(self.days_of_supply, 1),
            "score": self.score,
            "reasons": self.reasons,
            "buffer_units": self.buffer_units,
            "buffer_cost": None if self.buffer_cost is None else str(self.buffer_cost),
        }


def _points(sources: ItemSources, cover: float) -> tuple[int, list[str]]:
    points, reasons = 0, []
    makers = len(sources.manufacturers)
    if makers <= 1:
        points += 50
        reasons.append("one manufacturer" if makers else "no manufacturer on record")
    elif makers == 2:
        points += 25
        reasons.append("two manufacturers")
    if len(sources.wholesalers) <= 1:
        points += 25
        reasons.append("one wholesaler" if sources.wholesalers else "no wholesaler on record")
    for below, extra in ((7, 25), (14, 15), (30, 5)):
        if cover < below:
            points += extra
            reasons.append(f"under {below} days of supply on hand")
            break
    return points, reasons


def supply_risk(
    uow: UnitOfWork,
    *,
    clock: Clock,
    outage_days: int = 30,
    level: float = LEVEL,
    paths: int = PATHS,
) -> list[ItemRisk]:
    """Every item's sole-source risk, highest first (then the fewest days of supply: an
    unused item last), with buffers for the vital items that
    have one manufacturer (see the module's notes)."""
    if not 1 <= outage_days <= MAX_DAYS:
        raise InvalidValue("outage_days", f"give 1 to {MAX_DAYS} days", outage_days)
    items = uow.outlook.items()
    if not items:
        return []
    today = clock.today()
    sources = uow.outlook.sources([i.id for i in items], since=today - timedelta(days=365))
    inputs = gather(uow, items=items, clock=clock, with_orders=False)
    units, first, last = batches(inputs)
    cover = days_of_supply(inputs.on_hand(), inputs.history.mean(axis=1))
    exposed = [
        r
        for r, item in enumerate(items)
        if item.criticality == "vital" and len(sources[item.id].manufacturers) <= 1
    ]
    buffers: dict[int, int] = {}
    if exposed:
        rows = np.array(exposed)
        lead = max(items[r].lead_time_days for r in exposed)
        outcome = project(
            inputs.history[rows],
            units[rows],
            first[rows],
            last[rows],
            horizon=outage_days + lead,
            paths=paths,
            seed=SEED,
        )
        buffers = dict(zip(exposed, outcome.cover(level).tolist(), strict=True))
    out = []
    for r, item in enumerate(items):
        src = sources[item.id]
        points, reasons = _points(src, float(cover[r]))
        weight = WEIGHT.get(item.criticality, 0.7)
        buffer = buffers.get(r)
        out.append(
            ItemRisk(
                item=item.code,
                name=item.name,
                criticality=item.criticality,
                manufacturers=sorted(src.manufacturers),
                wholesalers=sorted(src.wholesalers),
                days_of_supply=float(cover[r]) if np.isfinite(cover[r]) else None,
                score=round(points * weight),
                reasons=reasons,
                buffer_units=buffer,
                buffer_cost=None if buffer is None else (item.unit_cost * buffer).quantize(CENT),
            )
        )
    out.sort(key=lambda r: (-r.score, _cover(r.days_of_supply), r.item))
    return out


def _cover(days: float | None) -> float:
    return float("inf") if days is None else days
