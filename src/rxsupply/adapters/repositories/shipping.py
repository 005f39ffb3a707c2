"""Ship notices and invoices in SQL: :class:`SqlShipping` (a notice with the packages it lists
and what came in against each, an invoice with its lines; each found by sender and id)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.domain.shipping import ExpectedPackages, Invoice, InvoiceLine, ShipNotice


class SqlShipping:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def notice_order(self, sender: str, shipment_id: str) -> str | None:
        """The number of the order this sender's notice of this shipment is recorded on."""
        sn, po = t.ship_notice, t.purchase_order
        return self.conn.execute(
            select(po.c.number)
            .join(sn, sn.c.order_id == po.c.id)
            .where(sn.c.sender == sender, sn.c.shipment_id == shipment_id)
        ).scalar_one_or_none()

    def add_notice(self, order_id: int, notice: ShipNotice) -> int:
        sn = t.ship_notice
        notice_id = int(
            self.conn.execute(
                insert(sn)
                .values(
                    order_id=order_id,
                    sender=notice.sender,
                    shipment_id=notice.shipment_id,
                    shipped_on=notice.shipped_on,
                    recorded_by=notice.recorded_by,
                    recorded_at=notice.recorded_at,
                )
                .returning(sn.c.id)
            ).scalar_one()
        )
        self.conn.execute(
            insert(t.ship_notice_line),
            [
                {
                    "notice_id": notice_id,
                    "line_number": ln.line_number,
                    "product_id": ln.product_id,
                    "lot": ln.lot,
                    "expiry": ln.expiry,
                    "packages": ln.packages,
                    "received_packages": 0,
                    "sscc": ln.sscc,
                    "serials": " ".join(ln.serials),
                }
                for ln in notice.lines
            ],
        )
        return notice_id

    def notices(self, order_id: int) -> list[ShipNotice]:
        sn, snl, po, pr = t.ship_notice, t.ship_notice_line, t.purchase_order, t.product
        heads = self.conn.execute(
            select(sn, po.c.number)
            .join(po, po.c.id == sn.c.order_id)
            .where(sn.c.order_id == order_id)
            .order_by(sn.c.id)
        ).all()
        out = {
            int(r.id): ShipNotice(
                id=int(r.id),
                shipment_id=r.shipment_id,
                po_number=r.number,
                sender=r.sender,
                shipped_on=r.shipped_on,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in heads
        }
        if not out:
            return []
        rows = self.conn.execute(
            select(snl, pr.c.ndc)
            .join(pr, pr.c.id == snl.c.product_id)
            .where(snl.c.notice_id.in_(list(out)))
            .order_by(snl.c.id)
        )
        for r in rows:
            out[int(r.notice_id)].lines.append(
                ExpectedPackages(
                    id=int(r.id),
                    ndc=r.ndc,
                    product_id=int(r.product_id),
                    line_number=r.line_number,
                    lot=r.lot,
                    expiry=r.expiry,
                    packages=int(r.packages),
                    received_packages=int(r.received_packages),
                    sscc=r.sscc,
                    serials=tuple(r.serials.split()),
                )
            )
        return list(out.values())

    def add_received(self, line_id: int, packages: int) -> None:
        snl = t.ship_notice_line
        self.conn.execute(
            update(snl)
            .where(snl.c.id == line_id)
            .values(received_packages=snl.c.received_packages + packages)
        )

    def invoice_order(self, sender: str, number: str) -> str | None:
        """The number of the order this sender's invoice of this number is recorded on."""
        si, po = t.supplier_invoice, t.purchase_order
        return self.conn.execute(
            select(po.c.number)
            .join(si, si.c.order_id == po.c.id)
            .where(si.c.sender == sender, si.c.number == number)
        ).scalar_one_or_none()

    def add_invoice(self, order_id: int, invoice: Invoice) -> int:
        si = t.supplier_invoice
        invoice_id = int(
            self.conn.execute(
                insert(si)
                .values(
                    order_id=order_id,
                    sender=invoice.sender,
                    number=invoice.number,
                    invoice_date=invoice.invoice_date,
                    total=invoice.total,
                    recorded_by=invoice.recorded_by,
                    recorded_at=invoice.recorded_at,
                )
                .returning(si.c.id)
            ).scalar_one()
        )
        self.conn.execute(
            insert(t.supplier_invoice_line),
            [
                {
                    "invoice_id": invoice_id,
                    "line_number": ln.line_number,
                    "product_id": ln.product_id,
                    "ndc": ln.ndc,
                    "packages": ln.packages,
                    "unit": ln.unit,
                    "unit_price": ln.unit_price,
                }
                for ln in invoice.lines
            ],
        )
        return invoice_id

    def invoices(self, order_id: int) -> list[Invoice]:
        si, sil, po = t.supplier_invoice, t.supplier_invoice_line, t.purchase_order
        heads = self.conn.execute(
            select(si, po.c.number.label("po_number"))
            .join(po, po.c.id == si.c.order_id)
            .where(si.c.order_id == order_id)
            .order_by(si.c.id)
        ).all()
        out = {
            int(r.id): Invoice(
                id=int(r.id),
                number=r.number,
                invoice_date=r.invoice_date,
                po_number=r.po_number,
                sender=r.sender,
                total=Decimal(r.total),
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in heads
        }
        if not out:
            return []
        rows = self.conn.execute(
            select(sil).where(sil.c.invoice_id.in_(list(out))).order_by(sil.c.id)
        )
        for r in rows:
            out[int(r.invoice_id)].lines.append(
                InvoiceLine(
                    line_number=int(r.line_number),
                    ndc=r.ndc,
                    packages=int(r.packages),
                    unit=r.unit,
                    unit_price=Decimal(r.unit_price),
                    product_id=int(r.product_id) if r.product_id is not None else None,
                )
            )
        return list(out.values())
