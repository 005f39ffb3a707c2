"""Purchase history in SQL: :class:`SqlPurchases` (invoice lines already recorded, each
product's last purchase date, new lines saved with their wholesaler added as a trading partner
when unknown)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Connection, func, insert, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks, insert_many
from rxsupply.services.ports import PurchaseLine


class SqlPurchases:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def recorded(self, line_keys: Iterable[str]) -> set[str]:
        col = t.purchase_line.c.line_key
        out: set[str] = set()
        for part in chunks(sorted(set(line_keys))):
            out.update(self.conn.execute(select(col).where(col.in_(part))).scalars())
        return out

    def last_purchased(self, product_ids: Iterable[int]) -> dict[int, date]:
        """Each product's latest invoice date of a purchase (packages bought, not a credit)."""
        pl = t.purchase_line
        out: dict[int, date] = {}
        for part in chunks(sorted(set(product_ids))):
            for pid, day in self.conn.execute(
                select(pl.c.product_id, func.max(pl.c.invoice_date))
                .where(pl.c.product_id.in_(part), pl.c.packages > 0)
                .group_by(pl.c.product_id)
            ):
                out[int(pid)] = day
        return out

    def save_many(self, lines: Sequence[PurchaseLine]) -> int:
        partners = dict(
            self.conn.execute(select(t.trading_partner.c.name, t.trading_partner.c.id)).all()
        )
        for name in sorted({ln.wholesaler for ln in lines} - set(partners)):
            partners[name] = self.conn.execute(
                insert(t.trading_partner)
                .values(name=name, kind="wholesaler")
                .returning(t.trading_partner.c.id)
            ).scalar_one()
        rows = [
            {
                "line_key": ln.line_key,
                "invoice_date": ln.invoice_date,
                "invoice_number": ln.invoice_number,
                "partner_id": partners[ln.wholesaler],
                "product_id": ln.product_id,
                "packages": ln.packages,
                "unit_price": ln.unit_price,
            }
            for ln in lines
        ]
        insert_many(self.conn, insert(t.purchase_line), rows)
        return len(rows)
