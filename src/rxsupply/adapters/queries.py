"""Read models: stock on hand, the ledger of an item, and the ledger check.

The CLI, the API and the web pages all call these, so every face shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, literal, or_, select, union_all
from sqlalchemy.sql import Select

from rxsupply.adapters import tables as t
from rxsupply.domain.ndc import ndc_lookup_key
from rxsupply.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class StockFilter:
    item: str | None = None
    location: str | None = None
    ndc: str | None = None
    search: str | None = None
    expiring_before: date | None = None
    include_zero: bool = False
    limit: int | None = None
    offset: int = 0


def subtree_ids(code: str) -> Any:
    """A subquery of the ids of location ``code`` and every location below it."""
    loc = t.location
    top = select(loc.c.id).where(loc.c.code == code).cte("subtree", recursive=True)
    below = select(loc.c.id).join(top, loc.c.parent_id == top.c.id)
    return select(top.union_all(below).c.id)


def product_filter(ndc: str) -> Any:
    """Match a product by an NDC written in any form (hyphenated, 10 or 11 digits) or a
    GTIN-14."""
    p = t.product
    raw = ndc.strip()
    if raw.isdigit() and len(raw) == 14:
        return p.c.gtin == raw
    try:
        key, value = ndc_lookup_key(raw)
    except InvalidValue:  # part of an NDC: match it anywhere in the hyphenated form
        return or_(p.c.ndc.like(f"%{raw}%"), p.c.ndc_digits.like(f"%{raw.replace('-', '')}%"))
    column = {"ndc": p.c.ndc, "digits10": p.c.ndc_digits, "ndc11": p.c.ndc11}[key]
    return column == value


def stock_rows(conn: Connection, f: StockFilter = StockFilter()) -> list[dict[str, Any]]:
    """On-hand by location, item, product and lot, with value at the product's package cost."""
    oh, p, lo, loc = t.on_hand, t.product, t.lot, t.location
    parent = t.location.alias("parent")
    it, ip = t.item, t.item_product
    q: Select[Any] = (
        select(
            loc.c.code.label("location"),
            loc.c.kind.label("location_kind"),
            parent.c.code.label("parent"),
            it.c.code.label("item"),
            it.c.name.label("item_name"),
            p.c.ndc,
            p.c.name.label("product"),
            p.c.dispense_unit,
            p.c.package_size,
            p.c.package_cost,
            lo.c.lot_number.label("lot"),
            lo.c.expiry,
            oh.c.quantity,
        )
        .select_from(oh)
        .join(loc, loc.c.id == oh.c.location_id)
        .outerjoin(parent, parent.c.id == loc.c.parent_id)
        .join(p, p.c.id == oh.c.product_id)
        .join(lo, lo.c.id == oh.c.lot_id)
        .outerjoin(ip, ip.c.product_id == p.c.id)
        .outerjoin(it, it.c.id == ip.c.item_id)
        .order_by(it.c.code, loc.c.code, p.c.ndc, lo.c.expiry, lo.c.lot_number)
    )
    if not f.include_zero:
        q = q.where(oh.c.quantity > 0)
    if f.item:
        q = q.where(it.c.code == f.item)
    if f.location:
        q = q.where(oh.c.location_id.in_(subtree_ids(f.location)))
    if f.ndc:
        q = q.where(product_filter(f.ndc))
    if f.search:
        like = f"%{f.search.lower()}%"
        q = q.where(
            or_(
                func.lower(it.c.name).like(like),
                func.lower(p.c.name).like(like),
                p.c.ndc.like(like),
                func.lower(it.c.code).like(like),
            )
        )
    if f.expiring_before:
        q = q.where(lo.c.expiry < f.expiring_before)
    if f.limit is not None:
        q = q.limit(f.limit).offset(f.offset)
    out = []
    for r in conn.execute(q).mappings():
        cost: Decimal | None = r["package_cost"]
        value = (
            None
            if cost is None
            else (cost * r["quantity"] / r["package_size"]).quantize(Decimal("0.01"))
        )
        out.append(
            {
                "location": r["location"],
                "location_kind": r["location_kind"],
                "parent": r["parent"],
                "item": r["item"],
                "item_name": r["item_name"],
                "ndc": r["ndc"],
                "product": r["product"],
                "lot": r["lot"],
                "expiry": r["expiry"].isoformat() if r["expiry"] else None,
                "quantity": int(r["quantity"]),
                "unit": r["dispense_unit"],
                "value": str(value) if value is not None else None,
            }
        )
    return out


def ledger_rows(
    conn: Connection,
    *,
    item: str | None = None,
    ndc: str | None = None,
    location: str | None = None,
    limit: int | None = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Movements of an item (all its products) or one NDC, newest first."""
    m, p, lo = t.movement, t.product, t.lot
    src, dst = t.location.alias("src"), t.location.alias("dst")
    q: Select[Any] = (
        select(
            m.c.id,
            m.c.kind,
            m.c.occurred_at,
            m.c.quantity,
            p.c.ndc,
            p.c.name,
            lo.c.lot_number,
            lo.c.expiry,
            src.c.code.label("from_location"),
            dst.c.code.label("to_location"),
            m.c.external_id,
            m.c.reference,
            m.c.user_name,
            m.c.note,
        )
        .select_from(m)
        .join(p, p.c.id == m.c.product_id)
        .join(lo, lo.c.id == m.c.lot_id)
        .outerjoin(src, src.c.id == m.c.from_location_id)
        .outerjoin(dst, dst.c.id == m.c.to_location_id)
        .order_by(m.c.occurred_at.desc(), m.c.id.desc())
    )
    if item:
        q = q.where(
            m.c.product_id.in_(
                select(t.item_product.c.product_id)
                .join(t.item, t.item.c.id == t.item_product.c.item_id)
                .where(t.item.c.code == item)
            )
        )
    if ndc:
        q = q.where(product_filter(ndc))
    if location:
        inside = subtree_ids(location)
        q = q.where(or_(m.c.from_location_id.in_(inside), m.c.to_location_id.in_(inside)))
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "occurred_at": r["occurred_at"].isoformat(),
            "quantity": int(r["quantity"]),
            "ndc": r["ndc"],
            "product": r["name"],
            "lot": r["lot_number"],
            "expiry": r["expiry"].isoformat() if r["expiry"] else None,
            "from_location": r["from_location"],
            "to_location": r["to_location"],
            "external_id": r["external_id"],
            "reference": r["reference"],
            "user": r["user_name"],
            "note": r["note"],
        }
        for r in conn.execute(q).mappings()
    ]


def check_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every (location, product, lot) whose on-hand differs from its ledger sum."""
    m, oh = t.movement, t.on_hand
    ins = select(
        m.c.to_location_id.label("loc"),
        m.c.product_id.label("prod"),
        m.c.lot_id.label("lot"),
        m.c.quantity.label("q"),
    ).where(m.c.to_location_id.is_not(None))
    outs = select(
        m.c.from_location_id.label("loc"),
        m.c.product_id.label("prod"),
        m.c.lot_id.label("lot"),
        (-m.c.quantity).label("q"),
    ).where(m.c.from_location_id.is_not(None))
    moves = union_all(ins, outs).subquery()
    ledger = (
        select(moves.c.loc, moves.c.prod, moves.c.lot, func.sum(moves.c.q).label("ledger"))
        .group_by(moves.c.loc, moves.c.prod, moves.c.lot)
        .subquery()
    )
    stock = select(
        oh.c.location_id.label("loc"),
        oh.c.product_id.label("prod"),
        oh.c.lot_id.label("lot"),
        oh.c.quantity.label("on_hand"),
    ).subquery()
    left = select(
        stock.c.loc,
        stock.c.prod,
        stock.c.lot,
        stock.c.on_hand,
        func.coalesce(ledger.c.ledger, 0).label("ledger"),
    ).select_from(
        stock.outerjoin(
            ledger,
            (stock.c.loc == ledger.c.loc)
            & (stock.c.prod == ledger.c.prod)
            & (stock.c.lot == ledger.c.lot),
        )
    )
    right = (
        select(
            ledger.c.loc, ledger.c.prod, ledger.c.lot, literal(0).label("on_hand"), ledger.c.ledger
        )
        .select_from(
            ledger.outerjoin(
                stock,
                (stock.c.loc == ledger.c.loc)
                & (stock.c.prod == ledger.c.prod)
                & (stock.c.lot == ledger.c.lot),
            )
        )
        .where(stock.c.loc.is_(None))
    )
    both = union_all(left, right).subquery()
    loc, p, lo = t.location, t.product, t.lot
    q = (
        select(loc.c.code, p.c.ndc, lo.c.lot_number, both.c.on_hand, both.c.ledger)
        .select_from(both)
        .join(loc, loc.c.id == both.c.loc)
        .join(p, p.c.id == both.c.prod)
        .join(lo, lo.c.id == both.c.lot)
        .where(both.c.on_hand != both.c.ledger)
        .order_by(loc.c.code, p.c.ndc, lo.c.lot_number)
    )
    return [
        {
            "location": r[0],
            "ndc": r[1],
            "lot": r[2],
            "on_hand": int(r[3]),
            "ledger": int(r[4]),
            "difference": int(r[3]) - int(r[4]),
        }
        for r in conn.execute(q)
    ]


def summary(conn: Connection) -> dict[str, Any]:
    """Counts and value for the demo summary and the dashboard."""

    def count(table: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    m = t.movement
    first, last = conn.execute(select(func.min(m.c.occurred_at), func.max(m.c.occurred_at))).one()
    kinds: dict[str, int] = dict(
        conn.execute(select(m.c.kind, func.count()).group_by(m.c.kind)).all()
    )
    value = Decimal(0)
    rows = conn.execute(
        select(t.on_hand.c.quantity, t.product.c.package_cost, t.product.c.package_size)
        .join(t.product, t.product.c.id == t.on_hand.c.product_id)
        .where(t.on_hand.c.quantity > 0)
    )
    for qty, cost, size in rows:
        if cost is not None:
            value += cost * qty / size
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


def item_rows(
    conn: Connection,
    *,
    search: str | None = None,
    code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Items with their product count and total on-hand in dispense units."""
    it, ip, oh = t.item, t.item_product, t.on_hand
    stock = (
        select(ip.c.item_id, func.sum(oh.c.quantity).label("on_hand"))
        .join(oh, oh.c.product_id == ip.c.product_id)
        .group_by(ip.c.item_id)
        .subquery()
    )
    products = (
        select(ip.c.item_id, func.count().label("products")).group_by(ip.c.item_id).subquery()
    )
    q = (
        select(
            it.c.code,
            it.c.name,
            it.c.criticality,
            func.coalesce(products.c.products, 0),
            func.coalesce(stock.c.on_hand, 0),
        )
        .outerjoin(products, products.c.item_id == it.c.id)
        .outerjoin(stock, stock.c.item_id == it.c.id)
        .order_by(it.c.name)
        .limit(limit)
        .offset(offset)
    )
    if code is not None:
        q = q.where(it.c.code == code)
    if search:
        like = f"%{search.lower()}%"
        q = q.where(
            or_(
                func.lower(it.c.name).like(like),
                func.lower(it.c.code).like(like),
                it.c.id.in_(
                    select(ip.c.item_id)
                    .join(t.product, t.product.c.id == ip.c.product_id)
                    .where(t.product.c.ndc.like(like))
                ),
            )
        )
    return [
        {
            "code": r[0],
            "name": r[1],
            "criticality": r[2],
            "products": int(r[3]),
            "on_hand": int(r[4]),
        }
        for r in conn.execute(q)
    ]


def product_rows(
    conn: Connection,
    *,
    search: str | None = None,
    item: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    p = t.product
    q = select(p).order_by(p.c.name, p.c.ndc).limit(limit).offset(offset)
    if search:
        like = f"%{search.lower()}%"
        q = q.where(
            or_(
                func.lower(p.c.name).like(like),
                p.c.ndc.like(like),
                func.lower(p.c.generic_name).like(like),
                p.c.gtin == search,
                p.c.ndc11 == search.replace("-", ""),
            )
        )
    if item:
        q = q.where(
            p.c.id.in_(
                select(t.item_product.c.product_id)
                .join(t.item, t.item.c.id == t.item_product.c.item_id)
                .where(t.item.c.code == item)
            )
        )
    return [
        {
            "ndc": r["ndc"],
            "ndc11": r["ndc11"],
            "gtin": r["gtin"],
            "name": r["name"],
            "generic_name": r["generic_name"],
            "labeler": r["labeler"],
            "strength": r["strength"],
            "dosage_form": r["dosage_form"],
            "package_size": r["package_size"],
            "dispense_unit": r["dispense_unit"],
            "dea_schedule": r["dea_schedule"],
            "package_cost": None if r["package_cost"] is None else str(r["package_cost"]),
            "source": r["source"],
        }
        for r in conn.execute(q).mappings()
    ]


def location_rows(
    conn: Connection,
    *,
    kind: str | None = None,
    parent: str | None = None,
    code: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Locations with their parent, pocket capacity and item, and units on hand."""
    loc, par, it, oh = t.location, t.location.alias("par"), t.item, t.on_hand
    stock = (
        select(oh.c.location_id, func.sum(oh.c.quantity).label("units"))
        .group_by(oh.c.location_id)
        .subquery()
    )
    q = (
        select(
            loc.c.code,
            loc.c.name,
            loc.c.kind,
            par.c.code.label("parent"),
            loc.c.capacity,
            it.c.code.label("item"),
            it.c.name.label("item_name"),
            loc.c.unit,
            func.coalesce(stock.c.units, 0).label("on_hand"),
        )
        .outerjoin(par, par.c.id == loc.c.parent_id)
        .outerjoin(it, it.c.id == loc.c.item_id)
        .outerjoin(stock, stock.c.location_id == loc.c.id)
        .order_by(loc.c.code)
        .limit(limit)
        .offset(offset)
    )
    if kind:
        q = q.where(loc.c.kind == kind)
    if parent:
        q = q.where(par.c.code == parent)
    if code:
        q = q.where(loc.c.code == code)
    return [dict(r) | {"on_hand": int(r["on_hand"])} for r in conn.execute(q).mappings()]


def audit_rows(
    conn: Connection,
    *,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    a = t.audit
    q = select(a).order_by(a.c.id.desc()).limit(limit).offset(offset)
    if user:
        q = q.where(a.c.user_name == user)
    if action:
        q = q.where(a.c.action == action)
    return [
        {
            "id": r["id"],
            "at": r["at"].isoformat(),
            "user": r["user_name"],
            "action": r["action"],
            "entity": r["entity"],
            "key": r["entity_key"],
            "before": r["before"],
            "after": r["after"],
        }
        for r in conn.execute(q).mappings()
    ]


# --- dashboard and charts (web UI) -------------------------------------------------------

USAGE_KINDS = ("dispense", "patient_return")
"""Movements that make up usage: dispenses less patient returns."""


def _value(cost: Decimal | None, quantity: int, size: int) -> Decimal:
    return Decimal(0) if cost is None else cost * quantity / size


def _value_by_location(conn: Connection) -> list[dict[str, Any]]:
    """On-hand units and exact (unrounded) value by stocking location; see value_by_location."""
    oh, p, loc = t.on_hand, t.product, t.location
    parent = t.location.alias("parent")
    q = (
        select(
            loc.c.code,
            loc.c.name,
            loc.c.kind,
            parent.c.code,
            parent.c.name,
            parent.c.kind,
            oh.c.quantity,
            p.c.package_cost,
            p.c.package_size,
        )
        .select_from(oh)
        .join(loc, loc.c.id == oh.c.location_id)
        .outerjoin(parent, parent.c.id == loc.c.parent_id)
        .join(p, p.c.id == oh.c.product_id)
        .where(oh.c.quantity > 0)
    )
    totals: dict[str, dict[str, Any]] = {}
    for code, name, kind, pcode, pname, pkind, qty, cost, size in conn.execute(q):
        if kind == "pocket" and pcode is not None:
            code, name, kind = pcode, pname, pkind
        row = totals.setdefault(
            code, {"location": code, "name": name, "kind": kind, "units": 0, "value": Decimal(0)}
        )
        row["units"] += int(qty)
        row["value"] += _value(cost, int(qty), int(size))
    return sorted(totals.values(), key=lambda r: (-r["value"], r["location"]))


def value_by_location(conn: Connection) -> list[dict[str, Any]]:
    """On-hand units and value (package cost, to the cent) by stocking location, highest value
    first. Pockets count toward the cabinet (or storeroom) that holds them, so an ADC shows as
    one bar."""
    return [
        r | {"value": str(r["value"].quantize(Decimal("0.01")))} for r in _value_by_location(conn)
    ]


def on_hand_value(conn: Connection) -> Decimal:
    """Value of everything on hand at package cost (products without a cost count as 0)."""
    total = sum((r["value"] for r in _value_by_location(conn)), start=Decimal(0))
    return total.quantize(Decimal("0.01"))


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


def items_at_zero(conn: Connection) -> list[dict[str, Any]]:
    """Items with nothing on hand anywhere, by name."""
    it, ip, oh = t.item, t.item_product, t.on_hand
    stocked = (
        select(ip.c.item_id)
        .join(oh, oh.c.product_id == ip.c.product_id)
        .where(oh.c.quantity > 0)
        .distinct()
    )
    q = (
        select(it.c.code, it.c.name, it.c.criticality)
        .where(it.c.id.not_in(stocked))
        .order_by(it.c.name)
    )
    return [{"code": r[0], "name": r[1], "criticality": r[2]} for r in conn.execute(q)]


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
