"""The demand matrix of the hospital, read from the ledger.

Series are the item-locations that have settings (``stock_level``) or saw demand in the window.
Demand per local day:

- at a pocket or any location that dispenses: dispenses less patient returns;
- at a storeroom or satellite: also what it issued to other locations (transfers, refills),
  since that is what its stock is drawn down by.

Waste, expiry, returns to vendor and adjustments are not demand. A day that began and ended
with nothing on hand and saw no demand is censored (NaN): a patient may have needed the drug
and been served from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Date, Integer, case, cast, func, literal, select

from rxsupply.adapters import tables as t
from rxsupply.analytics.demand import DemandMatrix

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
ISSUING_KINDS = ("storeroom", "satellite")  # whose demand is what they issue to others
ISSUE_KINDS = ("transfer", "refill")


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """What planning needs to know about each row of the matrix (aligned arrays)."""

    location_id: Ints
    item_id: Ints
    location_code: tuple[str, ...]
    item_code: tuple[str, ...]
    item_name: tuple[str, ...]
    location_kind: NDArray[np.str_]
    capacity: Ints  # 0 when none
    unit_cost: Floats
    case_pack: Ints
    criticality: NDArray[np.str_]
    current_min: Ints  # -1 when no setting
    current_max: Ints
    lead_time_days: Ints
    review_period_days: Ints
    on_hand: Ints  # at the end of the window

    def rows_of(self, codes: set[str]) -> Ints:
        return np.array([i for i, c in enumerate(self.item_code) if c in codes], dtype=np.int64)


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


def ledger_demand(
    conn: Connection, *, start: date, end: date, zone: ZoneInfo
) -> tuple[DemandMatrix, SeriesInfo]:
    """Daily demand from ``start`` to ``end`` (inclusive, local days) for every series."""
    days = (end - start).days + 1
    if days < 1:
        raise ValueError("the window ends before it starts")
    since = datetime.combine(start, time(), zone).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    loc, ip = t.location, t.item_product
    item_of = dict(conn.execute(select(ip.c.product_id, ip.c.item_id)).all())
    locations = {
        r.id: (r.code, r.kind, r.capacity or 0)
        for r in conn.execute(select(loc.c.id, loc.c.code, loc.c.kind, loc.c.capacity))
    }
    stocking = np.array(
        [lid for lid, (_, kind, _) in locations.items() if kind in ISSUING_KINDS], dtype=np.int64
    )
    # out of a location: (day, product, location, kind class, units); class 1 dispense,
    # 2 issue (transfer or refill), 0 anything else
    out_rows = _grouped(conn, start, zone, since, until, outgoing=True)
    in_rows = _grouped(conn, start, zone, since, until, outgoing=False)
    largest = max(
        max(item_of, default=0),
        int(out_rows[:, 1].max(initial=0)),
        int(in_rows[:, 1].max(initial=0)),
    )
    item_lookup = np.full(largest + 2, -1, dtype=np.int64)  # products of no item stay -1
    for product_id, item_id in item_of.items():
        item_lookup[product_id] = item_id
    day, src, kind_out, qty_out = out_rows[:, 0], out_rows[:, 2], out_rows[:, 3], out_rows[:, 4]
    item_out = item_lookup[out_rows[:, 1]]
    dday, dst, kind_in, qty_in = in_rows[:, 0], in_rows[:, 2], in_rows[:, 3], in_rows[:, 4]
    item_in = item_lookup[in_rows[:, 1]]
    demand_out = (kind_out == 1) | ((kind_out == 2) & np.isin(src, stocking))

    levels = conn.execute(select(t.stock_level)).all()
    keys: dict[tuple[int, int], int] = {}
    for r in levels:
        keys.setdefault((r.location_id, r.item_id), len(keys))
    pairs = np.unique(np.stack([src[demand_out], item_out[demand_out]], axis=1), axis=0)
    for s_, i_ in pairs.tolist():
        if i_ >= 0:
            keys.setdefault((s_, i_), len(keys))
    ordered = sorted(keys, key=lambda k: (locations[k[0]][0], k[1]))
    n = len(ordered)
    out_series = _series_index(ordered, src, item_out)
    in_series = _series_index(ordered, dst, item_in)

    quantity = np.zeros(n * days)
    take = demand_out & (out_series >= 0)
    np.add.at(quantity, out_series[take] * days + day[take], qty_out[take])
    back = (kind_in == 1) & (in_series >= 0)
    np.add.at(quantity, in_series[back] * days + dday[back], -qty_in[back])
    matrix = np.maximum(quantity.reshape(n, days), 0.0)

    # on hand per series per day, to censor days that had nothing to give
    net = np.zeros(n * days)
    moved_in = in_series >= 0
    np.add.at(net, in_series[moved_in] * days + dday[moved_in], qty_in[moved_in])
    moved_out = out_series >= 0
    np.add.at(net, out_series[moved_out] * days + day[moved_out], -qty_out[moved_out])
    index = {k: i for i, k in enumerate(ordered)}
    opening = _on_hand_before(conn, since, index, item_of)
    end_of_day = opening[:, None] + np.cumsum(net.reshape(n, days), axis=1)
    start_of_day = np.concatenate([opening[:, None], end_of_day[:, :-1]], axis=1)
    censored = (start_of_day <= 0) & (end_of_day <= 0) & (matrix == 0)
    matrix = np.where(censored, np.nan, matrix)

    facts = _item_facts(conn)
    by_key = {(r.location_id, r.item_id): r for r in levels}
    info = SeriesInfo(
        location_id=np.array([k[0] for k in ordered], dtype=np.int64),
        item_id=np.array([k[1] for k in ordered], dtype=np.int64),
        location_code=tuple(locations[k[0]][0] for k in ordered),
        item_code=tuple(facts[k[1]][0] for k in ordered),
        item_name=tuple(facts[k[1]][1] for k in ordered),
        location_kind=np.array([locations[k[0]][1] for k in ordered], dtype="<U16"),
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
        on_hand=end_of_day[:, -1].astype(np.int64) if days else np.zeros(n, dtype=np.int64),
    )
    ids = tuple(f"{info.item_code[i]}@{info.location_code[i]}" for i in range(n))
    return DemandMatrix(series_ids=ids, start=start, quantities=matrix), info


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


def _local_day(
    conn: Connection, start: date, zone: ZoneInfo, since: datetime, until: datetime
) -> Any:
    """SQL for the facility-local day of ``movement.occurred_at``, counted from ``start``.

    PostgreSQL converts with the zone itself; SQLite (timestamps stored as UTC text) shifts by
    the zone's UTC offset, which is piecewise constant between the zone's transitions."""
    m = t.movement
    if conn.dialect.name == "postgresql":
        local = func.timezone(str(zone), m.c.occurred_at)
        return cast(func.date(local), Date) - literal(start, Date)
    cuts: list[tuple[datetime, int]] = []
    probe = since
    offset = _offset_minutes(probe, zone)
    cuts.append((probe, offset))
    while probe < until:
        nxt = probe + timedelta(hours=1)
        o = _offset_minutes(nxt, zone)
        if o != offset:
            cuts.append((nxt, o))
            offset = o
        probe = nxt
    stored = t.UTCDateTime()
    steady = literal(f"{cuts[0][1]:+d} minutes")
    shift: Any = (
        case(
            *[
                (m.c.occurred_at >= literal(at, stored), f"{minutes:+d} minutes")
                for at, minutes in reversed(cuts[1:])
            ],
            else_=f"{cuts[0][1]:+d} minutes",
        )
        if len(cuts) > 1
        else steady  # a zone without daylight saving time: one offset all along
    )
    day = func.julianday(func.date(m.c.occurred_at, shift)) - func.julianday(start.isoformat())
    return cast(day, Integer)


def _offset_minutes(at: datetime, zone: ZoneInfo) -> int:
    delta = at.astimezone(zone).utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else 0


def _grouped(
    conn: Connection,
    start: date,
    zone: ZoneInfo,
    since: datetime,
    until: datetime,
    *,
    outgoing: bool,
) -> Ints:
    """Units per (local day, product, location, kind class) moved out of (or into) locations,
    grouped in the database so only the sums travel. Kind classes: out of a location 1
    dispense, 2 transfer or refill; into one 1 patient return; 0 anything else."""
    m = t.movement
    where = m.c.from_location_id if outgoing else m.c.to_location_id
    if outgoing:
        klass = case((m.c.kind == "dispense", 1), (m.c.kind.in_(ISSUE_KINDS), 2), else_=0)
    else:
        klass = case((m.c.kind == "patient_return", 1), else_=0)
    day = _local_day(conn, start, zone, since, until).label("day")
    query = (
        select(day, m.c.product_id, where, klass, func.sum(m.c.quantity))
        .where(m.c.occurred_at >= since, m.c.occurred_at < until, where.is_not(None))
        .group_by(day, m.c.product_id, where, klass)
    )
    rows = conn.execute(query).all()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=5 * len(rows))
    return flat.reshape(len(rows), 5)


def _on_hand_before(
    conn: Connection,
    since: datetime,
    index: dict[tuple[int, int], int],
    item_of: dict[int, int],
) -> Floats:
    """On hand of every series at ``since``: the sum of what came in less what went out."""
    m = t.movement
    out = np.zeros(len(index))
    for column, sign in ((m.c.to_location_id, 1), (m.c.from_location_id, -1)):
        rows = conn.execute(
            select(column, m.c.product_id, func.sum(m.c.quantity))
            .where(m.c.occurred_at < since, column.is_not(None))
            .group_by(column, m.c.product_id)
        )
        for loc_id, product_id, total in rows:
            key = (loc_id, item_of.get(product_id, -1))
            if key in index:
                out[index[key]] += sign * int(total)
    return out
