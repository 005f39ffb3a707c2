"""Prices in SQL: :class:`SqlPrices` (trading partners, contracts and their prices, catalogue
prices, and the purchase lines a compliance report reads)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks, insert_many
from rxsupply.domain.pricing import Offer
from rxsupply.services.ports.pricing import CataloguePrice, ContractPrice, PricedPurchase


class SqlPrices:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def partner(self, name: str, *, kind: str, role: str = "") -> int:
        """The partner's id, added when new (a known partner keeps its kind; a role given
        replaces its role)."""
        tp = t.trading_partner
        row = self.conn.execute(select(tp.c.id, tp.c.role).where(tp.c.name == name)).first()
        if row is None:
            return int(
                self.conn.execute(
                    insert(tp).values(name=name, kind=kind, role=role).returning(tp.c.id)
                ).scalar_one()
            )
        if role and row.role != role:
            self.conn.execute(update(tp).where(tp.c.id == row.id).values(role=role))
        return int(row.id)

    def primary_wholesaler(self) -> str | None:
        """The wholesaler marked primary (the first by name when several are)."""
        tp = t.trading_partner
        return self.conn.execute(
            select(tp.c.name)
            .where(tp.c.kind == "wholesaler", tp.c.role == "primary")
            .order_by(tp.c.name)
            .limit(1)
        ).scalar_one_or_none()

    def contract(self, number: str, *, holder_id: int, tier: str) -> int:
        c = t.contract
        row = self.conn.execute(select(c.c.id, c.c.tier).where(c.c.number == number)).first()
        if row is None:
            return int(
                self.conn.execute(
                    insert(c)
                    .values(number=number, holder_id=holder_id, tier=tier)
                    .returning(c.c.id)
                ).scalar_one()
            )
        if tier and row.tier != tier:
            self.conn.execute(update(c).where(c.c.id == row.id).values(tier=tier))
        return int(row.id)

    def save_catalogue(self, prices: Sequence[CataloguePrice]) -> int:
        """Add or replace each (wholesaler, product, effective date)'s price; the rows changed.
        What is recorded is read in one query per 900 products, new rows inserted together."""
        cp = t.catalogue_price
        have = {
            (int(r.partner_id), int(r.product_id), r.starts): Decimal(r.wac)
            for r in self._rows(cp, (cp.c.partner_id, cp.c.wac), prices)
        }
        new, changed = [], 0
        for p in prices:
            old = have.get((p.partner_id, p.product_id, p.starts))
            if old is None:
                new.append(
                    {
                        "partner_id": p.partner_id,
                        "product_id": p.product_id,
                        "wac": p.wac,
                        "starts": p.starts,
                    }
                )
            elif old != p.wac:
                self.conn.execute(
                    update(cp)
                    .where(
                        cp.c.partner_id == p.partner_id,
                        cp.c.product_id == p.product_id,
                        cp.c.starts == p.starts,
                    )
                    .values(wac=p.wac)
                )
                changed += 1
        if new:
            insert_many(self.conn, insert(cp), new)
        return changed + len(new)

    def save_contract_prices(self, prices: Sequence[ContractPrice]) -> int:
        """Add or replace each (contract, product, tier, effective date)'s price and end, as
        :meth:`save_catalogue` does."""
        cp = t.contract_price
        have = {
            (int(r.contract_id), int(r.product_id), r.tier, r.starts): (Decimal(r.price), r.ends)
            for r in self._rows(cp, (cp.c.contract_id, cp.c.tier, cp.c.price, cp.c.ends), prices)
        }
        new, changed = [], 0
        for p in prices:
            old = have.get((p.contract_id, p.product_id, p.tier, p.starts))
            if old is None:
                new.append(
                    {
                        "contract_id": p.contract_id,
                        "product_id": p.product_id,
                        "tier": p.tier,
                        "price": p.price,
                        "starts": p.starts,
                        "ends": p.ends,
                    }
                )
            elif old != (p.price, p.ends):
                self.conn.execute(
                    update(cp)
                    .where(
                        cp.c.contract_id == p.contract_id,
                        cp.c.product_id == p.product_id,
                        cp.c.tier == p.tier,
                        cp.c.starts == p.starts,
                    )
                    .values(price=p.price, ends=p.ends)
                )
                changed += 1
        if new:
            insert_many(self.conn, insert(cp), new)
        return changed + len(new)

    def _rows(
        self, table: Any, columns: Sequence[Any], prices: Sequence[CataloguePrice | ContractPrice]
    ) -> list[Any]:
        """The recorded rows of a price table for the products of ``prices``."""
        out: list[Any] = []
        for part in chunks(sorted({p.product_id for p in prices})):
            out.extend(
                self.conn.execute(
                    select(table.c.product_id, table.c.starts, *columns).where(
                        table.c.product_id.in_(part)
                    )
                )
            )
        return out

    def offers(self, product_ids: Iterable[int] | None = None) -> list[Offer]:
        """Every catalogue price, and every contract price of the tier the hospital holds on
        its contract (or of no tier), of these products (all when None)."""
        wanted = None if product_ids is None else sorted(set(product_ids))
        out: list[Offer] = []
        parts: Iterable[Sequence[int] | None] = [None] if wanted is None else chunks(wanted)
        for part in parts:
            out.extend(self._contract_offers(part))
            out.extend(self._catalogue_offers(part))
        return out

    def _contract_offers(self, part: Sequence[int] | None) -> list[Offer]:
        cp, c, pr = t.contract_price, t.contract, t.product
        stmt = (
            select(
                cp.c.product_id,
                pr.c.ndc,
                pr.c.package_size,
                cp.c.price,
                cp.c.tier,
                cp.c.starts,
                cp.c.ends,
                c.c.number,
            )
            .join(c, c.c.id == cp.c.contract_id)
            .join(pr, pr.c.id == cp.c.product_id)
            .where(or_(cp.c.tier == "", cp.c.tier == c.c.tier))
        )
        if part is not None:
            stmt = stmt.where(cp.c.product_id.in_(part))
        return [
            Offer(
                product_id=int(r.product_id),
                ndc=r.ndc,
                package_size=int(r.package_size),
                price=Decimal(r.price),
                source="contract",
                contract=r.number,
                tier=r.tier,
                starts=r.starts,
                ends=r.ends,
            )
            for r in self.conn.execute(stmt)
        ]

    def _catalogue_offers(self, part: Sequence[int] | None) -> list[Offer]:
        cp, tp, pr = t.catalogue_price, t.trading_partner, t.product
        stmt = (
            select(cp.c.product_id, pr.c.ndc, pr.c.package_size, cp.c.wac, cp.c.starts, tp.c.name)
            .join(tp, tp.c.id == cp.c.partner_id)
            .join(pr, pr.c.id == cp.c.product_id)
        )
        if part is not None:
            stmt = stmt.where(cp.c.product_id.in_(part))
        return [
            Offer(
                product_id=int(r.product_id),
                ndc=r.ndc,
                package_size=int(r.package_size),
                price=Decimal(r.wac),
                source="wac",
                wholesaler=r.name,
                starts=r.starts,
            )
            for r in self.conn.execute(stmt)
        ]

    def items_of(self, product_ids: Iterable[int]) -> dict[int, tuple[str, str, list[int]]]:
        """For each product: its item's code and name and every product of that item."""
        ip, it = t.item_product, t.item
        wanted = sorted(set(product_ids))
        items: dict[int, tuple[str, str]] = {}
        of_product: dict[int, int] = {}
        for part in chunks(wanted):
            for r in self.conn.execute(
                select(ip.c.product_id, it.c.id, it.c.code, it.c.name)
                .join(it, it.c.id == ip.c.item_id)
                .where(ip.c.product_id.in_(part))
                .order_by(ip.c.product_id, it.c.code)
            ):
                of_product.setdefault(int(r.product_id), int(r.id))
                items[int(r.id)] = (r.code, r.name)
        members: dict[int, list[int]] = {i: [] for i in items}
        for part in chunks(sorted(items)):
            for item_id, product_id in self.conn.execute(
                select(ip.c.item_id, ip.c.product_id).where(ip.c.item_id.in_(part))
            ):
                members[int(item_id)].append(int(product_id))
        return {p: (*items[i], sorted(members[i])) for p, i in of_product.items()}

    def item_products(self, item_code: str | None) -> dict[str, tuple[str, list[int]]]:
        """Item code -> (name, its products), of one item or every item."""
        ip, it = t.item_product, t.item
        stmt = select(it.c.code, it.c.name, ip.c.product_id).join(ip, ip.c.item_id == it.c.id)
        if item_code is not None:
            stmt = stmt.where(it.c.code == item_code)
        out: dict[str, tuple[str, list[int]]] = {}
        for r in self.conn.execute(stmt.order_by(it.c.code)):
            out.setdefault(r.code, (r.name, []))[1].append(int(r.product_id))
        return out

    def preferred_products(self) -> set[int]:
        ip = t.item_product
        return set(
            self.conn.execute(select(ip.c.product_id).where(ip.c.preferred.is_(True))).scalars()
        )

    def set_preferred(self, item_id: int, product_id: int | None) -> None:
        ip = t.item_product
        self.conn.execute(
            update(ip)
            .where(ip.c.item_id == item_id)
            .values(preferred=ip.c.product_id == product_id if product_id is not None else False)
        )

    def purchases(self, start: date, end: date) -> list[PricedPurchase]:
        pl, tp, pr = t.purchase_line, t.trading_partner, t.product
        stmt = (
            select(
                pl.c.invoice_date,
                pl.c.invoice_number,
                tp.c.name,
                pl.c.product_id,
                pr.c.ndc,
                pr.c.package_size,
                pl.c.packages,
                pl.c.unit_price,
            )
            .join(tp, tp.c.id == pl.c.partner_id)
            .join(pr, pr.c.id == pl.c.product_id)
            .where(pl.c.invoice_date >= start, pl.c.invoice_date <= end)
            .order_by(pl.c.invoice_date, pl.c.id)
        )
        return [_purchase(r) for r in self.conn.execute(stmt)]


def _purchase(r: Any) -> PricedPurchase:
    return PricedPurchase(
        invoice_date=r.invoice_date,
        invoice_number=r.invoice_number,
        wholesaler=r.name,
        product_id=int(r.product_id),
        ndc=r.ndc,
        package_size=int(r.package_size),
        packages=int(r.packages),
        package_price=Decimal(r.unit_price),
    )
