"""The catalogue pages: :func:`item_rows` (items with product count and units on hand),
:func:`product_rows` (products by name, NDC, GTIN or item) and :func:`location_rows` (locations
with parent, capacity, item and units on hand)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select

from rxsupply.adapters import tables as t


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
