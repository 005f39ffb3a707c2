"""The expiry report: every lot-location on hand that has expired or expires within N days, in
windows (expired, 30, 60, 90, 180 days and beyond), with units and value, and its totals by
window, by stocking location (a pocket counts toward its cabinet), by ABC class of the
item-location and by the wholesaler the product was last bought from.

A lot is usable through its expiry date (:func:`rxsupply.domain.status.is_expired`): it is in
the ``expired`` window from the day after. A lot's window is the first of 30, 60, 90 and 180
days that its expiry falls within (``expiry - today`` days), ``later`` past 180.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.stock import StockFilter, stock_rows

WINDOWS = (30, 60, 90, 180)
EXPIRED = "expired"
LATER = "later"
CONTRACT = ("location", "ndc", "lot", "expiry", "quantity", "value")
"""The keys of ``rxsupply expiry report --json``, a contract other tools read."""


def window_of(expiry: date, today: date) -> str:
    """``expired``, ``30``, ``60``, ``90``, ``180`` or ``later`` (see the module's notes)."""
    days = (expiry - today).days
    if days < 0:
        return EXPIRED
    for limit in WINDOWS:
        if days <= limit:
            return str(limit)
    return LATER


def _classes(conn: Connection) -> dict[tuple[str, str], str]:
    sc, loc, it = t.series_class, t.location, t.item
    q = (
        select(loc.c.code, it.c.code, sc.c.abc)
        .join(loc, loc.c.id == sc.c.location_id)
        .join(it, it.c.id == sc.c.item_id)
    )
    return {(lcode, icode): abc for lcode, icode, abc in conn.execute(q).all()}


def _wholesalers(conn: Connection, ndcs: set[str]) -> dict[str, str]:
    """The partner of each product's latest purchase line."""
    pl, p, tp = t.purchase_line, t.product, t.trading_partner
    latest = (
        select(pl.c.product_id, func.max(pl.c.id).label("last"))
        .group_by(pl.c.product_id)
        .subquery()
    )
    q = (
        select(p.c.ndc, tp.c.name)
        .join(latest, latest.c.product_id == p.c.id)
        .join(pl, pl.c.id == latest.c.last)
        .join(tp, tp.c.id == pl.c.partner_id)
        .where(p.c.ndc.in_(sorted(ndcs)))
    )
    return dict(conn.execute(q).all()) if ndcs else {}


def expiry_rows(conn: Connection, *, today: date, within_days: int) -> list[dict[str, Any]]:
    """Lot-locations on hand expired or expiring within ``within_days`` days of ``today``,
    earliest expiry first, each with its window, stocking place, class and wholesaler."""
    found = stock_rows(conn, StockFilter(expiring_before=today + timedelta(days=within_days + 1)))
    classes = _classes(conn)
    sellers = _wholesalers(conn, {r["ndc"] for r in found})
    out = []
    for r in found:
        expiry = date.fromisoformat(r["expiry"])
        place = r["parent"] if r["location_kind"] == "pocket" and r["parent"] else r["location"]
        out.append(
            r
            | {
                "window": window_of(expiry, today),
                "days_left": (expiry - today).days,
                "place": place,
                "abc": classes.get((r["location"], r["item"] or ""), "unclassified"),
                "wholesaler": sellers.get(r["ndc"], "not bought"),
            }
        )
    out.sort(key=lambda r: (r["expiry"], r["location"], r["ndc"], r["lot"]))
    return out


def expiry_totals(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Units and value (to the cent; a product without a cost counts 0) by window, stocking
    place, ABC class and wholesaler, largest value first (windows in their order)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("window", "place", "abc", "wholesaler"):
        sums: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
        for r in rows:
            acc = sums[r[key]]
            acc[0] += r["quantity"]
            acc[1] += Decimal(r["value"] or 0)
            acc[2] += 1
        order = [EXPIRED, *map(str, WINDOWS), LATER]
        listed = sorted(
            sums.items(),
            key=lambda kv: (order.index(kv[0]) if key == "window" else 0, -kv[1][1], kv[0]),
        )
        out[key] = [
            {key: k, "lots": v[2], "units": v[0], "value": str(v[1].quantize(Decimal("0.01")))}
            for k, v in listed
        ]
    return out
