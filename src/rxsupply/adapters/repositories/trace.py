"""A trace's reads in SQL: :class:`SqlTrace`. Each is one indexed query (serial, lot number,
lot id, order number), chunked where it takes many keys. The transaction records themselves
are read through :class:`~rxsupply.adapters.repositories.dscsa_documents.SqlDscsaDocuments`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, select
from sqlalchemy.orm import aliased

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.adapters.repositories.packages import package_from_row
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.trace import LedgerEntry, Place, StatusEntry, TracedLot

_LOT = (
    select(
        t.lot.c.id,
        t.lot.c.product_id,
        t.lot.c.lot_number,
        t.lot.c.expiry,
        t.lot.c.status,
        t.lot.c.status_reason,
        t.product.c.ndc,
        t.product.c.gtin,
        t.product.c.name,
        t.product.c.package_size,
        t.product.c.dispense_unit,
    )
    .join(t.product, t.product.c.id == t.lot.c.product_id)
    .order_by(t.lot.c.id)
)


def _lot(row: RowMapping, derived_from: str | None = None) -> TracedLot:
    return TracedLot(
        id=row["id"],
        product_id=row["product_id"],
        lot=row["lot_number"],
        expiry=row["expiry"],
        status=row["status"],
        status_reason=row["status_reason"],
        ndc=row["ndc"],
        gtin=row["gtin"],
        product=row["name"],
        package_size=row["package_size"],
        dispense_unit=row["dispense_unit"],
        derived_from=derived_from,
    )


class SqlTrace:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._places: dict[int, Place] = {}

    def packages(self, serial: str, gtin: str | None = None) -> list[SerialPackage]:
        sp = t.serial_package
        stmt = select(sp).where(sp.c.serial == serial).order_by(sp.c.id)
        if gtin is not None:
            stmt = stmt.where(sp.c.gtin == gtin)
        return [package_from_row(r) for r in self.conn.execute(stmt).mappings()]

    def packages_of_lot(self, lot_id: int) -> list[SerialPackage]:
        sp = t.serial_package
        stmt = select(sp).where(sp.c.lot_id == lot_id).order_by(sp.c.id)
        return [package_from_row(r) for r in self.conn.execute(stmt).mappings()]

    def lots_named(self, lot: str, product_ids: Iterable[int] | None = None) -> list[TracedLot]:
        stmt = _LOT.where(t.lot.c.lot_number == lot)
        if product_ids is not None:
            stmt = stmt.where(t.lot.c.product_id.in_(sorted(set(product_ids))))
        return self._lots(stmt)

    def lots(self, lot_ids: Iterable[int]) -> list[TracedLot]:
        out: list[TracedLot] = []
        for part in chunks(sorted(set(lot_ids))):
            out.extend(self._lots(_LOT.where(t.lot.c.id.in_(part))))
        return sorted(out, key=lambda lot: lot.id)

    def _lots(self, stmt: Select[Any]) -> list[TracedLot]:
        rows = list(self.conn.execute(stmt).mappings())
        ls, source = t.lot_source, aliased(t.lot)
        sources: dict[int, str] = {}
        for part in chunks([r["id"] for r in rows]):
            found = self.conn.execute(
                select(ls.c.lot_id, source.c.lot_number)
                .join(source, source.c.id == ls.c.source_lot_id)
                .where(ls.c.lot_id.in_(part))
            )
            sources.update({r.lot_id: r.lot_number for r in found})
        return [_lot(r, sources.get(r["id"])) for r in rows]

    def derived(self, lot_ids: Iterable[int]) -> list[int]:
        ls = t.lot_source
        out: list[int] = []
        for part in chunks(sorted(set(lot_ids))):
            stmt = select(ls.c.lot_id).where(ls.c.source_lot_id.in_(part))
            out.extend(self.conn.execute(stmt).scalars())
        return sorted(out)

    def entries(self, lot_ids: Iterable[int]) -> list[LedgerEntry]:
        m = t.movement
        rows: list[RowMapping] = []
        for part in chunks(sorted(set(lot_ids))):
            stmt = (
                select(m, t.lot.c.lot_number)
                .join(t.lot, t.lot.c.id == m.c.lot_id)
                .where(m.c.lot_id.in_(part))
            )
            rows.extend(self.conn.execute(stmt).mappings())
        rows.sort(key=lambda r: r["id"])
        places = self._places_of(
            {r[k] for r in rows for k in ("from_location_id", "to_location_id") if r[k]}
        )
        return [
            LedgerEntry(
                id=r["id"],
                kind=r["kind"],
                occurred_at=r["occurred_at"],
                product_id=r["product_id"],
                lot_id=r["lot_id"],
                lot=r["lot_number"],
                quantity=int(r["quantity"]),
                source=places.get(r["from_location_id"] or 0),
                destination=places.get(r["to_location_id"] or 0),
                reference=r["reference"],
                external_id=r["external_id"],
                user=r["user_name"],
                note=r["note"],
                approved_by=r["approved_by"],
            )
            for r in rows
        ]

    def status_changes(self, lot_ids: Iterable[int]) -> list[StatusEntry]:
        sc, sp = t.status_change, t.serial_package
        out: list[StatusEntry] = []
        for part in chunks(sorted(set(lot_ids))):
            stmt = (
                select(sc, t.lot.c.lot_number, sp.c.serial)
                .join(t.lot, t.lot.c.id == sc.c.lot_id)
                .outerjoin(sp, sp.c.id == sc.c.package_id)
                .where(sc.c.lot_id.in_(part))
            )
            out.extend(
                StatusEntry(
                    at=r["at"],
                    lot_id=r["lot_id"],
                    lot=r["lot_number"],
                    status=r["status"],
                    reason=r["reason"],
                    user=r["user_name"],
                    approved_by=r["approved_by"],
                    package_id=r["package_id"],
                    serial=r["serial"],
                )
                for r in self.conn.execute(stmt).mappings()
            )
        return sorted(out, key=lambda s: (s.at, s.lot_id))

    def identifiers_with_serial(self, serial: str) -> list[str]:
        pk = t.dscsa_package
        stmt = select(pk.c.identifier).where(pk.c.serial == serial).distinct()
        return sorted(self.conn.execute(stmt).scalars())

    def orders(self, numbers: Iterable[str]) -> dict[str, str]:
        po, tp = t.purchase_order, t.trading_partner
        out: dict[str, str] = {}
        wanted = sorted({n for n in numbers if n})
        for part in chunks(wanted):
            stmt = (
                select(po.c.number, tp.c.name)
                .join(tp, tp.c.id == po.c.partner_id)
                .where(po.c.number.in_(part))
            )
            out.update({r.number: r.name for r in self.conn.execute(stmt)})
        return out

    def place(self, location_id: int) -> Place | None:
        return self._places_of({location_id}).get(location_id)

    def _places_of(self, ids: set[int]) -> dict[int, Place]:
        missing = sorted(ids - set(self._places))
        loc, parent = t.location, aliased(t.location)
        for part in chunks(missing):
            stmt = (
                select(loc, parent.c.code.label("parent_code"))
                .outerjoin(parent, parent.c.id == loc.c.parent_id)
                .where(loc.c.id.in_(part))
            )
            for r in self.conn.execute(stmt).mappings():
                self._places[r["id"]] = Place(
                    id=r["id"],
                    code=r["code"],
                    name=r["name"],
                    kind=r["kind"],
                    cabinet=r["parent_code"] if r["kind"] == "pocket" else None,
                    ward=r["unit"] or "",
                )
        return {i: self._places[i] for i in ids if i in self._places}
