"""Alternatives in SQL: :class:`SqlAlternatives` (the products worth comparing with a short
item, their usable stock, the NDCs on current shortages, the trading partners, and the
therapeutic alternatives table)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.unusable import blocked_units, usable_line
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.alternatives import TherapeuticAlternative
from rxsupply.domain.shortage import ShortageStatus
from rxsupply.services.ports.alternatives import CandidateProduct, Partner, ShortNdc

_CURRENT = ShortageStatus.CURRENT.value


class SqlAlternatives:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- products ------------------------------------------------------------------------

    def products_named(self, words: Sequence[str]) -> list[CandidateProduct]:
        pr = t.product
        wanted = [w.casefold() for w in words if w.strip()]
        if not wanted:
            return []
        found = or_(
            *(
                column.like(f"%{w}%")
                for w in wanted
                for column in (func.lower(pr.c.generic_name), func.lower(pr.c.name))
            )
        )
        return self._candidates(select(pr).where(found))

    def products(self, product_ids: Iterable[int]) -> list[CandidateProduct]:
        out: list[CandidateProduct] = []
        for part in chunks(sorted(set(product_ids))):
            out += self._candidates(select(t.product).where(t.product.c.id.in_(part)))
        return out

    def _candidates(self, stmt: Any) -> list[CandidateProduct]:
        rows = list(self.conn.execute(stmt.order_by(t.product.c.ndc11)).mappings())
        items = self._items_of([int(r["id"]) for r in rows])
        return [
            CandidateProduct(
                id=int(r["id"]),
                ndc=r["ndc"],
                ndc11=r["ndc11"],
                digits10=r["ndc_digits"],
                name=r["name"],
                generic_name=r["generic_name"] or "",
                labeler=r["labeler"] or "",
                strength=r["strength"] or "",
                dosage_form=r["dosage_form"] or "",
                route=r["route"] or "",
                package_size=int(r["package_size"]),
                dispense_unit=r["dispense_unit"],
                package_description=r["package_description"] or "",
                source=r["source"],
                marketing_end=r["marketing_end"],
                items=tuple(items.get(int(r["id"]), ())),
            )
            for r in rows
        ]

    def _items_of(self, product_ids: list[int]) -> dict[int, list[str]]:
        ip, it = t.item_product, t.item
        out: dict[int, list[str]] = defaultdict(list)
        for part in chunks(sorted(set(product_ids))):
            for pid, code in self.conn.execute(
                select(ip.c.product_id, it.c.code)
                .join(it, it.c.id == ip.c.item_id)
                .where(ip.c.product_id.in_(part))
                .order_by(it.c.code)
            ):
                out[int(pid)].append(code)
        return out

    def usable_units(self, product_ids: Iterable[int], *, today: date) -> dict[int, int]:
        oh, lo, loc = t.on_hand, t.lot, t.location
        out: dict[int, int] = {}
        for part in chunks(sorted(set(product_ids))):
            for pid, units in self.conn.execute(
                select(oh.c.product_id, func.sum(oh.c.quantity - blocked_units()))
                .select_from(oh)
                .join(lo, lo.c.id == oh.c.lot_id)
                .join(loc, loc.c.id == oh.c.location_id)
                .where(oh.c.product_id.in_(part), usable_line(today))
                .group_by(oh.c.product_id)
            ):
                if units and int(units) > 0:
                    out[int(pid)] = int(units)
        return out

    # --- shortages -----------------------------------------------------------------------

    def short_ndcs(self, ndc11s: Iterable[str], digits: Iterable[str]) -> list[ShortNdc]:
        n, p, s = t.shortage_ndc, t.shortage_presentation, t.shortage
        base = (
            select(n.c.shortage_id, n.c.ndc11, n.c.ndc_digits)
            .join(p, p.c.id == n.c.presentation_id)
            .join(s, s.c.id == n.c.shortage_id)
            .where(s.c.status == _CURRENT, p.c.status == _CURRENT)
        )
        found: set[ShortNdc] = set()
        for column, values in ((n.c.ndc11, ndc11s), (n.c.ndc_digits, digits)):
            for part in chunks(sorted(set(values))):
                for sid, ndc11, digits10 in self.conn.execute(base.where(column.in_(part))):
                    found.add(ShortNdc(int(sid), ndc11, digits10))
        return sorted(found, key=lambda f: (f.shortage_id, f.ndc11 or "", f.digits10 or ""))

    def active_shortages(self, item_ids: Iterable[int]) -> dict[int, list[int]]:
        m, s = t.shortage_match, t.shortage
        out: dict[int, list[int]] = defaultdict(list)
        for part in chunks(sorted(set(item_ids))):
            for item_id, sid in self.conn.execute(
                select(m.c.item_id, m.c.shortage_id)
                .join(s, s.c.id == m.c.shortage_id)
                .where(m.c.item_id.in_(part), s.c.status == _CURRENT)
                .order_by(m.c.shortage_id)
            ):
                out[int(item_id)].append(int(sid))
        return dict(out)

    def partners(self) -> list[Partner]:
        tp = t.trading_partner
        return [
            Partner(name, kind, role or "")
            for name, kind, role in self.conn.execute(
                select(tp.c.name, tp.c.kind, tp.c.role).order_by(tp.c.name)
            )
        ]

    # --- the therapeutic alternatives table ---------------------------------------------

    def therapeutic(self, item_ids: Iterable[int] | None = None) -> list[TherapeuticAlternative]:
        ta = t.therapeutic_alternative
        if item_ids is None:
            return self._therapeutic(None)
        out: list[TherapeuticAlternative] = []
        for part in chunks(sorted(set(item_ids))):
            out += self._therapeutic(ta.c.item_id.in_(part))
        return sorted(out, key=lambda r: (r.item, r.alternative))

    def find_therapeutic(self, item_id: int, alternative_id: int) -> TherapeuticAlternative | None:
        ta = t.therapeutic_alternative
        found = self._therapeutic(
            (ta.c.item_id == item_id) & (ta.c.alternative_id == alternative_id)
        )
        return found[0] if found else None

    def _therapeutic(self, where: Any) -> list[TherapeuticAlternative]:
        ta, it = t.therapeutic_alternative, t.item
        alt = it.alias("alt")
        stmt = (
            select(ta, it.c.code, it.c.name, alt.c.code.label("alt_code"), alt.c.name.label("alt"))
            .join(it, it.c.id == ta.c.item_id)
            .join(alt, alt.c.id == ta.c.alternative_id)
            .order_by(it.c.code, alt.c.code)
        )
        if where is not None:
            stmt = stmt.where(where)
        return [
            TherapeuticAlternative(
                item=r["code"],
                item_name=r["name"],
                alternative=r["alt_code"],
                alternative_name=r["alt"],
                note=r["note"],
                ratio=None if r["ratio"] is None else Decimal(r["ratio"]).normalize(),
                added_by=r["added_by"],
                added_at=r["added_at"],
                item_id=int(r["item_id"]),
                alternative_id=int(r["alternative_id"]),
                id=int(r["id"]),
            )
            for r in self.conn.execute(stmt).mappings()
        ]

    def add_therapeutic(self, row: TherapeuticAlternative) -> int:
        ta = t.therapeutic_alternative
        return int(
            self.conn.execute(
                insert(ta)
                .values(
                    item_id=row.item_id,
                    alternative_id=row.alternative_id,
                    note=row.note,
                    ratio=row.ratio,
                    added_by=row.added_by,
                    added_at=row.added_at,
                )
                .returning(ta.c.id)
            ).scalar_one()
        )

    def update_therapeutic(self, row: TherapeuticAlternative) -> None:
        ta = t.therapeutic_alternative
        self.conn.execute(
            update(ta)
            .where(ta.c.id == row.id)
            .values(note=row.note, ratio=row.ratio, added_by=row.added_by, added_at=row.added_at)
        )

    def remove_therapeutic(self, row_id: int) -> None:
        ta = t.therapeutic_alternative
        self.conn.execute(delete(ta).where(ta.c.id == row_id))
