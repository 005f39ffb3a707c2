"""The key figures of the daily screens, each with its definition (:data:`DEFINITIONS`, shown on
the dashboard and returned by ``GET /api/kpi``): inventory value by ABC class, turns and days on
hand, stock-outs now and stock-out days, and the vend-to-fill ratio of each cabinet. Value by
location is :func:`rxsupply.adapters.queries.dashboard.value_by_location`; the on-contract share
comes from the pricing module's compliance report.

Money is at today's package cost per dispense unit (package cost / package size; a product
without a cost counts as 0). Days are the facility's local days. Ledger sums come from the daily
summaries (:mod:`.kpi_days`), exact to the last movement.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Connection, Float, cast, func, select, tuple_

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries import kpi_days
from rxsupply.adapters.queries.kpi_now import CLASSES, Held, Stocked, held, stocked

YEAR = 365
RECENT = 30
CENT = Decimal("0.01")
CHUNK = 400
CRITICALITY_ORDER = {"vital": 0, "essential": 1, "non-essential": 2}

DEFINITIONS = {
    "value_by_location": "Units on hand (any status) x package cost / package size, summed per "
    "storeroom, satellite and cabinet; a pocket counts toward its cabinet.",
    "value_by_class": "The same on-hand value per ABC class of the item-location, as the last "
    "planning run classified it (A: the items making most of the annual usage value); lines "
    "the planning run has not classified are 'unclassified'.",
    "turns": "Cost of issues over the last 365 days (dispenses less patient returns, at "
    "today's cost) / average inventory value (the mean of the 365 end-of-day on-hand values, "
    "rebuilt from the ledger, at today's cost).",
    "days_on_hand": "Average inventory value / average daily cost of issues over the same 365 "
    "days (= 365 / turns).",
    "stock_outs": "Stocked item-locations (a PAR/max level above 0; do-not-stock lines excluded) "
    "with no usable unit of the item there now (expired, quarantined, recalled or suspect stock "
    "does not count); vital items first.",
    "stockout_days": "Over the last 30 days (today included, today's balance is now's): the "
    "days a stocked item-location ended with no unit of the item on hand, summed over "
    "item-locations.",
    "contract_share": "Invoice spend over the last 365 days at an eligible contract price / all "
    "invoice spend (the contract compliance report, `rxsupply prices compliance`).",
    "vend_to_fill": "Per cabinet over the last 30 days: dispense movements out of its pockets / "
    "refill movements into them (one movement per lot): how many vends each refill trip buys.",
}


def value_by_class(conn: Connection, *, now: Held | None = None) -> list[dict[str, Any]]:
    """On-hand units and value per ABC class (see :data:`DEFINITIONS`), A, B, C, unclassified."""
    lines = now or held(conn)
    totals = lines.value_by(lines.abc)
    order = [1, 2, 3, 0]
    return [
        {"class": CLASSES[c], "units": totals[c][0], "value": str(totals[c][1].quantize(CENT))}
        for c in order
        if c in totals
    ]


def turns(
    conn: Connection,
    *,
    zone: tzinfo,
    today: date,
    now: Held | None = None,
    held_on: date | None = None,
) -> dict[str, Any]:
    """Turns and days on hand over the 365 local days ending ``today`` (see
    :data:`DEFINITIONS`); ``None`` where a ratio has a zero denominator. ``now`` is what is
    held on ``held_on`` (a later day than ``today``: the units that came in or went out
    after ``today`` are taken back, so the values are the ledger's at the end of ``today``)."""
    first = today - timedelta(days=YEAR - 1)
    sums = kpi_days.product_sums(conn, zone=zone, first=first, last=today)
    lines = now or held(conn)
    costs = lines.unit_cost
    value = lines.value()
    if held_on is not None and held_on > today:
        later = kpi_days.product_sums(
            conn, zone=zone, first=today + timedelta(days=1), last=held_on
        )
        value -= sum(
            (costs.get(product, Decimal(0)) * net for product, (net, _, _) in later.items()),
            Decimal(0),
        )
    start = kpi_days.day_number(first)
    issued = Decimal(0)
    weighted = Decimal(0)  # sum over products of cost x net units x days before the movement
    for product, (net, moment, used) in sums.items():
        cost = costs.get(product, Decimal(0))
        issued += cost * used
        weighted += cost * (moment - start * net)
    average = value - weighted / YEAR
    return {
        "first_day": first.isoformat(),
        "last_day": today.isoformat(),
        "days": YEAR,
        "on_hand_value": str(value.quantize(CENT)),
        "average_value": str(average.quantize(CENT)),
        "issues_value": str(issued.quantize(CENT)),
        "turns": float(issued / average) if average > 0 else None,
        "days_on_hand": float(average * YEAR / issued) if issued > 0 else None,
    }


def stock_outs(
    conn: Connection, *, today: date, levels: Stocked | None = None
) -> list[dict[str, Any]]:
    """Stocked item-locations with no usable unit now, vital first, then by item and location
    (see :data:`DEFINITIONS`)."""
    found = levels or stocked(conn, held(conn, today=today))
    out_at = np.flatnonzero(found.usable_lines == 0)
    pairs = list(zip(found.location[out_at].tolist(), found.item[out_at].tolist(), strict=True))
    s, it, place = t.stock_level, t.item, t.location.alias("place")
    columns = (
        it.c.code,
        it.c.name,
        it.c.criticality,
        place.c.code,
        place.c.name,
        place.c.kind,
        s.c.min_level,
        s.c.max_level,
    )
    out: list[dict[str, Any]] = []
    for start in range(0, len(pairs), CHUNK):  # a statement's parameters are bounded
        q = (
            select(*columns)
            .select_from(s)
            .join(it, it.c.id == s.c.item_id)
            .join(place, place.c.id == s.c.location_id)
            .where(tuple_(s.c.location_id, s.c.item_id).in_(pairs[start : start + CHUNK]))
        )
        out.extend(
            {
                "code": code,
                "name": name,
                "criticality": crit,
                "location": lcode,
                "location_name": lname,
                "location_kind": kind,
                "min": low,
                "max": high,
            }
            for code, name, crit, lcode, lname, kind, low, high in conn.execute(q).all()
        )
    out.sort(key=lambda r: (CRITICALITY_ORDER.get(r["criticality"], 3), r["name"], r["location"]))
    return out


Days = kpi_days.StockRows


def recent_days(conn: Connection, *, zone: tzinfo, today: date) -> Days:
    """The ledger's sums per day, location and product over the 30 local days ending today."""
    first = today - timedelta(days=RECENT - 1)
    return kpi_days.stock_rows(conn, zone=zone, first=first, last=today)


def stockout_days(
    conn: Connection,
    *,
    zone: tzinfo,
    today: date,
    days: Days | None = None,
    levels: Stocked | None = None,
) -> dict[str, Any]:
    """Stock-out days of the stocked item-locations over the 30 local days ending ``today``
    (see :data:`DEFINITIONS`)."""
    first = today - timedelta(days=RECENT - 1)
    found = levels or stocked(conn, held(conn, today=today))
    if days is None:
        days = recent_days(conn, zone=zone, today=today)
    start, end = kpi_days.day_number(first), kpi_days.day_number(today)
    keys, values = days
    change = values[:, 0] - values[:, 1]
    moved = (change != 0) & (keys[:, 0] >= start) & (keys[:, 0] <= end)
    keys, change = keys[moved], change[moved]
    rows, series = found.spread(keys[:, 1], keys[:, 2])
    net = np.zeros((len(found), RECENT), dtype=np.int64)  # net units in, per series and day
    np.add.at(net, (series, keys[rows, 0] - start), change[rows])
    # the end of day j = now less what came in after it: sum of net over the days after j
    after = np.cumsum(net[:, ::-1], axis=1)[:, ::-1] - net
    zero_days = ((found.units[:, None] - after) == 0).sum(axis=1)
    return {
        "first_day": first.isoformat(),
        "last_day": today.isoformat(),
        "stocked": len(found),
        "stockout_days": int(zero_days.sum()),
        "item_locations_out": int((zero_days > 0).sum()),
    }


def vend_to_fill(
    conn: Connection, *, zone: tzinfo, today: date, days: Days | None = None
) -> list[dict[str, Any]]:
    """Per cabinet over the 30 local days ending ``today``: dispenses, refills and their ratio
    (``None`` without a refill), highest ratio first (see :data:`DEFINITIONS`)."""
    loc, lp = t.location, t.location_path
    cabinets = {
        int(i): (code, name)
        for i, code, name in conn.execute(
            select(loc.c.id, loc.c.code, loc.c.name).where(loc.c.kind == "adc")
        ).all()
    }
    cabinet_of = {
        int(place): int(anc)
        for place, anc in conn.execute(
            select(lp.c.location_id, lp.c.ancestor_id).where(lp.c.ancestor_id.in_(cabinets))
        ).all()
    }
    counts: dict[int, list[int]] = {c: [0, 0] for c in cabinets}
    if days is None:
        days = recent_days(conn, zone=zone, today=today)
    keys, values = days
    places, which = np.unique(keys[:, 1], return_inverse=True)
    dispensed = np.bincount(which.reshape(-1), weights=values[:, 2], minlength=len(places))
    refilled = np.bincount(which.reshape(-1), weights=values[:, 3], minlength=len(places))
    for place, d, r in zip(places.tolist(), dispensed.tolist(), refilled.tolist(), strict=True):
        cab = cabinet_of.get(place)
        if cab is not None:
            counts[cab][0] += int(d)
            counts[cab][1] += int(r)
    out = [
        {
            "cabinet": cabinets[c][0],
            "name": cabinets[c][1],
            "dispenses": v[0],
            "refills": v[1],
            "ratio": round(v[0] / v[1], 2) if v[1] else None,
        }
        for c, v in counts.items()
    ]
    out.sort(key=lambda r: (-(r["ratio"] or 0), r["cabinet"]))
    return out


def pricing_fingerprint(conn: Connection) -> str:
    """What the compliance report reads, summed cheaply: counts, highest ids, prices, end
    dates and tiers of the invoice lines, contract prices, catalogue prices and contracts, and
    the products' package sizes. A kept report whose fingerprint differs is computed again."""
    pl, cp, cat, c, p, ip = (
        t.purchase_line,
        t.contract_price,
        t.catalogue_price,
        t.contract,
        t.product,
        t.item_product,
    )
    parts = [
        select(
            func.count(), func.max(pl.c.id), func.sum(pl.c.packages), func.max(pl.c.invoice_date)
        ),
        select(
            func.count(),
            func.max(cp.c.id),
            func.count(cp.c.ends),
            func.max(cp.c.ends),
            func.min(cp.c.ends),
            func.max(cp.c.tier),
            func.min(cp.c.tier),
        ),
        select(func.count(), func.max(cat.c.id), func.max(cat.c.starts)),
        select(func.count(), func.max(c.c.id), func.max(c.c.tier), func.min(c.c.tier)),
        select(func.count(), func.sum(p.c.package_size)),
        select(func.count(), func.sum(ip.c.item_id), func.sum(ip.c.product_id)),
    ]
    found = [str(tuple(conn.execute(q).one())) for q in parts]
    prices = conn.execute(
        select(
            select(func.sum(cast(pl.c.unit_price, Float) * pl.c.packages)).scalar_subquery(),
            select(func.sum(cast(cp.c.price, Float))).scalar_subquery(),
            select(func.sum(cast(cat.c.wac, Float))).scalar_subquery(),
        )
    ).one()
    return "|".join([*found, str(tuple(prices))])
