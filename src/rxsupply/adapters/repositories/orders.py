"""Purchase orders in SQL: :class:`SqlOrders` (drafts written and rewritten, orders read with
their lines, their status moved, and what is on order)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, delete, func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.purchasing import (
    OPEN_ORDER,
    LineStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    ReceivingDiscrepancy,
    ReceivingIssue,
)


class SqlOrders:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, order: PurchaseOrder, *, partner_id: int, location_id: int) -> int:
        po = t.purchase_order
        order_id = int(
            self.conn.execute(
                insert(po)
                .values(
                    number=f"new-{uuid4().hex[:24]}",  # the id's number replaces it below
                    partner_id=partner_id,
                    location_id=location_id,
                    status=order.status.value,
                    created_at=order.created_at,
                    created_by=order.created_by,
                    approved_by="",
                    note=order.note,
                )
                .returning(po.c.id)
            ).scalar_one()
        )
        self.conn.execute(update(po).where(po.c.id == order_id).values(number=f"PO{order_id:06d}"))
        self.replace_lines(order_id, order.lines)
        return order_id

    def replace_lines(self, order_id: int, lines: Sequence[OrderLine]) -> None:
        pl = t.purchase_order_line
        self.conn.execute(delete(pl).where(pl.c.order_id == order_id))
        if lines:
            self.conn.execute(
                insert(pl),
                [
                    {
                        "order_id": order_id,
                        "line_number": ln.line_number,
                        "product_id": ln.product_id,
                        "packages": ln.packages,
                        "package_price": ln.package_price,
                        "contract": ln.contract,
                        "dea_form_number": ln.dea_form_number,
                        "status": ln.status.value,
                        "received_packages": ln.received_packages,
                        "why": ln.why,
                    }
                    for ln in lines
                ],
            )

    def draft_for(self, partner_id: int, location_id: int) -> int | None:
        po = t.purchase_order
        return self.conn.execute(
            select(func.min(po.c.id)).where(
                po.c.partner_id == partner_id,
                po.c.location_id == location_id,
                po.c.status == OrderStatus.DRAFT.value,
            )
        ).scalar_one_or_none()

    def get(self, order_id: int, *, lock: bool = False) -> PurchaseOrder | None:
        po, tp = t.purchase_order, t.trading_partner
        stmt = select(po, tp.c.name).join(tp, tp.c.id == po.c.partner_id).where(po.c.id == order_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(of=po)
        row = self.conn.execute(stmt).first()
        if row is None:
            return None
        order = _order(row)
        order.lines = self._lines([order_id]).get(order_id, [])
        return order

    def find(self, number: str) -> int | None:
        po = t.purchase_order
        return self.conn.execute(select(po.c.id).where(po.c.number == number)).scalar_one_or_none()

    def listed(self, *, status: OrderStatus | None, limit: int) -> list[PurchaseOrder]:
        po, tp = t.purchase_order, t.trading_partner
        stmt = select(po, tp.c.name).join(tp, tp.c.id == po.c.partner_id)
        if status is not None:
            stmt = stmt.where(po.c.status == status.value)
        rows = self.conn.execute(stmt.order_by(po.c.id.desc()).limit(limit)).all()
        orders = [_order(r) for r in rows]
        lines = self._lines([o.id or 0 for o in orders])
        for o in orders:
            o.lines = lines.get(o.id or 0, [])
        return orders

    def set_status(
        self,
        order_id: int,
        *,
        allowed: Iterable[OrderStatus],
        status: OrderStatus,
        approved_by: str | None = None,
        approved_at: datetime | None = None,
        note: str | None = None,
    ) -> bool:
        po = t.purchase_order
        values: dict[str, Any] = {"status": status.value}
        if approved_by is not None:
            values["approved_by"] = approved_by
            values["approved_at"] = approved_at
        if note is not None:
            values["note"] = note
        done = self.conn.execute(
            update(po)
            .where(po.c.id == order_id, po.c.status.in_([s.value for s in allowed]))
            .values(**values)
        )
        return done.rowcount == 1

    def set_dea_form_number(self, order_id: int, line_number: int, number: str) -> bool:
        pl = t.purchase_order_line
        done = self.conn.execute(
            update(pl)
            .where(pl.c.order_id == order_id, pl.c.line_number == line_number)
            .values(dea_form_number=number)
        )
        return done.rowcount == 1

    def location_code(self, order_id: int) -> str:
        """The code of the storeroom the order is received into."""
        po, loc = t.purchase_order, t.location
        return str(
            self.conn.execute(
                select(loc.c.code).join(po, po.c.location_id == loc.c.id).where(po.c.id == order_id)
            ).scalar_one()
        )

    def set_received(
        self, order_id: int, line_number: int, packages: int, status: LineStatus
    ) -> None:
        pl = t.purchase_order_line
        self.conn.execute(
            update(pl)
            .where(pl.c.order_id == order_id, pl.c.line_number == line_number)
            .values(received_packages=packages, status=status.value)
        )

    def add_discrepancies(self, order_id: int, found: Sequence[ReceivingDiscrepancy]) -> None:
        if not found:
            return
        self.conn.execute(
            insert(t.receiving_discrepancy),
            [
                {
                    "order_id": order_id,
                    "line_number": d.line_number,
                    "issue": d.issue.value,
                    "ndc": d.ndc,
                    "lot": d.lot,
                    "packages": d.packages,
                    "note": d.note,
                    "recorded_by": d.recorded_by,
                    "recorded_at": d.recorded_at,
                    "resolution": "",
                    "resolved_by": "",
                }
                for d in found
            ],
        )

    def discrepancies(self, order_id: int) -> list[ReceivingDiscrepancy]:
        rd, po = t.receiving_discrepancy, t.purchase_order
        stmt = (
            select(rd, po.c.number)
            .join(po, po.c.id == rd.c.order_id)
            .where(rd.c.order_id == order_id)
            .order_by(rd.c.id)
        )
        return [
            ReceivingDiscrepancy(
                id=int(r.id),
                order_number=r.number,
                line_number=r.line_number,
                issue=ReceivingIssue(r.issue),
                ndc=r.ndc,
                lot=r.lot,
                packages=int(r.packages),
                note=r.note,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
                resolution=r.resolution,
                resolved_by=r.resolved_by,
                resolved_at=r.resolved_at,
            )
            for r in self.conn.execute(stmt)
        ]

    def resolve_discrepancy(
        self, discrepancy_id: int, *, resolution: str, user: str, now: datetime
    ) -> bool:
        rd = t.receiving_discrepancy
        done = self.conn.execute(
            update(rd)
            .where(rd.c.id == discrepancy_id, rd.c.resolved_at.is_(None))
            .values(resolution=resolution, resolved_by=user, resolved_at=now)
        )
        return done.rowcount == 1

    def on_order(
        self, product_ids: Iterable[int], *, status: LineStatus = LineStatus.OPEN
    ) -> dict[int, int]:
        """Units on order per product: the lines in ``status`` (open, or backordered) of sent,
        acknowledged and partly received orders, less what they received."""
        pl, po, pr = t.purchase_order_line, t.purchase_order, t.product
        out: dict[int, int] = {}
        for part in chunks(sorted(set(product_ids))):
            stmt = (
                select(
                    pl.c.product_id,
                    func.sum((pl.c.packages - pl.c.received_packages) * pr.c.package_size),
                )
                .join(po, po.c.id == pl.c.order_id)
                .join(pr, pr.c.id == pl.c.product_id)
                .where(
                    pl.c.product_id.in_(part),
                    po.c.status.in_([s.value for s in OPEN_ORDER]),
                    pl.c.status == status.value,
                )
                .group_by(pl.c.product_id)
            )
            out.update({int(p): int(u or 0) for p, u in self.conn.execute(stmt)})
        return out

    def _lines(self, order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
        pl, pr, ip, it = t.purchase_order_line, t.product, t.item_product, t.item
        first_item = (
            select(ip.c.product_id, func.min(ip.c.item_id).label("item_id"))
            .group_by(ip.c.product_id)
            .subquery()
        )
        out: dict[int, list[OrderLine]] = {}
        for part in chunks(sorted(set(order_ids))):
            stmt = (
                select(
                    pl,
                    pr.c.ndc,
                    pr.c.package_size,
                    pr.c.dea_schedule,
                    it.c.code.label("item_code"),
                    it.c.name.label("item_name"),
                )
                .join(pr, pr.c.id == pl.c.product_id)
                .outerjoin(first_item, first_item.c.product_id == pl.c.product_id)
                .outerjoin(it, it.c.id == first_item.c.item_id)
                .where(pl.c.order_id.in_(part))
                .order_by(pl.c.order_id, pl.c.line_number)
            )
            for r in self.conn.execute(stmt):
                out.setdefault(int(r.order_id), []).append(
                    OrderLine(
                        id=int(r.id),
                        line_number=int(r.line_number),
                        product_id=int(r.product_id),
                        ndc=r.ndc,
                        item_code=r.item_code or "",
                        item_name=r.item_name or "",
                        package_size=int(r.package_size),
                        packages=int(r.packages),
                        package_price=Decimal(r.package_price),
                        contract=r.contract,
                        schedule=r.dea_schedule or "",
                        dea_form_number=r.dea_form_number,
                        status=LineStatus(r.status),
                        received_packages=int(r.received_packages),
                        why=r.why,
                    )
                )
        return out


def _order(r: Any) -> PurchaseOrder:
    return PurchaseOrder(
        id=int(r.id),
        number=r.number,
        wholesaler=r.name,
        status=OrderStatus(r.status),
        created_at=r.created_at,
        created_by=r.created_by,
        approved_by=r.approved_by,
        approved_at=r.approved_at,
        note=r.note,
    )
