"""Serialised packages in SQL: :class:`SqlPackages` (found by GTIN and serial, the sealed
packages of some lots, added and updated by a posting)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, tuple_, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, chunks
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.status import SEALED, StockStatus

_SEALED = sorted(s.value for s in SEALED)


def package_from_row(row: RowMapping) -> SerialPackage:
    return SerialPackage(
        gtin=row["gtin"],
        serial=row["serial"],
        product_id=row["product_id"],
        lot_id=row["lot_id"],
        units=row["units"],
        location_id=row["location_id"],
        status=StockStatus(row["status"]),
        received_at=row["received_at"],
        received_by=row["received_by"],
        status_reason=row["status_reason"],
        id=row["id"],
    )


def _sealed_of_lots(conn: Connection) -> Any:
    sp = t.serial_package
    return (
        select(sp)
        .where(among(conn, sp.c.lot_id, "lots"), sp.c.status.in_(_SEALED))
        .order_by(sp.c.id)
    )


_UPDATE = (
    update(t.serial_package)
    .where(t.serial_package.c.id == bindparam("k_id"))
    .values(
        location_id=bindparam("k_location"),
        status=bindparam("k_status"),
        status_reason=bindparam("k_reason"),
        updated_at=bindparam("k_at"),
    )
)


class SqlPackages:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], SerialPackage]:
        sp = t.serial_package
        out: dict[tuple[str, str], SerialPackage] = {}
        for part in chunks(sorted(set(identities)), 400):
            rows = self.conn.execute(select(sp).where(tuple_(sp.c.gtin, sp.c.serial).in_(part)))
            for row in rows.mappings():
                p = package_from_row(row)
                out[p.identity] = p
        return out

    def by_serial(self, product_ids: Iterable[int], serial: str) -> list[SerialPackage]:
        sp = t.serial_package
        rows = self.conn.execute(
            select(sp)
            .where(sp.c.product_id.in_(sorted(set(product_ids))), sp.c.serial == serial)
            .order_by(sp.c.id)
        )
        return [package_from_row(r) for r in rows.mappings()]

    def sealed(self, lot_ids: Iterable[int]) -> list[SerialPackage]:
        stmt = built(self.conn, "sealed packages of lots", _sealed_of_lots)
        out: list[SerialPackage] = []
        for part in chunks(sorted(set(lot_ids))):
            out.extend(
                package_from_row(r)
                for r in self.conn.execute(stmt, {"lots": list(part)}).mappings()
            )
        return out

    def add_many(self, packages: Sequence[SerialPackage], *, now: datetime) -> None:
        for p in packages:  # few at a time (one per scanned package); ids come back
            p.id = self.conn.execute(
                insert(t.serial_package)
                .values(
                    gtin=p.gtin,
                    serial=p.serial,
                    product_id=p.product_id,
                    lot_id=p.lot_id,
                    units=p.units,
                    location_id=p.location_id,
                    status=p.status.value,
                    status_reason=p.status_reason,
                    received_at=p.received_at or now,
                    received_by=p.received_by,
                    updated_at=now,
                )
                .returning(t.serial_package.c.id)
            ).scalar_one()

    def update_many(self, packages: Sequence[SerialPackage], *, now: datetime) -> None:
        rows = [
            {
                "k_id": p.id,
                "k_location": p.location_id,
                "k_status": p.status.value,
                "k_reason": p.status_reason,
                "k_at": now,
            }
            for p in packages
            if p.id is not None
        ]
        if rows:
            self.conn.execute(_UPDATE, rows)
