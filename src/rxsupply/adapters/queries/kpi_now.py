"""What is on hand now, read once for all the key figures of a dashboard request.

:func:`held` reads the on-hand lines holding units (one row per line: location, product, lot),
each with the place it counts toward on the value chart (a pocket counts toward its cabinet)
and the ABC class of its item-location; value by location, value by class and the value of
stock now are sums over it.

:func:`stocked` reads the stocked item-locations (a max level above 0) with the units of their
item under them now (any status) and how many of those lines are usable; the stock-outs and the
stock-out days come from it. :meth:`Stocked.spread` maps rows of (location, product), such as
the ledger's daily sums, onto the stocked item-locations they count toward: a line counts
toward every stocked ancestor (the location itself included) whose item the product is a
package of.

Both are a handful of set-based queries returning integers into numpy arrays: a dashboard
request builds no Python object per on-hand line beyond the database driver's rows, so it stays
fast on a hospital with tens of thousands of lines.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, and_, case, func, literal, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.unusable import usable_line

Ints = NDArray[np.int64]
CLASSES = ("unclassified", "A", "B", "C")
"""The ABC class codes of :attr:`Held.abc`: 0 unclassified, 1 A, 2 B, 3 C."""


def _ints(rows: Any, width: int) -> Ints:
    """Integer rows as an ``(n, width)`` array (NULLs must have been coalesced away)."""
    flat = itertools.chain.from_iterable(rows)
    return np.fromiter(flat, dtype=np.int64).reshape(-1, width)


def unit_costs(conn: Connection) -> dict[int, Decimal]:
    """Package cost / package size per product id (0 for a product without a cost)."""
    p = t.product
    return {
        int(i): (cost / size if cost is not None and size else Decimal(0))
        for i, cost, size in conn.execute(select(p.c.id, p.c.package_cost, p.c.package_size)).all()
    }


@dataclass(frozen=True)
class Held:
    """The on-hand lines holding units, one row each (see the module's notes)."""

    location: Ints
    place: Ints
    product: Ints
    units: Ints
    abc: Ints
    usable: Ints | None
    unit_cost: dict[int, Decimal]

    def value_by(self, groups: Ints) -> dict[int, tuple[int, Decimal]]:
        """Units and exact value (unit cost x units, unrounded) per distinct value of
        ``groups`` (an array parallel to the lines)."""
        keys, which = np.unique(_key(groups, self.product), return_inverse=True)
        units = np.bincount(which.reshape(-1), weights=self.units, minlength=len(keys))
        out: dict[int, tuple[int, Decimal]] = {}
        zero = Decimal(0)
        for key, n in zip(keys.tolist(), units.astype(np.int64).tolist(), strict=True):
            group, product = key >> 32, key & 0xFFFFFFFF
            had = out.get(group, (0, zero))
            out[group] = (had[0] + n, had[1] + self.unit_cost.get(product, zero) * n)
        return out

    def value(self) -> Decimal:
        """The exact value of everything on hand (unrounded)."""
        found = self.value_by(np.zeros_like(self.product))
        return found[0][1] if found else Decimal(0)


def held(conn: Connection, *, today: date | None = None) -> Held:
    """Every on-hand line holding units now (see :class:`Held`); with ``today``, each marked 1
    when it holds units that may be picked that day (:func:`usable_line`), else 0."""
    oh, loc, ip, sc, lo = t.on_hand, t.location, t.item_product, t.series_class, t.lot
    place = case(
        (and_(loc.c.kind == "pocket", loc.c.parent_id.is_not(None)), loc.c.parent_id),
        else_=loc.c.id,
    )
    item = select(func.min(ip.c.item_id)).where(ip.c.product_id == oh.c.product_id)
    code = case((sc.c.abc == "A", 1), (sc.c.abc == "B", 2), (sc.c.abc == "C", 3), else_=0)
    abc = (
        select(code)
        .where(sc.c.location_id == oh.c.location_id, sc.c.item_id == item.scalar_subquery())
        .scalar_subquery()
    )
    q = (
        select(
            oh.c.location_id,
            place,
            oh.c.product_id,
            oh.c.quantity,
            func.coalesce(abc, 0),
            case((usable_line(today), 1), else_=0) if today else literal(-1),
        )
        .join(loc, loc.c.id == oh.c.location_id)
        .join(lo, lo.c.id == oh.c.lot_id)
        .where(oh.c.quantity > 0)
    )
    rows = _ints(conn.execute(q), 6)
    return Held(
        location=rows[:, 0],
        place=rows[:, 1],
        product=rows[:, 2],
        units=rows[:, 3],
        abc=rows[:, 4],
        usable=rows[:, 5] if today else None,
        unit_cost=unit_costs(conn),
    )


def _key(location: Ints, other: Ints) -> Ints:
    return (location << 32) | other


@dataclass(frozen=True)
class Stocked:
    """The stocked item-locations in (location, item) order, with the units of the item under
    each now (any status) and the number of those on-hand lines that are usable."""

    location: Ints
    item: Ints
    units: Ints
    usable_lines: Ints
    lines_location: Ints
    lines_product: Ints
    lines_series: Ints

    def __len__(self) -> int:
        return len(self.location)

    def spread(self, location: Ints, product: Ints) -> tuple[Ints, Ints]:
        """``(rows, series)``: for each row of ``(location, product)`` (parallel arrays), the
        stocked item-locations it counts toward, as pairs of a row index and a series index (a
        row counting toward none is left out, one counting toward two appears twice)."""
        keys = _key(self.lines_location, self.lines_product)
        wanted = _key(location, product)
        left = np.searchsorted(keys, wanted, side="left")
        right = np.searchsorted(keys, wanted, side="right")
        counts = right - left
        rows = np.repeat(np.arange(len(wanted), dtype=np.int64), counts)
        starts = np.repeat(left, counts)
        firsts = np.repeat(np.cumsum(counts) - counts, counts)
        offsets = np.arange(len(rows), dtype=np.int64) - firsts
        return rows, self.lines_series[starts + offsets]


def stocked(conn: Connection, now: Held) -> Stocked:
    """The stocked item-locations and what is under them now, from the lines ``now`` holds
    (see :class:`Stocked`)."""
    s, lp, ip = t.stock_level, t.location_path, t.item_product
    series = _ints(
        conn.execute(
            select(s.c.location_id, s.c.item_id)
            .where(s.c.max_level > 0)
            .order_by(s.c.location_id, s.c.item_id)
        ),
        2,
    )
    keys = _key(series[:, 0], series[:, 1])
    lines = _ints(
        conn.execute(
            select(lp.c.location_id, ip.c.product_id, s.c.location_id, s.c.item_id)
            .select_from(s)
            .join(lp, lp.c.ancestor_id == s.c.location_id)
            .join(ip, ip.c.item_id == s.c.item_id)
            .where(s.c.max_level > 0)
        ),
        4,
    )
    lines = lines[np.argsort(_key(lines[:, 0], lines[:, 1]), kind="stable")]
    found = Stocked(
        location=series[:, 0],
        item=series[:, 1],
        units=np.zeros(len(keys), dtype=np.int64),
        usable_lines=np.zeros(len(keys), dtype=np.int64),
        lines_location=lines[:, 0],
        lines_product=lines[:, 1],
        lines_series=np.searchsorted(keys, _key(lines[:, 2], lines[:, 3])),
    )
    if now.usable is None:
        raise ValueError("the stocked item-locations need the lines read with today's date")
    rows, at = found.spread(now.location, now.product)
    np.add.at(found.units, at, now.units[rows])
    np.add.at(found.usable_lines, at, now.usable[rows])
    return found
