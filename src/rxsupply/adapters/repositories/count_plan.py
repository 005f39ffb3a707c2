"""The count plan's rows in SQL: each item-location with stock (and each pocket assigned an
item), its class from the latest planning run, its usage value over the last year, whether it
is a controlled substance and when it was last counted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.services.ports.counting import PlanRow

OUTGOING = ("dispense", "waste", "transfer", "refill")
"""Movements out of a location that make up its usage for the fallback ABC ranking."""
COUNTED = ("submitted", "approved", "posted")


def first_item() -> Any:
    """Each product's item (the first, when a product stocks more than one)."""
    ip = t.item_product
    return (
        select(ip.c.product_id, func.min(ip.c.item_id).label("item_id"))
        .group_by(ip.c.product_id)
        .subquery()
    )


def plan_rows(conn: Connection, *, usage_since: datetime) -> list[PlanRow]:
    """Item-locations with stock on hand, and pockets assigned an item."""
    oh, loc, it, p = t.on_hand, t.location, t.item, t.product
    first = first_item()
    stocked = (
        select(oh.c.location_id, first.c.item_id)
        .join(first, first.c.product_id == oh.c.product_id)
        .where(oh.c.quantity > 0)
    )
    pockets = select(loc.c.id, loc.c.item_id).where(
        loc.c.kind == "pocket", loc.c.item_id.is_not(None)
    )
    pairs = {(int(a), int(b)) for a, b in conn.execute(stocked.union(pockets))}
    if not pairs:
        return []
    codes = {int(r[0]): str(r[1]) for r in conn.execute(select(loc.c.id, loc.c.code))}
    items = {r.id: (r.code, r.name) for r in conn.execute(select(it.c.id, it.c.code, it.c.name))}
    sc = t.series_class
    classes = {
        (r.location_id, r.item_id): r.abc
        for r in conn.execute(select(sc.c.location_id, sc.c.item_id, sc.c.abc))
    }
    ip = t.item_product
    scheduled = {
        int(i)
        for i in conn.execute(
            select(ip.c.item_id)
            .join(p, p.c.id == ip.c.product_id)
            .where(p.c.dea_schedule.is_not(None))
        ).scalars()
    }
    usage = _usage(conn, usage_since) if any(pair not in classes for pair in pairs) else {}
    cl, sct = t.stock_count_line, t.stock_count
    last: dict[tuple[int, int], date] = {}
    q2 = (
        select(cl.c.location_id, cl.c.item_id, func.max(sct.c.counted_on))
        .join(sct, sct.c.id == cl.c.count_id)
        .where(sct.c.status.in_(COUNTED), cl.c.item_id.is_not(None), cl.c.counted.is_not(None))
        .group_by(cl.c.location_id, cl.c.item_id)
    )
    for loc_id, item_id, day in conn.execute(q2):
        if day is not None:
            last[(int(loc_id), int(item_id))] = day
    return [
        PlanRow(
            location_id=loc_id,
            location=codes[loc_id],
            item_id=item_id,
            item=items[item_id][0],
            item_name=items[item_id][1],
            abc=classes.get((loc_id, item_id), ""),
            usage_value=usage.get((loc_id, item_id), Decimal(0)),
            controlled=item_id in scheduled,
            last_counted=last.get((loc_id, item_id)),
        )
        for loc_id, item_id in sorted(pairs, key=lambda k: (codes[k[0]], items[k[1]][0]))
    ]


def _usage(conn: Connection, since: datetime) -> dict[tuple[int, int], Decimal]:
    """Usage value (at package cost) of each item-location since ``since``: what went out of
    it (dispenses, wastes, transfers and refills)."""
    m, p, ip = t.movement, t.product, t.item_product
    items: dict[int, int] = {}
    for product_id, item_id in conn.execute(select(ip.c.product_id, ip.c.item_id)):
        items[int(product_id)] = min(items.get(int(product_id), int(item_id)), int(item_id))
    costs = {
        int(r.id): (r.package_cost, int(r.package_size))
        for r in conn.execute(select(p.c.id, p.c.package_cost, p.c.package_size))
    }
    q = (
        select(m.c.from_location_id, m.c.product_id, func.sum(m.c.quantity))
        .where(
            m.c.occurred_at >= since,
            m.c.kind.in_(OUTGOING),
            m.c.from_location_id.is_not(None),
        )
        .group_by(m.c.from_location_id, m.c.product_id)
    )
    usage: dict[tuple[int, int], Decimal] = {}
    for loc_id, product_id, qty in conn.execute(q):
        cost, size = costs[int(product_id)]
        item_id = items.get(int(product_id))
        if cost is None or item_id is None:
            continue
        key = (int(loc_id), item_id)
        usage[key] = usage.get(key, Decimal(0)) + cost * int(qty) / size
    return usage
