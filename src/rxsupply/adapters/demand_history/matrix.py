"""The demand matrix of the hospital, read from the ledger.

Series are the item-locations that have settings (``stock_level``) or saw demand in the window.
Demand per local day:

- at a pocket or any location that dispenses: dispenses less patient returns;
- at a storeroom or satellite: also what it issued to other locations (transfers, refills),
  since that is what its stock is drawn down by; not what it put away into quarantine, nor a
  location's first load (what it issued into a location and item the ledger never moved
  before the window, on the first day anything came into it: stocking a new pocket, or every
  cabinet at a go-live, is not use).

Waste, expiry, returns to vendor and adjustments are not demand. A day that began and ended
with no *usable* stock on hand and saw no demand (no dispense, no issue) is censored (NaN): a
patient may have needed the drug and been served from elsewhere. Stock that may not be handed
out counts as none: a lot after its expiry date or while it is quarantined, recalled or
suspect (:mod:`.unusable`), and anything at a location of kind ``quarantine``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, tzinfo
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.demand_history.days import (
    DISPENSE,
    ISSUE,
    PATIENT_RETURN,
    balances_before,
    day_starts,
    int_rows,
    issues_between,
    moved_units,
)
from rxsupply.adapters.demand_history.unusable import sums, units_by_series, unusable_lots
from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.series import ISSUING_KINDS, SeriesInfo
from rxsupply.domain.movement import MovementKind

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
QUARANTINE = "quarantine"


class SqlDemandHistory:
    """The demand history port (``services.ports.DemandHistory``) on the database. Each read
    takes its own read-only connection, a snapshot of the ledger: a planning run reads for a
    while and must not hold a write transaction (SQLite's lock) meanwhile."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def daily(self, *, start: date, end: date, zone: tzinfo) -> tuple[DemandMatrix, SeriesInfo]:
        with self._engine.connect() as conn:
            return ledger_demand(conn, start=start, end=end, zone=zone)


def ledger_demand(
    conn: Connection, *, start: date, end: date, zone: tzinfo
) -> tuple[DemandMatrix, SeriesInfo]:
    """Daily demand from ``start`` to ``end`` (inclusive, local days) for every series."""
    days = (end - start).days + 1
    if days < 1:
        raise ValueError("the window ends before it starts")
    starts = day_starts(start, days, zone)
    since, until = starts[0], starts[-1]
    loc, ip = t.location, t.item_product
    item_of = dict(conn.execute(select(ip.c.product_id, ip.c.item_id)).all())
    located = conn.execute(
        select(loc.c.id, loc.c.code, loc.c.kind, loc.c.capacity, loc.c.parent_id)
    ).all()
    locations = {r.id: (r.code, r.kind, r.capacity or 0) for r in located}
    codes = {r.id: r.code for r in located}
    cabinet_of = {
        r.id: codes.get(r.parent_id, r.code) if r.kind == "pocket" else r.code for r in located
    }
    stocking = np.array(
        [lid for lid, (_, kind, _) in locations.items() if kind in ISSUING_KINDS], dtype=np.int64
    )
    quarantine = [lid for lid, (_, kind, _) in locations.items() if kind == QUARANTINE]
    # (day, lot, location, kind class, units) out of and into locations
    out_rows = moved_units(
        conn, start=start, zone=zone, since=since, until=until, outgoing=True, quarantine=quarantine
    )
    in_rows = moved_units(conn, start=start, zone=zone, since=since, until=until, outgoing=False)
    before = balances_before(conn, since)  # (location, lot, units)
    item_of_lot = _items_of_lots(conn, item_of, out_rows[:, 1], in_rows[:, 1], before[:, 1])

    day, lot_out, src, kind_out = out_rows[:, 0], out_rows[:, 1], out_rows[:, 2], out_rows[:, 3]
    qty_out = out_rows[:, 4].astype(np.float64)
    dday, lot_in, dst, kind_in = in_rows[:, 0], in_rows[:, 1], in_rows[:, 2], in_rows[:, 3]
    qty_in = in_rows[:, 4].astype(np.float64)
    item_out, item_in = item_of_lot[lot_out], item_of_lot[lot_in]
    demand_out = (kind_out == DISPENSE) | ((kind_out == ISSUE) & np.isin(src, stocking))

    levels = conn.execute(select(t.stock_level)).all()
    ordered = _series_keys(levels, src[demand_out], item_out[demand_out], locations)
    n = len(ordered)
    out_series = _series_index(ordered, src, item_out)
    in_series = _series_index(ordered, dst, item_in)

    cells = n * days
    take = demand_out & (out_series >= 0)
    issued = np.where(take & (kind_out == ISSUE), qty_out, 0.0)
    held_before = _pairs(before[:, 0], item_of_lot[before[:, 1]])
    new_places = np.unique(dst[~np.isin(_pairs(dst, item_in), held_before)])
    issues = issues_between(
        conn,
        start=start,
        zone=zone,
        since=since,
        until=until,
        sources=stocking.tolist(),
        destinations=new_places.tolist(),
    )
    loads = _first_loads(issues, item_of_lot, moved_in=(dst, item_in, dday), before=held_before)
    qty_demand = qty_out - _matched(loads, day, lot_out, src, issued)
    back = (kind_in == PATIENT_RETURN) & (in_series >= 0)
    quantity = sums(out_series[take] * days + day[take], qty_demand[take], cells) - sums(
        in_series[back] * days + dday[back], qty_in[back], cells
    )
    matrix = np.maximum(quantity.reshape(n, days), 0.0)
    demanded = np.zeros(cells, dtype=bool)  # a dispense or an issue, whatever came back
    demanded[(out_series * days + day)[take & (qty_out > 0)]] = True

    # on hand per series as each day began and ended; then the usable part of it
    moved_in, moved_out = in_series >= 0, out_series >= 0
    net = sums(in_series[moved_in] * days + dday[moved_in], qty_in[moved_in], cells) - sums(
        out_series[moved_out] * days + day[moved_out], qty_out[moved_out], cells
    )
    before_series = _series_index(ordered, before[:, 0], item_of_lot[before[:, 1]])
    held = before_series >= 0
    opening = sums(before_series[held], before[held, 2].astype(np.float64), n)
    end_of_day: Floats = opening[:, None] + np.cumsum(net.reshape(n, days), axis=1)
    on_hand = end_of_day[:, -1].astype(np.int64)
    start_of_day: Floats = np.empty_like(end_of_day)
    start_of_day[:, 0] = opening
    start_of_day[:, 1:] = end_of_day[:, :-1]
    blocked = unusable_lots(conn, start=start, starts=starts)
    for rows, at_start, at_end in units_by_series(
        blocked,
        days=days,
        moved=(
            np.concatenate([in_series, out_series]),
            np.concatenate([lot_in, lot_out]),
            np.concatenate([dday, day]),
            np.concatenate([qty_in, -qty_out]),
        ),
        opening=(before_series, before[:, 1], before[:, 2].astype(np.float64)),
    ):
        start_of_day[rows] -= at_start
        end_of_day[rows] -= at_end
    kinds = np.array([locations[k[0]][1] for k in ordered], dtype="<U16")
    nothing_usable = (start_of_day <= 0) & (end_of_day <= 0)
    nothing_usable[kinds == QUARANTINE] = True
    censored = nothing_usable & ~demanded.reshape(n, days)
    matrix = np.where(censored, np.nan, matrix)

    facts = _item_facts(conn)
    controlled = _controlled_items(conn)
    shelf = _shelf_lives(conn)
    by_key = {(r.location_id, r.item_id): r for r in levels}
    info = SeriesInfo(
        location_id=np.array([k[0] for k in ordered], dtype=np.int64),
        item_id=np.array([k[1] for k in ordered], dtype=np.int64),
        location_code=tuple(locations[k[0]][0] for k in ordered),
        item_code=tuple(facts[k[1]][0] for k in ordered),
        item_name=tuple(facts[k[1]][1] for k in ordered),
        location_kind=kinds,
        cabinet=tuple(cabinet_of[k[0]] for k in ordered),
        capacity=np.array([locations[k[0]][2] for k in ordered], dtype=np.int64),
        unit_cost=np.array([facts[k[1]][3] for k in ordered], dtype=np.float64),
        case_pack=np.array(
            [facts[k[1]][4] if locations[k[0]][1] in ISSUING_KINDS else 1 for k in ordered],
            dtype=np.int64,
        ),
        criticality=np.array([facts[k[1]][2] for k in ordered], dtype="<U16"),
        current_min=np.array([by_key[k].min_level if k in by_key else -1 for k in ordered]),
        current_max=np.array([by_key[k].max_level if k in by_key else -1 for k in ordered]),
        lead_time_days=np.array([by_key[k].lead_time_days if k in by_key else 1 for k in ordered]),
        review_period_days=np.array(
            [by_key[k].review_period_days if k in by_key else 1 for k in ordered]
        ),
        on_hand=on_hand,
        controlled=np.array([k[1] in controlled for k in ordered], dtype=bool),
        shelf_life_days=np.array([shelf.get(k[1], 0) for k in ordered], dtype=np.int64),
    )
    ids = tuple(f"{info.item_code[i]}@{info.location_code[i]}" for i in range(n))
    return DemandMatrix(series_ids=ids, start=start, quantities=matrix), info


def _pairs(locations: Ints, items: Ints) -> Ints:
    """One integer per (location, item) pair (items are ids below 2^31)."""
    return locations.astype(np.int64) * (1 << 31) + items.astype(np.int64)


def _first_loads(
    issues: Ints,
    item_of_lot: Ints,
    *,
    moved_in: tuple[Ints, Ints, Ints],
    before: Ints,
) -> dict[tuple[int, int, int], float]:
    """Units of the ``issues`` (day, lot, from, to, units) that were a destination's first
    load, by (day, lot, from): what a stocking location issued into a (location, item) the
    ledger never moved before the window (``before``: the :func:`_pairs` it moved), on the
    first day anything came into it. Stocking a new pocket or a new satellite line is not
    use: counted as the issuing location's demand, a go-live's loads of every cabinet would
    read as weeks of demand on one day."""
    loads: dict[tuple[int, int, int], float] = defaultdict(float)
    if issues.size == 0:
        return loads
    day, lot, source, dest, units = (issues[:, k] for k in range(5))
    key = _pairs(dest, item_of_lot[lot])
    new = ~np.isin(key, before)
    if not new.any():
        return loads
    to, item, when = moved_in
    into = _pairs(to, item)
    if into.size == 0:
        return loads
    order = np.lexsort((when, into))
    head = np.ones(order.size, dtype=bool)
    head[1:] = into[order][1:] != into[order][:-1]
    first_keys, first_days = into[order][head], when[order][head]
    at = np.minimum(np.searchsorted(first_keys, key), first_keys.size - 1)
    on_first = new & (first_keys[at] == key) & (first_days[at] == day)
    for d, k, f, u in zip(
        day[on_first].tolist(),
        lot[on_first].tolist(),
        source[on_first].tolist(),
        units[on_first].tolist(),
        strict=True,
    ):
        loads[(d, k, f)] += float(u)
    return loads


def _matched(
    loads: dict[tuple[int, int, int], float], day: Ints, lot: Ints, source: Ints, issued: Floats
) -> Floats:
    """The part of each issue row (``issued``, 0 for rows not counted as an issue) that was
    a first load (``loads`` by day, lot and issuing location; a row is one of each)."""
    out = np.zeros(issued.size)
    if not loads:
        return out
    for row in np.flatnonzero(issued > 0).tolist():
        load = loads.get((int(day[row]), int(lot[row]), int(source[row])), 0.0)
        out[row] = min(load, float(issued[row]))
    return out


def _items_of_lots(conn: Connection, item_of: dict[int, int], *seen: Ints) -> Ints:
    """The item of every lot id up to the largest in ``seen`` (-1: a lot whose product no
    item stocks), as a lookup array."""
    lots = int_rows(conn, select(t.lot.c.id, t.lot.c.product_id), width=2)
    largest_lot = max(int(lots[:, 0].max(initial=0)), *(int(s.max(initial=0)) for s in seen))
    largest_product = max(max(item_of, default=0), int(lots[:, 1].max(initial=0)))
    item_lookup = np.full(largest_product + 1, -1, dtype=np.int64)
    for product_id, item_id in item_of.items():
        item_lookup[product_id] = item_id
    out = np.full(largest_lot + 1, -1, dtype=np.int64)
    out[lots[:, 0]] = item_lookup[lots[:, 1]]
    return out


def _series_keys(
    levels: Sequence[Any],
    locations_of_demand: Ints,
    items_of_demand: Ints,
    locations: dict[int, tuple[str, str, int]],
) -> list[tuple[int, int]]:
    """(location, item) of every series: those with settings and those that saw demand, by
    location code, then item."""
    keys: dict[tuple[int, int], None] = {(int(r.location_id), int(r.item_id)): None for r in levels}
    known = items_of_demand >= 0
    width = int(items_of_demand.max(initial=0)) + 1
    for code in np.unique(locations_of_demand[known] * width + items_of_demand[known]).tolist():
        keys.setdefault((code // width, code % width), None)
    return sorted(keys, key=lambda k: (locations[k[0]][0], k[1]))


def _series_index(ordered: list[tuple[int, int]], loc_ids: Ints, item_ids: Ints) -> Ints:
    """Row of each (location, item) pair in ``ordered``, -1 when it is not a series."""
    if not ordered:
        return np.full(loc_ids.size, -1, dtype=np.int64)
    keys = np.array(ordered, dtype=np.int64)
    width = int(max(keys[:, 1].max(), item_ids.max(initial=0))) + 2
    code = keys[:, 0] * width + keys[:, 1]
    order = np.argsort(code)
    probe = loc_ids * width + item_ids
    pos = np.clip(np.searchsorted(code[order], probe), 0, code.size - 1)
    found = (code[order][pos] == probe) & (item_ids >= 0)
    return np.where(found, order[pos], -1).astype(np.int64)


def _item_facts(conn: Connection) -> dict[int, tuple[str, str, str, float, int]]:
    """code, name, criticality, unit cost (cheapest product per dispense unit), case pack."""
    it, ip, p = t.item, t.item_product, t.product
    facts: dict[int, tuple[str, str, str, float, int]] = {}
    rows = conn.execute(
        select(it.c.id, it.c.code, it.c.name, it.c.criticality, p.c.package_cost, p.c.package_size)
        .join(ip, ip.c.item_id == it.c.id, isouter=True)
        .join(p, p.c.id == ip.c.product_id, isouter=True)
        .order_by(it.c.id, p.c.id)
    )
    for item_id, code, name, crit, cost, size in rows:
        unit = float(Decimal(cost) / size) if cost is not None and size else 0.0
        if item_id not in facts:
            facts[item_id] = (code, name, crit, unit, int(size or 1))
        elif unit and (facts[item_id][3] == 0 or unit < facts[item_id][3]):
            c, n, k, _, pack = facts[item_id]
            facts[item_id] = (c, n, k, unit, pack)
    return facts


def _controlled_items(conn: Connection) -> set[int]:
    """The items with a product on a DEA schedule."""
    ip, p = t.item_product, t.product
    rows = conn.execute(
        select(ip.c.item_id).join(p, p.c.id == ip.c.product_id).where(p.c.dea_schedule.is_not(None))
    )
    return {int(r[0]) for r in rows}


def _shelf_lives(conn: Connection) -> dict[int, int]:
    """Per item, the median days from receipt to expiry of the lots received (the shelf life a
    new lot can be expected to have)."""
    ip, lot, mv = t.item_product, t.lot, t.movement
    rows = conn.execute(
        select(ip.c.item_id, lot.c.expiry, mv.c.occurred_at)
        .join(lot, lot.c.id == mv.c.lot_id)
        .join(ip, ip.c.product_id == mv.c.product_id)
        .where(mv.c.kind == MovementKind.RECEIPT.value, lot.c.expiry.is_not(None))
    )
    spans: dict[int, list[int]] = {}
    for item_id, expiry, at in rows:
        spans.setdefault(int(item_id), []).append((expiry - at.date()).days)
    return {k: max(0, int(np.median(v))) for k, v in spans.items()}
