"""Unusable stock on a given day: what is on hand but may not be handed out, where, and why.

A line of on-hand (a location, a product, a lot) with units on it is unusable on ``today`` when
its lot has expired (``expiry < today``: a lot is usable through its expiry date, see
:func:`rxsupply.domain.status.is_expired`), when its lot is not available (quarantined,
recalled, suspect), or when it sits in a quarantine location. On a line that is otherwise usable,
the units of sealed serialised packages whose own status is blocked are unusable too (never more
than the line holds).

:func:`unusable_rows` lists those lines, :func:`unusable_totals` adds them up (units, value, by
reason, the locations holding the most value), and :func:`usable_line` is the condition the
other read models (items at zero) use for stock that may be picked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, Select

from rxsupply.adapters import tables as t
from rxsupply.domain.location import LocationKind
from rxsupply.domain.status import BLOCKED, StockStatus

EXPIRED = "expired"
IN_QUARANTINE = "in quarantine"
WHY = (
    StockStatus.RECALLED.value,
    StockStatus.SUSPECT.value,
    StockStatus.QUARANTINED.value,
    EXPIRED,
    IN_QUARANTINE,
)
"""The reasons stock is unusable, the strongest first: a line that has several (an expired lot
that was recalled, in a quarantine location) shows the first."""

_AVAILABLE = StockStatus.AVAILABLE.value
_BLOCKED = sorted(s.value for s in BLOCKED)
_QUARANTINE = LocationKind.QUARANTINE.value
_CENT = Decimal("0.01")


def blocked_units() -> Any:
    """Units of blocked sealed packages on the enclosing query's on-hand line (a correlated
    scalar subquery, 0 when there are none)."""
    sp, oh = t.serial_package, t.on_hand
    return (
        select(func.coalesce(func.sum(sp.c.units), 0))
        .where(
            sp.c.location_id == oh.c.location_id,
            sp.c.product_id == oh.c.product_id,
            sp.c.lot_id == oh.c.lot_id,
            sp.c.status.in_(_BLOCKED),
        )
        .scalar_subquery()
    )


def _lot_usable(today: date) -> ColumnElement[bool]:
    lo, loc = t.lot, t.location
    return and_(
        lo.c.status == _AVAILABLE,
        or_(lo.c.expiry.is_(None), lo.c.expiry >= today),
        loc.c.kind != _QUARANTINE,
    )


def usable_line(today: date) -> ColumnElement[bool]:
    """On-hand lines holding units that may be picked on ``today``: a query joining ``on_hand``
    to its ``lot`` and ``location`` keeps a line whose lot is available and not expired, in a
    location that is not a quarantine, with more units than its blocked sealed packages hold."""
    oh = t.on_hand
    return and_(oh.c.quantity > 0, _lot_usable(today), oh.c.quantity > blocked_units())


@dataclass(frozen=True, slots=True)
class _Line:
    """One unusable line, its value exact (unrounded)."""

    location: str
    location_name: str
    location_kind: str
    parent: str | None
    parent_name: str | None
    parent_kind: str | None
    item: str | None
    item_name: str | None
    ndc: str
    product: str
    lot: str
    expiry: date | None
    quantity: int
    unit: str
    cost: Decimal | None
    value: Decimal
    why: str
    packages: int

    def key(self) -> tuple[str, str, str, str, str, int, str]:
        expiry = self.expiry.isoformat() if self.expiry else ""
        why = self.why
        return (self.location, self.item or "", self.ndc, expiry, self.lot, _rank(why), why)

    def stocking(self) -> tuple[str, str, str]:
        """The location it counts toward: a pocket's cabinet (or storeroom), else itself."""
        if self.location_kind == LocationKind.POCKET.value and self.parent is not None:
            return self.parent, self.parent_name or "", self.parent_kind or ""
        return self.location, self.location_name, self.location_kind

    def row(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "location_kind": self.location_kind,
            "parent": self.parent,
            "item": self.item,
            "item_name": self.item_name,
            "ndc": self.ndc,
            "product": self.product,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "quantity": self.quantity,
            "unit": self.unit,
            "value": None if self.cost is None else str(self.value.quantize(_CENT)),
            "why": self.why,
            "packages": self.packages,
        }


def _rank(why: str) -> int:
    return WHY.index(why) if why in WHY else len(WHY)


def _described(q: Select[Any]) -> Select[Any]:
    """``q`` (whose FROM starts at ``on_hand``) joined to what a row shows."""
    oh, p, lo, loc = t.on_hand, t.product, t.lot, t.location
    parent = t.location.alias("parent")
    it, ip = t.item, t.item_product
    return (
        q.add_columns(
            loc.c.code.label("location"),
            loc.c.name.label("location_name"),
            loc.c.kind.label("location_kind"),
            parent.c.code.label("parent"),
            parent.c.name.label("parent_name"),
            parent.c.kind.label("parent_kind"),
            it.c.code.label("item"),
            it.c.name.label("item_name"),
            p.c.ndc,
            p.c.name.label("product"),
            p.c.dispense_unit,
            p.c.package_size,
            p.c.package_cost,
            lo.c.lot_number,
            lo.c.expiry,
        )
        .join(loc, loc.c.id == oh.c.location_id)
        .outerjoin(parent, parent.c.id == loc.c.parent_id)
        .join(p, p.c.id == oh.c.product_id)
        .join(lo, lo.c.id == oh.c.lot_id)
        .outerjoin(ip, ip.c.product_id == p.c.id)
        .outerjoin(it, it.c.id == ip.c.item_id)
    )


def _line(r: Any, *, quantity: int, why: str, packages: int = 0) -> _Line:
    cost: Decimal | None = r["package_cost"]
    return _Line(
        location=r["location"],
        location_name=r["location_name"],
        location_kind=r["location_kind"],
        parent=r["parent"],
        parent_name=r["parent_name"],
        parent_kind=r["parent_kind"],
        item=r["item"],
        item_name=r["item_name"],
        ndc=r["ndc"],
        product=r["product"],
        lot=r["lot_number"],
        expiry=r["expiry"],
        quantity=quantity,
        unit=r["dispense_unit"],
        cost=cost,
        value=Decimal(0) if cost is None else cost * quantity / int(r["package_size"]),
        why=why,
        packages=packages,
    )


def _lines(conn: Connection, today: date) -> list[_Line]:
    """Every unusable line on ``today``, in the order the rows are listed."""
    oh, lo, loc, sp = t.on_hand, t.lot, t.location, t.serial_package
    why = case(
        (lo.c.status != _AVAILABLE, lo.c.status),
        (lo.c.expiry < today, literal(EXPIRED)),
        else_=literal(IN_QUARANTINE),
    ).label("why")
    whole = _described(select(oh.c.quantity, why).select_from(oh)).where(
        oh.c.quantity > 0,
        or_(lo.c.status != _AVAILABLE, lo.c.expiry < today, loc.c.kind == _QUARANTINE),
    )
    out = [
        _line(r, quantity=int(r["quantity"]), why=str(r["why"]))
        for r in conn.execute(whole).mappings()
    ]
    # blocked sealed packages on lines that are otherwise usable
    packed = (
        select(
            sp.c.location_id,
            sp.c.product_id,
            sp.c.lot_id,
            sp.c.status,
            func.sum(sp.c.units).label("units"),
            func.count().label("packages"),
        )
        .where(sp.c.status.in_(_BLOCKED))
        .group_by(sp.c.location_id, sp.c.product_id, sp.c.lot_id, sp.c.status)
        .subquery("packed")
    )
    q = (
        _described(
            select(
                oh.c.location_id,
                oh.c.product_id,
                oh.c.lot_id,
                oh.c.quantity,
                packed.c.status.label("package_status"),
                packed.c.units,
                packed.c.packages,
            ).select_from(oh)
        )
        .join(
            packed,
            and_(
                packed.c.location_id == oh.c.location_id,
                packed.c.product_id == oh.c.product_id,
                packed.c.lot_id == oh.c.lot_id,
            ),
        )
        .where(oh.c.quantity > 0, _lot_usable(today))
    )
    by_line: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for r in conn.execute(q).mappings():
        by_line[(r["location_id"], r["product_id"], r["lot_id"], r["item"])].append(r)
    for group in by_line.values():
        left = int(group[0]["quantity"])  # packages never count for more than the line holds
        for r in sorted(group, key=lambda r: _rank(r["package_status"])):
            units = min(int(r["units"]), left)
            left -= units
            if units > 0:
                out.append(
                    _line(
                        r, quantity=units, why=str(r["package_status"]), packages=int(r["packages"])
                    )
                )
    return sorted(out, key=_Line.key)


def unusable_rows(
    conn: Connection, *, today: date, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Stock on hand that may not be handed out on ``today`` (the facility's day), one row per
    location, item, product, lot and reason, by location, item, NDC, expiry and lot.

    Each row: ``location`` (a pocket, with its cabinet as ``parent``), ``location_kind``,
    ``item``, ``item_name``, ``ndc``, ``product``, ``lot``, ``expiry``, ``quantity`` (dispense
    units), ``unit``, ``value`` (package cost / package size x quantity, to the cent; null
    without a cost), ``why`` (one of :data:`WHY`) and ``packages`` (the blocked sealed packages
    the units are in; 0 for a whole line)."""
    lines = _lines(conn, today)
    end = None if limit is None else offset + limit
    return [line.row() for line in lines[offset:end]]


def unusable_totals(conn: Connection, *, today: date, top: int = 10) -> dict[str, Any]:
    """What :func:`unusable_rows` adds up to on ``today``: ``units``, ``value`` (to the cent,
    products without a cost count as 0), ``lines``, ``by_why`` (units and value per reason, in
    the order of :data:`WHY`), ``locations`` (how many stocking locations hold any) and
    ``by_location``: the ``top`` locations by value (then code), a pocket counting toward its
    cabinet, each with ``units``, ``value`` and ``why`` (its reasons, strongest first)."""
    lines = _lines(conn, today)
    places: dict[str, dict[str, Any]] = {}
    reasons: dict[str, dict[str, Any]] = {}
    for line in lines:
        code, name, kind = line.stocking()
        place = places.setdefault(
            code,
            {
                "location": code,
                "name": name,
                "kind": kind,
                "units": 0,
                "value": Decimal(0),
                "why": set(),
            },
        )
        place["units"] += line.quantity
        place["value"] += line.value
        place["why"].add(line.why)
        reason = reasons.setdefault(line.why, {"why": line.why, "units": 0, "value": Decimal(0)})
        reason["units"] += line.quantity
        reason["value"] += line.value
    ranked = sorted(places.values(), key=lambda r: (-r["value"], r["location"]))[:top]
    return {
        "today": today.isoformat(),
        "units": sum(line.quantity for line in lines),
        "value": str(sum((line.value for line in lines), start=Decimal(0)).quantize(_CENT)),
        "lines": len(lines),
        "by_why": [
            r | {"value": str(r["value"].quantize(_CENT))}
            for r in sorted(reasons.values(), key=lambda r: _rank(r["why"]))
        ],
        "locations": len(places),
        "by_location": [
            r
            | {
                "value": str(r["value"].quantize(_CENT)),
                "why": sorted(r["why"], key=_rank),
            }
            for r in ranked
        ],
    }
