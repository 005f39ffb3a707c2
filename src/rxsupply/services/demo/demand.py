"""The demo hospital's demand: Poisson days per pocket from each item's profile (weekday,
flu season, trend, lumpy slow movers), supplier backorders, and which product a reorder buys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from rxsupply.services.demo.tree import AREA_WEEKEND, DemoPocket
from rxsupply.services.ports import DemoItem

HOUR_WEIGHTS = np.array(
    [
        *(0.6, 0.4, 0.3, 0.3, 0.4, 0.7, 1.2, 1.8, 2.4, 2.2, 1.9, 1.6),
        *(1.5, 1.6, 1.5, 1.4, 1.4, 1.6, 1.8, 2.0, 2.1, 1.7, 1.2, 0.8),
    ]
)
"""Relative share of dispenses in each hour of the day."""


class Draws:
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


def pocket_demand(
    catalogue: Sequence[DemoItem],
    pockets: list[DemoPocket],
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


def backorders(
    catalogue: Sequence[DemoItem],
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


def product_to_buy(
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


def end_of_month(day: date, months_ahead: int) -> date:
    month = day.month - 1 + months_ahead
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)
