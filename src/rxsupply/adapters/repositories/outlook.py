"""The supply outlook's reads in SQL (:class:`SqlSupplyOutlook`, the port
:class:`rxsupply.services.ports.outlook.SupplyOutlookReader`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.kpi_days import day_number, issued_by_day
from rxsupply.adapters.queries.unusable import blocked_units, usable_line
from rxsupply.domain.location import LocationKind
from rxsupply.domain.purchasing import LineStatus, OrderStatus
from rxsupply.domain.status import StockStatus
from rxsupply.services.ports.outlook import (
    ItemSources,
    OrderBatch,
    OutlookItem,
    StockBatch,
    Supplier,
)

DEFAULT_LEAD_DAYS = 1
_CHUNK = 500
_OPEN_ORDERS = (OrderStatus.SENT, OrderStatus.ACKNOWLEDGED, OrderStatus.PARTLY_RECEIVED)


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + _CHUNK]) for i in range(0, len(ids), _CHUNK)]


class SqlSupplyOutlook:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def items(self, codes: Sequence[str] | None = None) -> list[OutlookItem]:
        it, ip, p, s, loc = t.item, t.item_product, t.product, t.stock_level, t.location
        q = select(it.c.id, it.c.code, it.c.name, it.c.criticality).order_by(it.c.code)
        if codes is not None:
            q = q.where(it.c.code.in_(list(codes)))
        found = self.conn.execute(q).all()
        ids = [int(r[0]) for r in found]
        cost: dict[int, tuple[bool, Decimal]] = {}
        lead: dict[int, int] = {}
        for chunk in _chunks(ids):
            for item, preferred, package_cost, size in self.conn.execute(
                select(ip.c.item_id, ip.c.preferred, p.c.package_cost, p.c.package_size)
                .join(p, p.c.id == ip.c.product_id)
                .where(ip.c.item_id.in_(chunk), p.c.package_cost.is_not(None))
            ).all():
                unit = package_cost / size if size else Decimal(0)
                had = cost.get(int(item))
                rank = (not preferred, unit)
                if had is None or rank < (not had[0], had[1]):
                    cost[int(item)] = (bool(preferred), unit)
            for item, days in self.conn.execute(
                select(s.c.item_id, func.max(s.c.lead_time_days))
                .join(loc, loc.c.id == s.c.location_id)
                .where(s.c.item_id.in_(chunk), loc.c.kind == LocationKind.STOREROOM.value)
                .group_by(s.c.item_id)
            ).all():
                lead[int(item)] = int(days)
        return [
            OutlookItem(
                id=int(i),
                code=code,
                name=name,
                criticality=crit,
                unit_cost=cost.get(int(i), (False, Decimal(0)))[1],
                lead_time_days=lead.get(int(i), DEFAULT_LEAD_DAYS),
            )
            for i, code, name, crit in found
        ]

    def stock(
        self, item_ids: Sequence[int], *, today: date, as_of: datetime | None = None
    ) -> list[StockBatch]:
        oh, ip, lo, loc, p = t.on_hand, t.item_product, t.lot, t.location, t.product
        out: list[StockBatch] = []
        for chunk in _chunks(item_ids):
            if as_of is None:
                q = (
                    select(
                        ip.c.item_id,
                        oh.c.lot_id,
                        lo.c.expiry,
                        p.c.labeler,
                        func.sum(oh.c.quantity - blocked_units()),
                    )
                    .select_from(oh)
                    .join(ip, ip.c.product_id == oh.c.product_id)
                    .join(lo, lo.c.id == oh.c.lot_id)
                    .join(loc, loc.c.id == oh.c.location_id)
                    .join(p, p.c.id == oh.c.product_id)
                    .where(ip.c.item_id.in_(chunk), usable_line(today))
                    .group_by(ip.c.item_id, oh.c.lot_id, lo.c.expiry, p.c.labeler)
                )
                rows = self.conn.execute(q).all()
            else:
                rows = self._stock_at(chunk, as_of, today)
            out.extend(
                StockBatch(item_id=int(i), units=int(n), expiry=exp, manufacturer=lab or "")
                for i, _, exp, lab, n in rows
                if n and n > 0
            )
        return out

    def _stock_at(self, chunk: list[int], as_of: datetime, today: date) -> list[Any]:
        """Units per lot in the hospital at ``as_of``: today's units less the net of what
        entered (no source location) and left (no destination) since; lots available and
        unexpired on ``today`` (the day ``as_of`` falls on, as the caller gives it)."""
        oh, ip, lo, p, m = t.on_hand, t.item_product, t.lot, t.product, t.movement
        units: dict[tuple[int, int], int] = defaultdict(int)
        products = select(ip.c.product_id).where(ip.c.item_id.in_(chunk))
        for item, lot, qty in self.conn.execute(
            select(ip.c.item_id, oh.c.lot_id, func.sum(oh.c.quantity))
            .join(ip, ip.c.product_id == oh.c.product_id)
            .where(ip.c.item_id.in_(chunk), oh.c.quantity > 0)
            .group_by(ip.c.item_id, oh.c.lot_id)
        ).all():
            units[(int(item), int(lot))] += int(qty)
        net = case(
            (and_(m.c.from_location_id.is_(None), m.c.to_location_id.is_not(None)), m.c.quantity),
            (and_(m.c.to_location_id.is_(None), m.c.from_location_id.is_not(None)), -m.c.quantity),
            else_=0,
        )
        for item, lot, moved in self.conn.execute(
            select(ip.c.item_id, m.c.lot_id, func.sum(net))
            .join(ip, ip.c.product_id == m.c.product_id)
            .where(
                ip.c.item_id.in_(chunk),
                m.c.product_id.in_(products),
                m.c.occurred_at > as_of,
                m.c.lot_id.is_not(None),
            )
            .group_by(ip.c.item_id, m.c.lot_id)
        ).all():
            units[(int(item), int(lot))] -= int(moved or 0)
        lots = {
            int(i): (exp, lab)
            for i, exp, lab in self.conn.execute(
                select(lo.c.id, lo.c.expiry, p.c.labeler)
                .join(p, p.c.id == lo.c.product_id)
                .where(
                    lo.c.product_id.in_(products),
                    lo.c.status == StockStatus.AVAILABLE.value,
                    or_(lo.c.expiry.is_(None), lo.c.expiry >= today),
                )
            ).all()
        }
        return [
            (item, lot, lots[lot][0], lots[lot][1], n)
            for (item, lot), n in units.items()
            if lot in lots
        ]

    def orders(self, item_ids: Sequence[int]) -> list[OrderBatch]:
        po, pl, ip, p, tp = (
            t.purchase_order,
            t.purchase_order_line,
            t.item_product,
            t.product,
            t.trading_partner,
        )
        out: list[OrderBatch] = []
        for chunk in _chunks(item_ids):
            q = (
                select(
                    ip.c.item_id,
                    (pl.c.packages - pl.c.received_packages) * p.c.package_size,
                    po.c.number,
                    tp.c.name,
                    func.coalesce(po.c.approved_at, po.c.created_at),
                    p.c.labeler,
                )
                .select_from(pl)
                .join(po, po.c.id == pl.c.order_id)
                .join(ip, ip.c.product_id == pl.c.product_id)
                .join(p, p.c.id == pl.c.product_id)
                .join(tp, tp.c.id == po.c.partner_id)
                .where(
                    ip.c.item_id.in_(chunk),
                    po.c.status.in_([s.value for s in _OPEN_ORDERS]),
                    pl.c.status == LineStatus.OPEN.value,
                    pl.c.packages > pl.c.received_packages,
                )
            )
            out.extend(
                OrderBatch(
                    item_id=int(i),
                    units=int(n),
                    order=number,
                    supplier=partner,
                    ordered_on=at.date(),
                    manufacturer=lab or "",
                )
                for i, n, number, partner, at, lab in self.conn.execute(q).all()
            )
        return out

    def daily_use(
        self, item_ids: Sequence[int], *, zone: tzinfo, first: date, last: date
    ) -> dict[int, list[int]]:
        ip = t.item_product
        days = (last - first).days + 1
        out = {int(i): [0] * days for i in item_ids}
        items_of: dict[int, list[int]] = defaultdict(list)
        for chunk in _chunks(item_ids):
            for item, product in self.conn.execute(
                select(ip.c.item_id, ip.c.product_id).where(ip.c.item_id.in_(chunk))
            ).all():
                items_of[int(product)].append(int(item))
        start = day_number(first)
        used = issued_by_day(
            self.conn, zone=zone, product_ids=sorted(items_of), first=first, last=last
        )
        for (day, product), units in used.items():
            for item in items_of.get(product, ()):
                out[item][day - start] += units
        return out

    def sources(self, item_ids: Sequence[int], *, since: date) -> dict[int, ItemSources]:
        ip, p, pl, cat, tp = (
            t.item_product,
            t.product,
            t.purchase_line,
            t.catalogue_price,
            t.trading_partner,
        )
        makers: dict[int, set[str]] = defaultdict(set)
        sellers: dict[int, set[str]] = defaultdict(set)
        for chunk in _chunks(item_ids):
            for item, labeler in self.conn.execute(
                select(ip.c.item_id, p.c.labeler)
                .join(p, p.c.id == ip.c.product_id)
                .where(ip.c.item_id.in_(chunk))
            ).all():
                if labeler:
                    makers[int(item)].add(labeler)
            bought = (
                select(ip.c.item_id, tp.c.name)
                .join(pl, pl.c.product_id == ip.c.product_id)
                .join(tp, tp.c.id == pl.c.partner_id)
                .where(ip.c.item_id.in_(chunk), pl.c.invoice_date >= since)
            )
            offered = (
                select(ip.c.item_id, tp.c.name)
                .join(cat, cat.c.product_id == ip.c.product_id)
                .join(tp, tp.c.id == cat.c.partner_id)
                .where(ip.c.item_id.in_(chunk), tp.c.kind == "wholesaler")
            )
            for q in (bought.distinct(), offered.distinct()):
                for item, name in self.conn.execute(q).all():
                    sellers[int(item)].add(name)
        return {
            int(i): ItemSources(
                manufacturers=frozenset(makers.get(int(i), ())),
                wholesalers=frozenset(sellers.get(int(i), ())),
            )
            for i in item_ids
        }

    def top_users(
        self, item_ids: Sequence[int], *, since: datetime, top: int = 5
    ) -> dict[int, list[tuple[str, str, int]]]:
        ip, m, loc = t.item_product, t.movement, t.location
        parent = t.location.alias("parent")
        pocket = loc.c.kind == LocationKind.POCKET.value
        code = case((pocket, parent.c.code), else_=loc.c.code)
        name = case((pocket, parent.c.name), else_=loc.c.name)
        out: dict[int, list[tuple[str, str, int]]] = {int(i): [] for i in item_ids}
        for chunk in _chunks(item_ids):
            q = (
                select(ip.c.item_id, code, name, func.sum(m.c.quantity))
                .select_from(m)
                .join(ip, ip.c.product_id == m.c.product_id)
                .join(loc, loc.c.id == m.c.from_location_id)
                .outerjoin(parent, parent.c.id == loc.c.parent_id)
                .where(ip.c.item_id.in_(chunk), m.c.kind == "dispense", m.c.occurred_at >= since)
                .group_by(ip.c.item_id, code, name)
            )
            for item, place, called, units in self.conn.execute(q).all():
                out[int(item)].append((place, called, int(units)))
        for rows in out.values():
            rows.sort(key=lambda r: (-r[2], r[0]))
            del rows[top:]
        return out

    def suppliers(self) -> list[Supplier]:
        p, tp = t.product, t.trading_partner
        partners = [
            Supplier(name=name, kind=kind)
            for name, kind in self.conn.execute(
                select(tp.c.name, tp.c.kind).order_by(tp.c.name)
            ).all()
        ]
        known = {s.name for s in partners}
        makers = [
            Supplier(name=name, kind="manufacturer")
            for (name,) in self.conn.execute(
                select(p.c.labeler).where(p.c.labeler != "").distinct().order_by(p.c.labeler)
            ).all()
            if name not in known
        ]
        return partners + makers
