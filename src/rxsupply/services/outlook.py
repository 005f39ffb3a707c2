"""How long will an item last? The hospital-wide run-out projection of formulary items, for the
shortage board, a shortage's page and the stress test.

For each item: its usable units on hand everywhere (storeroom, satellites, every cabinet
pocket: lots expired today, unavailable, in quarantine or blocked do not count), the units on
open orders (sent, acknowledged or partly received, not backordered), arriving the storeroom's
lead time after the order was approved; its use over the last :data:`HISTORY_WEEKS` weeks
(dispensed less patient returns, per local day); and, from :func:`rxsupply.analytics.runout.
project`, the stock-out day on each of :data:`PATHS` demand paths drawn from those weeks, with
the lots consumed earliest expiry first and lost at expiry. The **projected stock-out** is the
median of those days; the **pessimistic** one their 10th percentile (one path in ten runs out
that day or sooner); a date beyond the horizon is "not within :data:`HORIZON` days" (``None``).
Days of supply are usable units on hand over mean daily use.

The projection pools every location's stock, as a shortage's reallocation makes possible; it
assumes no new orders beyond those already open (a shortage is when they do not come).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from rxsupply.analytics.runout import NEVER, Paths, days_of_supply, project
from rxsupply.domain.clock import Clock
from rxsupply.errors import UnknownItem
from rxsupply.services.ports.outlook import OrderBatch, OutlookItem, StockBatch
from rxsupply.services.ports.storage import UnitOfWork

HORIZON = 180
HISTORY_WEEKS = 12
PATHS = 500
SEED = 12_345
"""Fixed so the same data gives the same dates (a projection that moved on every reload
would not be believable)."""


@dataclass(frozen=True)
class Inputs:
    """What a projection of some items stands on, gathered in one pass."""

    items: list[OutlookItem]
    stock: list[StockBatch]
    orders: list[OrderBatch]
    history: np.ndarray[Any, np.dtype[np.float64]]
    day0: date

    def on_hand(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Usable units on hand per item, in the order of :attr:`items`."""
        held = {item.id: 0 for item in self.items}
        for lot in self.stock:
            held[lot.item_id] += lot.units
        return np.array([held[item.id] for item in self.items], dtype=np.int64)


def gather(
    uow: UnitOfWork,
    *,
    items: list[OutlookItem],
    clock: Clock,
    as_of: date | None = None,
    with_orders: bool = True,
) -> Inputs:
    """Stock, orders and history of ``items`` as of today (or the start of local day
    ``as_of``, for a replay: stock as it stood then, the weeks before it, no orders)."""
    ids = [i.id for i in items]
    day0 = as_of or clock.today()
    at = datetime.combine(day0, time(), clock.zone) if as_of else None
    stock = uow.outlook.stock(ids, today=day0, as_of=at)
    orders = uow.outlook.orders(ids) if with_orders and as_of is None else []
    first = day0 - timedelta(days=7 * HISTORY_WEEKS)
    used = uow.outlook.daily_use(ids, zone=clock.zone, first=first, last=day0 - timedelta(days=1))
    history = np.array([used[i] for i in ids], dtype=np.float64).reshape(len(ids), -1)
    return Inputs(items=items, stock=stock, orders=orders, history=history, day0=day0)


def batches(
    inputs: Inputs, *, keep_order: Any = None
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """``(units, first day, last day)`` per item and batch for :func:`project`: the lots on
    hand, then the orders (those ``keep_order(order)`` keeps, all by default) from their
    arrival day."""
    row = {item.id: n for n, item in enumerate(inputs.items)}
    lead = {item.id: item.lead_time_days for item in inputs.items}
    per: list[list[tuple[int, int, int]]] = [[] for _ in inputs.items]
    for lot in inputs.stock:
        until = NEVER if lot.expiry is None else (lot.expiry - inputs.day0).days
        per[row[lot.item_id]].append((lot.units, 0, until))
    for order in inputs.orders:
        if keep_order is None or keep_order(order):
            arrives = (order.ordered_on + timedelta(days=lead[order.item_id]) - inputs.day0).days
            per[row[order.item_id]].append((order.units, max(arrives, 0), NEVER))
    width = max((len(b) for b in per), default=0) or 1
    units = np.zeros((len(per), width), dtype=np.int64)
    first = np.zeros((len(per), width), dtype=np.int64)
    last = np.full((len(per), width), NEVER, dtype=np.int64)
    for r, found in enumerate(per):
        for c, (n, f, lst) in enumerate(found):
            units[r, c], first[r, c], last[r, c] = n, f, lst
    return units, first, last


@dataclass(frozen=True)
class ItemOutlook:
    item: str
    name: str
    criticality: str
    on_hand: int
    on_order: int
    daily_use: float
    daily_use_sd: float
    days_of_supply: float | None
    projected_stockout: date | None
    projected_stockout_p10: date | None
    projected_stockout_p90: date | None
    stockout_probability_30: float
    unit_cost: Decimal
    curve: list[tuple[date, float]]
    """The chance of having run out by each day (weekly points over the horizon)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "criticality": self.criticality,
            "on_hand": self.on_hand,
            "on_order": self.on_order,
            "daily_use": round(self.daily_use, 2),
            "daily_use_sd": round(self.daily_use_sd, 2),
            "days_of_supply": None
            if self.days_of_supply is None
            else round(self.days_of_supply, 1),
            "projected_stockout": _iso(self.projected_stockout),
            "projected_stockout_p10": _iso(self.projected_stockout_p10),
            "projected_stockout_p90": _iso(self.projected_stockout_p90),
            "stockout_probability_30": round(self.stockout_probability_30, 3),
            "unit_cost": str(self.unit_cost.quantize(Decimal("0.0001"))),
            "curve": [{"day": d.isoformat(), "probability": p} for d, p in self.curve],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(day0: date, offset: int, horizon: int) -> date | None:
    return None if offset >= horizon else day0 + timedelta(days=int(offset))


def outlooks(inputs: Inputs, found: Paths) -> list[ItemOutlook]:
    """One :class:`ItemOutlook` per item from a projection of ``inputs``."""
    horizon = found.horizon
    median, p10, p90 = (found.day_quantile(q) for q in (0.5, 0.1, 0.9))
    by_30 = found.probability_by(min(29, horizon - 1))
    on_hand = inputs.on_hand()
    on_order = {i.id: 0 for i in inputs.items}
    for order in inputs.orders:
        on_order[order.item_id] += order.units
    mean = inputs.history.mean(axis=1) if inputs.history.size else np.zeros(len(inputs.items))
    sd = inputs.history.std(axis=1) if inputs.history.size else np.zeros(len(inputs.items))
    cover = days_of_supply(on_hand, mean)
    weeks = range(0, horizon, 7)
    out = []
    for r, item in enumerate(inputs.items):
        curve = [
            (inputs.day0 + timedelta(days=d), round(float((found.stockout_day[r] <= d).mean()), 3))
            for d in weeks
        ]
        out.append(
            ItemOutlook(
                item=item.code,
                name=item.name,
                criticality=item.criticality,
                on_hand=int(on_hand[r]),
                on_order=on_order[item.id],
                daily_use=float(mean[r]),
                daily_use_sd=float(sd[r]),
                days_of_supply=None if not np.isfinite(cover[r]) else float(cover[r]),
                projected_stockout=_date(inputs.day0, median[r], horizon),
                projected_stockout_p10=_date(inputs.day0, p10[r], horizon),
                projected_stockout_p90=_date(inputs.day0, p90[r], horizon),
                stockout_probability_30=float(by_30[r]),
                unit_cost=item.unit_cost,
                curve=curve,
            )
        )
    return out


def project_items(
    uow: UnitOfWork,
    *,
    items: Sequence[str],
    clock: Clock,
    as_of: date | None = None,
    with_orders: bool = True,
    horizon: int = HORIZON,
    paths: int = PATHS,
) -> list[ItemOutlook]:
    """The run-out projection of each item (by code, in the order given; see the module's
    notes). ``as_of`` replays a past day: the stock as it stood at the start of that day,
    the weeks before it, and no orders (its supply hidden from that day)."""
    wanted = list(dict.fromkeys(items))
    found = {i.code: i for i in uow.outlook.items(wanted)}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise UnknownItem(missing[0], "no formulary item has this code")
    inputs = gather(
        uow, items=[found[c] for c in wanted], clock=clock, as_of=as_of, with_orders=with_orders
    )
    units, first, last = batches(inputs)
    paths_found = project(
        inputs.history, units, first, last, horizon=horizon, paths=paths, seed=SEED
    )
    return outlooks(inputs, paths_found)
