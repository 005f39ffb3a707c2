"""The expiry-risk projection's reads in SQL (:class:`SqlExpiryRisk`, the port
:class:`rxsupply.services.ports.expiry_risk.ExpiryRiskReader`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, func, or_, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.unusable import blocked_units, usable_line
from rxsupply.domain.location import LocationKind
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.status import StockStatus
from rxsupply.services.ports.expiry_risk import PlaceLot, StockPlace

_AWAY = (LocationKind.QUARANTINE.value, LocationKind.TRANSIT.value)
_DEMAND = (MovementKind.DISPENSE.value, MovementKind.TRANSFER.value, MovementKind.REFILL.value)
_Key = tuple[int, int, int]  # location, product, lot


class SqlExpiryRisk:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _item_of(self) -> dict[int, int]:
        """The item of each product (the first by id when a product serves several)."""
        ip = t.item_product
        out: dict[int, int] = {}
        rows = self.conn.execute(select(ip.c.product_id, ip.c.item_id).order_by(ip.c.item_id))
        for product, item in rows.all():
            out.setdefault(int(product), int(item))
        return out

    def lots(self, *, today: date, as_of: datetime | None = None) -> list[PlaceLot]:
        oh, lo, loc, p = t.on_hand, t.lot, t.location, t.product
        units: dict[_Key, int] = defaultdict(int)
        q = select(oh.c.location_id, oh.c.product_id, oh.c.lot_id, oh.c.quantity).where(
            oh.c.quantity > 0
        )
        if as_of is None:
            q = (
                select(
                    oh.c.location_id,
                    oh.c.product_id,
                    oh.c.lot_id,
                    oh.c.quantity - blocked_units(),
                )
                .join(lo, lo.c.id == oh.c.lot_id)
                .join(loc, loc.c.id == oh.c.location_id)
                .where(usable_line(today))
            )
        for where, product, lot, n in self.conn.execute(q).all():
            units[(int(where), int(product), int(lot))] += int(n)
        if as_of is not None:
            self._undo_since(units, as_of)
        lots = {
            int(i): (number, expiry, ndc, cost, size)
            for i, number, expiry, ndc, cost, size in self.conn.execute(
                select(
                    lo.c.id,
                    lo.c.lot_number,
                    lo.c.expiry,
                    p.c.ndc,
                    p.c.package_cost,
                    p.c.package_size,
                )
                .join(p, p.c.id == lo.c.product_id)
                .where(
                    lo.c.status == StockStatus.AVAILABLE.value,
                    or_(lo.c.expiry.is_(None), lo.c.expiry >= today),
                )
            ).all()
        }
        away = {
            int(i)
            for (i,) in self.conn.execute(select(loc.c.id).where(loc.c.kind.in_(_AWAY))).all()
        }
        item_of = self._item_of()
        out = []
        for (where, product, lot), n in sorted(units.items()):
            found = lots.get(lot)
            if n <= 0 or found is None or where in away or product not in item_of:
                continue
            number, expiry, ndc, cost, size = found
            out.append(
                PlaceLot(
                    location_id=where,
                    item_id=item_of[product],
                    ndc=ndc,
                    lot=number,
                    expiry=expiry,
                    units=n,
                    unit_cost=None if cost is None else Decimal(cost) / size,
                )
            )
        return out

    def _undo_since(self, units: dict[_Key, int], as_of: datetime) -> None:
        """Take back every movement after ``as_of``: what came in leaves, what left returns."""
        m = t.movement
        for column, sign in ((m.c.to_location_id, -1), (m.c.from_location_id, 1)):
            q = (
                select(column, m.c.product_id, m.c.lot_id, func.sum(m.c.quantity))
                .where(m.c.occurred_at > as_of, column.is_not(None))
                .group_by(column, m.c.product_id, m.c.lot_id)
            )
            for where, product, lot, n in self.conn.execute(q).all():
                units[(int(where), int(product), int(lot))] += sign * int(n)

    def places(self) -> list[StockPlace]:
        oh, loc, it, sl = t.on_hand, t.location, t.item, t.stock_level
        item_of = self._item_of()
        held: dict[tuple[int, int], int] = defaultdict(int)
        for where, product, n in self.conn.execute(
            select(oh.c.location_id, oh.c.product_id, func.sum(oh.c.quantity))
            .where(oh.c.quantity > 0)
            .group_by(oh.c.location_id, oh.c.product_id)
        ).all():
            if int(product) in item_of:
                held[(int(where), item_of[int(product)])] += int(n)
        levels = {
            (int(where), int(item)): (int(low), int(high))
            for where, item, low, high in self.conn.execute(
                select(sl.c.location_id, sl.c.item_id, sl.c.min_level, sl.c.max_level)
            ).all()
        }
        assigned = {
            (int(where), int(item)): capacity
            for where, item, capacity in self.conn.execute(
                select(loc.c.id, loc.c.item_id, loc.c.capacity).where(loc.c.item_id.is_not(None))
            ).all()
        }
        capacity = {
            int(i): int(n)
            for i, n in self.conn.execute(
                select(loc.c.id, loc.c.capacity).where(loc.c.capacity.is_not(None))
            ).all()
        }
        names = {
            int(i): (code, name)
            for i, code, name in self.conn.execute(select(it.c.id, it.c.code, it.c.name)).all()
        }
        out = []
        for where, item in sorted(set(held) | set(levels) | set(assigned)):
            low, high = levels.get((where, item), (None, None))
            code, name = names[item]
            out.append(
                StockPlace(
                    location_id=where,
                    item_id=item,
                    item=code,
                    item_name=name,
                    on_hand=held.get((where, item), 0),
                    capacity=capacity.get(where),
                    min_level=low,
                    max_level=high,
                )
            )
        return out

    def outflow(self, *, since: datetime, until: datetime) -> dict[tuple[int, int], int]:
        m, loc = t.movement, t.location
        item_of = self._item_of()
        quarantine = select(loc.c.id).where(loc.c.kind == LocationKind.QUARANTINE.value)
        window = (m.c.occurred_at >= since) & (m.c.occurred_at < until)
        left = (
            select(m.c.from_location_id, m.c.product_id, func.sum(m.c.quantity))
            .where(
                window,
                m.c.kind.in_(_DEMAND),
                m.c.from_location_id.is_not(None),
                or_(m.c.to_location_id.is_(None), m.c.to_location_id.not_in(quarantine)),
            )
            .group_by(m.c.from_location_id, m.c.product_id)
        )
        back = (
            select(m.c.to_location_id, m.c.product_id, -func.sum(m.c.quantity))
            .where(window, m.c.kind == MovementKind.PATIENT_RETURN.value)
            .group_by(m.c.to_location_id, m.c.product_id)
        )
        out: dict[tuple[int, int], int] = defaultdict(int)
        for q in (left, back):
            for where, product, n in self.conn.execute(q).all():
                if where is not None and int(product) in item_of:
                    out[(int(where), item_of[int(product)])] += int(n)
        return dict(out)

    def forecasts(self) -> dict[tuple[int, int], float]:
        sc = t.series_class
        q = select(sc.c.location_id, sc.c.item_id, sc.c.forecast_daily)
        return {(int(w), int(i)): float(f) for w, i, f in self.conn.execute(q).all()}
