"""The dashboard and its charts (web UI): :func:`summary` counts, on-hand value by location,
usage value, inventory turns and days on hand, items at zero (usable stock only), and an item's
daily usage. Unusable stock, the dashboard's tile of expired and blocked stock, is in
:mod:`.unusable`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.kpi import stock_outs
from rxsupply.adapters.queries.kpi_now import Held, held


def summary(conn: Connection) -> dict[str, Any]:
    """Counts and value for the demo summary and the dashboard."""

    def count(table: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    m = t.movement
    first, last = conn.execute(select(func.min(m.c.occurred_at), func.max(m.c.occurred_at))).one()
    kinds: dict[str, int] = dict(
        conn.execute(select(m.c.kind, func.count()).group_by(m.c.kind)).all()
    )
    value = held(conn).value()
    by_kind: dict[str, int] = dict(
        conn.execute(select(t.location.c.kind, func.count()).group_by(t.location.c.kind)).all()
    )
    return {
        "items": count(t.item),
        "products": count(t.product),
        "locations": count(t.location),
        "locations_by_kind": by_kind,
        "lots": count(t.lot),
        "on_hand_value": str(value.quantize(Decimal("0.01"))),
        "movements": count(m),
        "movements_by_kind": kinds,
        "dispense_transactions": int(
            conn.execute(
                select(func.count())
                .select_from(t.external_ref)
                .where(t.external_ref.c.external_id.like("txn:%"))
            ).scalar_one()
        ),
        "purchase_lines": count(t.purchase_line),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
    }


USAGE_KINDS = ("dispense", "patient_return")
"""Movements that make up usage: dispenses less patient returns."""


def _value(cost: Decimal | None, quantity: int, size: int) -> Decimal:
    return Decimal(0) if cost is None else cost * quantity / size


def _value_by_location(conn: Connection, now: Held | None = None) -> list[dict[str, Any]]:
    """On-hand units and exact (unrounded) value by stocking location; see value_by_location."""
    lines = now or held(conn)
    totals = lines.value_by(lines.place)
    loc = t.location
    names = {
        int(i): (code, name, kind)
        for i, code, name, kind in conn.execute(
            select(loc.c.id, loc.c.code, loc.c.name, loc.c.kind).where(loc.c.id.in_(list(totals)))
        ).all()
    }
    out = [
        {
            "location": names[place][0],
            "name": names[place][1],
            "kind": names[place][2],
            "units": units,
            "value": value,
        }
        for place, (units, value) in totals.items()
    ]
    return sorted(out, key=lambda r: (-r["value"], r["location"]))


def value_by_location(conn: Connection, *, now: Held | None = None) -> list[dict[str, Any]]:
    """On-hand units and value (package cost, to the cent) by stocking location, highest value
    first. Pockets count toward the cabinet (or storeroom) that holds them, so an ADC shows as
    one bar."""
    return [
        r | {"value": str(r["value"].quantize(Decimal("0.01")))}
        for r in _value_by_location(conn, now)
    ]


def on_hand_value(conn: Connection) -> Decimal:
    """Value of everything on hand at package cost (products without a cost count as 0)."""
    return held(conn).value().quantize(Decimal("0.01"))


def usage_value(conn: Connection, *, since: datetime, until: datetime) -> Decimal:
    """Value of dispenses less patient returns with ``since <= occurred_at < until``."""
    m, p = t.movement, t.product
    q = (
        select(m.c.kind, func.sum(m.c.quantity), p.c.package_cost, p.c.package_size)
        .join(p, p.c.id == m.c.product_id)
        .where(m.c.kind.in_(USAGE_KINDS), m.c.occurred_at >= since, m.c.occurred_at < until)
        .group_by(m.c.kind, p.c.id, p.c.package_cost, p.c.package_size)
    )
    total = Decimal(0)
    for kind, qty, cost, size in conn.execute(q):
        sign = 1 if kind == "dispense" else -1
        total += sign * _value(cost, int(qty), int(size))
    return total.quantize(Decimal("0.01"))


def turns(conn: Connection, *, since: datetime, until: datetime) -> dict[str, Any]:
    """Inventory turns and days on hand over ``[since, until)`` (usually the last 365 days).

    turns = usage value over the period / current on-hand value;
    days on hand = on-hand value / average daily usage value (usage value / days in period).
    Usage is dispenses less patient returns at package cost. ``None`` where a ratio has a zero
    denominator (nothing on hand, or no usage).
    """
    stock = on_hand_value(conn)
    usage = usage_value(conn, since=since, until=until)
    days = max((until - since).total_seconds() / 86400, 1.0)
    daily = float(usage) / days
    return {
        "on_hand_value": str(stock),
        "usage_value": str(usage),
        "days": round(days),
        "turns": float(usage) / float(stock) if stock > 0 else None,
        "days_on_hand": float(stock) / daily if daily > 0 else None,
    }


def items_at_zero(conn: Connection, *, today: date) -> list[dict[str, Any]]:
    """Stocked item-locations (a max level above 0) with no usable unit there on ``today``,
    vital items first: see :func:`rxsupply.adapters.queries.kpi.stock_outs`. An item whose
    only units are expired, blocked or in quarantine is at zero; an item nobody stocks is
    not listed."""
    return stock_outs(conn, today=today)


def daily_usage(
    conn: Connection, *, item: str, since: date, until: date, zone: tzinfo
) -> list[dict[str, Any]]:
    """Units of an item used per local day (dispenses less patient returns), one row per day
    from ``since`` to ``until`` inclusive, days without movements as 0."""
    m, ip = t.movement, t.item_product
    start = datetime.combine(since, time(), zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(), zone).astimezone(UTC)
    q = select(m.c.kind, m.c.occurred_at, m.c.quantity).where(
        m.c.kind.in_(USAGE_KINDS),
        m.c.occurred_at >= start,
        m.c.occurred_at < end,
        m.c.product_id.in_(
            select(ip.c.product_id)
            .join(t.item, t.item.c.id == ip.c.item_id)
            .where(t.item.c.code == item)
        ),
    )
    days = (until - since).days + 1
    used = [0] * max(days, 0)
    for kind, at, qty in conn.execute(q):
        index = (at.astimezone(zone).date() - since).days
        if 0 <= index < len(used):
            used[index] += int(qty) if kind == "dispense" else -int(qty)
    return [
        {"day": (since + timedelta(days=i)).isoformat(), "units": units}
        for i, units in enumerate(used)
    ]
