"""Recalls in SQL: :class:`SqlRecalls` (recalls and their entries; the lots a recall names,
where their units are on hand and where they were dispensed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.recall import (
    Disposition,
    Recall,
    RecallClass,
    RecallEntry,
    RecallStatus,
    lot_key,
)
from rxsupply.domain.status import StatusNote, StockStatus
from rxsupply.services.ports.recalls import DispenseLine, RecalledLot, UnitLine

_R, _E = t.recall, t.recall_entry
_CENT = Decimal("0.01")


def _recall(row: Any, entries: list[RecallEntry]) -> Recall:
    return Recall(
        id=row.id,
        number=row.number,
        recall_class=RecallClass(row.recall_class),
        reason=row.reason,
        firm=row.firm,
        initiated=row.initiated,
        entries=entries,
        status=RecallStatus(row.status),
        disposition=Disposition(row.disposition) if row.disposition else None,
        disposition_note=row.disposition_note,
        entered_at=row.entered_at,
        entered_by=row.entered_by,
        quarantined_at=row.quarantined_at,
        quarantined_by=row.quarantined_by,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


def _lot(row: Any) -> RecalledLot:
    return RecalledLot(
        row.id, row.product_id, row.ndc, row.lot_number, row.expiry, StockStatus(row.status)
    )


class SqlRecalls:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- recalls -------------------------------------------------------------------------

    def add(
        self, recall: Recall, product_ids: Mapping[str, int], *, external_id: str | None
    ) -> int:
        new_id = self.conn.execute(
            _R.insert()
            .values(
                number=recall.number,
                recall_class=recall.recall_class.value,
                reason=recall.reason,
                firm=recall.firm,
                initiated=recall.initiated,
                status=recall.status.value,
                disposition=None,
                disposition_note="",
                entered_at=recall.entered_at,
                entered_by=recall.entered_by,
                quarantined_by="",
                closed_by="",
                external_id=external_id,
            )
            .returning(_R.c.id)
        ).scalar_one()
        rows = [
            {"recall_id": new_id, "product_id": product_ids[e.ndc], "lot_number": lot}
            for e in recall.entries
            for lot in (e.lots or (None,))
        ]
        self.conn.execute(_E.insert(), rows)
        recall.id = int(new_id)
        return int(new_id)

    def by_external_id(self, external_id: str) -> int | None:
        found = self.conn.execute(select(_R.c.id).where(_R.c.external_id == external_id))
        return found.scalar_one_or_none()

    def by_number(self, number: str) -> int | None:
        found = self.conn.execute(select(_R.c.id).where(_R.c.number == number))
        return found.scalar_one_or_none()

    def get(self, recall_id: int, *, lock: bool = False) -> Recall | None:
        stmt = select(_R).where(_R.c.id == recall_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        if row is None:
            return None
        return _recall(row, self._entries([recall_id])[recall_id])

    def listed(self, *, status: RecallStatus | None, limit: int) -> list[Recall]:
        stmt = select(_R).order_by(_R.c.initiated.desc(), _R.c.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(_R.c.status == status.value)
        rows = self.conn.execute(stmt).all()
        entries = self._entries([r.id for r in rows])
        return [_recall(r, entries[r.id]) for r in rows]

    def naming_products(self, product_ids: Iterable[int]) -> list[Recall]:
        ids: set[int] = set()
        for part in chunks(sorted(set(product_ids))):
            found = select(_E.c.recall_id).where(_E.c.product_id.in_(part)).distinct()
            ids.update(int(i) for i in self.conn.execute(found).scalars())
        rows: list[Row[Any]] = []
        for part in chunks(sorted(ids)):
            rows += self.conn.execute(select(_R).where(_R.c.id.in_(part))).all()
        rows.sort(key=lambda r: (r.initiated, r.id), reverse=True)
        entries = self._entries([r.id for r in rows])
        return [_recall(r, entries[r.id]) for r in rows]

    def _entries(self, recall_ids: Sequence[int]) -> dict[int, list[RecallEntry]]:
        lots: dict[int, dict[str, list[str | None]]] = defaultdict(dict)
        for part in chunks(sorted(set(recall_ids))):
            rows = self.conn.execute(
                select(_E.c.recall_id, t.product.c.ndc, _E.c.lot_number)
                .join(t.product, t.product.c.id == _E.c.product_id)
                .where(_E.c.recall_id.in_(part))
                .order_by(_E.c.recall_id, _E.c.id)
            )
            for rid, ndc, lot in rows:
                lots[rid].setdefault(ndc, []).append(lot)
        out: dict[int, list[RecallEntry]] = {}
        for rid in recall_ids:
            out[rid] = [
                RecallEntry(ndc, () if None in named else tuple(str(n) for n in named))
                for ndc, named in lots.get(rid, {}).items()
            ]
        return out

    def save_state(self, recall: Recall) -> None:
        self.conn.execute(
            update(_R)
            .where(_R.c.id == recall.id)
            .values(
                status=recall.status.value,
                disposition=recall.disposition.value if recall.disposition else None,
                disposition_note=recall.disposition_note,
                closed_at=recall.closed_at,
                closed_by=recall.closed_by,
                quarantined_at=recall.quarantined_at,
                quarantined_by=recall.quarantined_by,
            )
        )

    def product_ids(self, recall_id: int) -> dict[str, int]:
        rows = self.conn.execute(
            select(t.product.c.ndc, _E.c.product_id)
            .join(t.product, t.product.c.id == _E.c.product_id)
            .where(_E.c.recall_id == recall_id)
        )
        return {str(ndc): int(pid) for ndc, pid in rows.all()}

    # --- the lots and their units --------------------------------------------------------

    def _lot_query(self) -> Any:
        lo, p = t.lot, t.product
        return (
            select(lo.c.id, lo.c.product_id, p.c.ndc, lo.c.lot_number, lo.c.expiry, lo.c.status)
            .join(p, p.c.id == lo.c.product_id)
            .order_by(p.c.ndc, lo.c.expiry, lo.c.lot_number)
        )

    def lots_of(self, product_id: int, lot_numbers: Sequence[str] | None) -> list[RecalledLot]:
        stmt = self._lot_query().where(t.lot.c.product_id == product_id)
        if lot_numbers is not None:  # any case, spaces left out (lot_key)
            key = func.upper(func.replace(t.lot.c.lot_number, " ", ""))
            stmt = stmt.where(key.in_(sorted({lot_key(n) for n in lot_numbers})))
        return [_lot(r) for r in self.conn.execute(stmt)]

    def lots(self, lot_ids: Iterable[int]) -> list[RecalledLot]:
        out: list[RecalledLot] = []
        for part in chunks(sorted(set(lot_ids))):
            stmt = self._lot_query().where(t.lot.c.id.in_(part))
            out += [_lot(r) for r in self.conn.execute(stmt)]
        return out

    def before_recalled(self, lot_ids: Iterable[int]) -> dict[int, StatusNote]:
        """The block each lot had before its current run of *recalled* status changes, for
        the lots that had one (quarantined or suspect); the others were available."""
        sc = t.status_change
        out: dict[int, StatusNote] = {}
        for part in chunks(sorted(set(lot_ids))):
            rows = self.conn.execute(
                select(sc.c.lot_id, sc.c.status, sc.c.reason, sc.c.user_name, sc.c.at)
                .where(sc.c.lot_id.in_(part), sc.c.package_id.is_(None))
                .order_by(sc.c.lot_id, sc.c.at.desc(), sc.c.id.desc())
            )
            seen: set[int] = set()
            for lot_id, status, reason, by, at in rows:  # the latest first, lot by lot
                if lot_id in seen or status == StockStatus.RECALLED.value:
                    continue
                seen.add(lot_id)
                if status != StockStatus.AVAILABLE.value:
                    out[lot_id] = StatusNote(StockStatus(status), reason, by, at)
        return out

    def units(self, lot_ids: Iterable[int]) -> list[UnitLine]:
        oh, loc, p = t.on_hand, t.location, t.product
        parent = t.location.alias("parent")
        out: list[UnitLine] = []
        for part in chunks(sorted(set(lot_ids))):
            rows = self.conn.execute(
                select(
                    oh.c.lot_id,
                    loc.c.code,
                    loc.c.kind,
                    parent.c.code.label("parent"),
                    loc.c.unit,
                    oh.c.quantity,
                    p.c.package_cost,
                    p.c.package_size,
                )
                .join(loc, loc.c.id == oh.c.location_id)
                .outerjoin(parent, parent.c.id == loc.c.parent_id)
                .join(p, p.c.id == oh.c.product_id)
                .where(oh.c.lot_id.in_(part), oh.c.quantity > 0)
            )
            for r in rows:
                cost: Decimal | None = r.package_cost
                value = None if cost is None else (cost * r.quantity / r.package_size)
                out.append(
                    UnitLine(
                        lot_id=r.lot_id,
                        location=r.code,
                        location_kind=r.kind,
                        cabinet=r.parent if r.kind == "pocket" else None,
                        unit=r.unit or "",
                        quantity=int(r.quantity),
                        value=None if value is None else value.quantize(_CENT),
                    )
                )
        out.sort(key=lambda u: (u.location, u.lot_id))
        return out

    def dispensed(self, lot_ids: Iterable[int]) -> list[DispenseLine]:
        m, loc = t.movement, t.location
        parent = t.location.alias("parent")
        kinds = (MovementKind.DISPENSE.value, MovementKind.PATIENT_RETURN.value)
        out: list[DispenseLine] = []
        for part in chunks(sorted(set(lot_ids))):
            products = select(t.lot.c.product_id).where(t.lot.c.id.in_(part))
            place = func.coalesce(m.c.from_location_id, m.c.to_location_id)
            rows = self.conn.execute(
                select(
                    m.c.lot_id,
                    m.c.kind,
                    m.c.occurred_at,
                    m.c.quantity,
                    m.c.user_name,
                    m.c.external_id,
                    m.c.reference,
                    m.c.note,
                    loc.c.code,
                    loc.c.kind.label("location_kind"),
                    loc.c.unit,
                    parent.c.code.label("parent"),
                )
                .join(loc, loc.c.id == place)
                .outerjoin(parent, parent.c.id == loc.c.parent_id)
                .where(
                    m.c.product_id.in_(products),  # the product's index, then its lots
                    m.c.lot_id.in_(part),
                    m.c.kind.in_(kinds),
                )
            )
            out += [
                DispenseLine(
                    lot_id=r.lot_id,
                    kind=r.kind,
                    occurred_at=r.occurred_at,
                    location=r.code,
                    location_kind=r.location_kind,
                    cabinet=r.parent if r.location_kind == "pocket" else None,
                    unit=r.unit or "",
                    quantity=int(r.quantity),
                    user=r.user_name,
                    external_id=r.external_id,
                    reference=r.reference,
                    note=r.note,
                )
                for r in rows
            ]
        out.sort(key=lambda d: (d.occurred_at, d.location, d.lot_id), reverse=True)
        return out

    def spread_lots(self, *, min_places: int, limit: int) -> list[tuple[str, str]]:
        oh, loc, lo, p, m = t.on_hand, t.location, t.lot, t.product, t.movement
        pocket = func.sum(case((loc.c.kind == "pocket", 1), else_=0))
        held = (
            select(
                oh.c.lot_id,
                func.count().label("places"),
                func.sum(oh.c.quantity).label("units"),
            )
            .join(loc, loc.c.id == oh.c.location_id)
            .where(oh.c.quantity > 0)
            .group_by(oh.c.lot_id)
            .having(and_(func.count() >= min_places, pocket > 0))
            .subquery()
        )
        spread = self.conn.execute(
            select(p.c.ndc, lo.c.lot_number, lo.c.id, lo.c.product_id)
            .select_from(held)
            .join(lo, lo.c.id == held.c.lot_id)
            .join(p, p.c.id == lo.c.product_id)
            .where(lo.c.status == StockStatus.AVAILABLE.value)
            .order_by(held.c.places.desc(), held.c.units.desc(), p.c.ndc, lo.c.lot_number)
        ).all()
        out: list[tuple[str, str]] = []
        for ndc, number, lot_id, product_id in spread:  # most places first: few are read
            dispensed = self.conn.execute(
                select(m.c.id)
                .where(
                    m.c.product_id == product_id,
                    m.c.lot_id == lot_id,
                    m.c.kind == MovementKind.DISPENSE.value,
                )
                .limit(1)
            ).first()
            if dispensed is not None:
                out.append((ndc, number))
            if len(out) >= limit:
                break
        return out
