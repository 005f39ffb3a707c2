"""Formulary items in SQL: :class:`SqlItems` (by code, saved with their links to the products
that stock them, the products of each item) and the statement that reads items by code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, chunks, insert_many
from rxsupply.domain.product import Criticality, Item


def _items_by_code(conn: Connection) -> Any:
    return (
        select(t.item, t.item_product.c.product_id)
        .outerjoin(t.item_product, t.item_product.c.item_id == t.item.c.id)
        .where(among(conn, t.item.c.code, "codes"))
        .order_by(t.item.c.id, t.item_product.c.product_id)
    )


def _item(rows: Sequence[RowMapping]) -> Item:
    """An item from its rows joined to its product links (one row per product)."""
    row = rows[0]
    return Item(
        code=row["code"],
        name=row["name"],
        criticality=Criticality(row["criticality"]),
        product_ids=[r["product_id"] for r in rows if r["product_id"] is not None],
        non_expiring=bool(row["non_expiring"]),
        id=row["id"],
    )


class SqlItems:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ids_by_code(self) -> dict[str, int]:
        return dict(self.conn.execute(select(t.item.c.code, t.item.c.id)).all())

    def get(self, code: str) -> Item | None:
        return self.get_many([code]).get(code)

    def get_many(self, codes: Iterable[str]) -> dict[str, Item]:
        by_code: dict[str, list[RowMapping]] = defaultdict(list)
        for part in chunks(sorted(set(codes))):
            stmt = built(self.conn, "items by code", _items_by_code)
            for row in self.conn.execute(stmt, {"codes": list(part)}).mappings():
                by_code[row["code"]].append(row)
        return {code: _item(rows) for code, rows in by_code.items()}

    def save_many(self, items: Sequence[Item]) -> int:
        ids = self.ids_by_code()
        links = self.products_of()
        changed = 0
        new_rows = [
            {
                "code": i.code,
                "name": i.name,
                "criticality": i.criticality.value,
                "non_expiring": i.non_expiring,
            }
            for i in items
            if i.code not in ids
        ]
        insert_many(self.conn, insert(t.item), new_rows)
        if new_rows:
            changed += len(new_rows)
            ids = self.ids_by_code()
        link_rows: list[dict[str, int]] = []
        new_codes = {r["code"] for r in new_rows}
        for it in items:
            it.id = ids[it.code]
            if it.code not in new_codes:
                it_ = t.item.c
                cur = self.conn.execute(
                    select(it_.name, it_.criticality, it_.non_expiring).where(it_.id == it.id)
                ).one()
                wanted = (it.name, it.criticality.value, it.non_expiring)
                if (cur.name, cur.criticality, bool(cur.non_expiring)) != wanted:
                    self.conn.execute(
                        update(t.item)
                        .where(it_.id == it.id)
                        .values(
                            name=it.name,
                            criticality=it.criticality.value,
                            non_expiring=it.non_expiring,
                        )
                    )
                    changed += 1
            have = set(links.get(it.id, ()))
            for pid in it.product_ids:
                if pid not in have:
                    link_rows.append({"item_id": it.id, "product_id": pid})
                    have.add(pid)
        insert_many(self.conn, insert(t.item_product), link_rows)
        return changed + len(link_rows)

    def products_of(self, item_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
        q = select(t.item_product.c.item_id, t.item_product.c.product_id).order_by(
            t.item_product.c.item_id, t.item_product.c.product_id
        )
        out: dict[int, list[int]] = defaultdict(list)
        if item_ids is None:
            for iid, pid in self.conn.execute(q):
                out[iid].append(pid)
            return dict(out)
        for part in chunks(sorted(set(item_ids))):
            for iid, pid in self.conn.execute(q.where(t.item_product.c.item_id.in_(part))):
                out[iid].append(pid)
        return dict(out)

    def non_expiring_products(self, product_ids: Iterable[int]) -> set[int]:
        """The products among these that stock an item marked non-expiring."""
        ip, it = t.item_product, t.item
        out: set[int] = set()
        for part in chunks(sorted(set(product_ids))):
            rows = self.conn.execute(
                select(ip.c.product_id)
                .join(it, it.c.id == ip.c.item_id)
                .where(ip.c.product_id.in_(part), it.c.non_expiring.is_(True))
            )
            out.update(rows.scalars())
        return out
