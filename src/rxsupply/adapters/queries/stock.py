"""Stock on hand: :class:`StockFilter` and :func:`stock_rows`, the on-hand lines by location,
item, product and lot with their value at package cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.sql import Select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.filters import escaped, product_filter, subtree_ids


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


def stock_rows(conn: Connection, f: StockFilter = StockFilter()) -> list[dict[str, Any]]:
    """On-hand by location, item, product and lot, with value at the product's package cost
    and the lot's status (available, quarantined, recalled or suspect; expired is read from
    the expiry and the facility's day)."""
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
            lo.c.status,
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
        like = f"%{escaped(f.search.lower())}%"
        q = q.where(
            or_(
                func.lower(it.c.name).like(like, escape="\\"),
                func.lower(p.c.name).like(like, escape="\\"),
                p.c.ndc.like(like, escape="\\"),
                func.lower(it.c.code).like(like, escape="\\"),
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
                "status": r["status"],
                "quantity": int(r["quantity"]),
                "unit": r["dispense_unit"],
                "value": str(value) if value is not None else None,
            }
        )
    return out
