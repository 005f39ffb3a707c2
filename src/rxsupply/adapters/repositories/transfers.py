"""Transfers in SQL: :class:`SqlTransfers` (added, read with their lines and the codes they
name, their steps written, their picked lines replaced)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.domain.ndc import NDC
from rxsupply.domain.transfer import Transfer, TransferLine, TransferStatus

_FROM = t.location.alias("from_location")
_TO = t.location.alias("to_location")
_STEPS = (
    "status",
    "picked_by",
    "picked_at",
    "shipped_by",
    "shipped_at",
    "received_by",
    "received_at",
    "cancelled_by",
    "cancelled_at",
    "cancel_reason",
)


def _transfers() -> Any:
    tr = t.transfer
    return (
        select(
            tr,
            _FROM.c.code.label("from_code"),
            _TO.c.code.label("to_code"),
            t.item.c.code.label("item_code"),
            t.product.c.ndc.label("product_ndc"),
        )
        .join(_FROM, _FROM.c.id == tr.c.from_location_id)
        .join(_TO, _TO.c.id == tr.c.to_location_id)
        .outerjoin(t.item, t.item.c.id == tr.c.item_id)
        .outerjoin(t.product, t.product.c.id == tr.c.product_id)
    )


def _ndc(text: str | None) -> str:
    if not text:
        return ""
    try:
        return str(NDC.parse(text))
    except ValueError:
        return text


class SqlTransfers:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        transfer: Transfer,
        *,
        from_id: int,
        to_id: int,
        item_id: int | None,
        product_id: int | None,
    ) -> str:
        """Record a requested transfer; its number (TR000012)."""
        tr = t.transfer
        new_id = int(
            self.conn.execute(
                insert(tr)
                .values(
                    number=f"new-{uuid4().hex[:24]}",  # the id's number replaces it below
                    status=transfer.status.value,
                    from_location_id=from_id,
                    to_location_id=to_id,
                    item_id=item_id,
                    product_id=product_id,
                    quantity=transfer.quantity,
                    note=transfer.note,
                    requested_by=transfer.requested_by,
                    requested_at=transfer.requested_at,
                    picked_by="",
                    shipped_by="",
                    received_by="",
                    cancelled_by="",
                    cancel_reason="",
                )
                .returning(tr.c.id)
            ).scalar_one()
        )
        number = f"TR{new_id:06d}"
        self.conn.execute(update(tr).where(tr.c.id == new_id).values(number=number))
        return number

    def get(self, number: str, *, lock: bool = False) -> Transfer | None:
        """A transfer by number (or id), with its lines; locked FOR UPDATE when ``lock``."""
        tr = t.transfer
        by_id = number.isascii() and number.isdigit() and len(number) <= 9  # '²', 10**20: no id
        key = tr.c.id == int(number) if by_id else tr.c.number == number.upper()
        if lock:
            self.conn.execute(select(tr.c.id).where(key).with_for_update()).first()
        row = self.conn.execute(_transfers().where(key)).mappings().first()
        if row is None:
            return None
        found = self._to_domain(row)
        found.lines = self._lines(row["id"])
        return found

    def listed(self, *, status: TransferStatus | None, limit: int) -> list[Transfer]:
        """Transfers, newest first (without their lines)."""
        stmt = _transfers().order_by(t.transfer.c.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(t.transfer.c.status == status.value)
        return [self._to_domain(r) for r in self.conn.execute(stmt).mappings()]

    def save_steps(self, transfer: Transfer) -> None:
        """Write the transfer's state and who did each step when."""
        values = {name: getattr(transfer, name) for name in _STEPS}
        values["status"] = transfer.status.value
        self.conn.execute(update(t.transfer).where(t.transfer.c.id == transfer.id).values(values))

    def replace_lines(self, transfer_id: int, lines: Sequence[TransferLine]) -> None:
        tl = t.transfer_line
        self.conn.execute(delete(tl).where(tl.c.transfer_id == transfer_id))
        if lines:
            self.conn.execute(
                insert(tl),
                [
                    {
                        "transfer_id": transfer_id,
                        "line_number": ln.line_number,
                        "location_id": ln.location_id,
                        "product_id": ln.product_id,
                        "lot_id": ln.lot_id,
                        "quantity": ln.quantity,
                        "received": ln.received,
                    }
                    for ln in lines
                ],
            )

    def set_received(self, transfer_id: int, received: dict[int, int]) -> None:
        tl = t.transfer_line
        for line_number, units in received.items():
            self.conn.execute(
                update(tl)
                .where(tl.c.transfer_id == transfer_id, tl.c.line_number == line_number)
                .values(received=units)
            )

    def _lines(self, transfer_id: int) -> list[TransferLine]:
        tl = t.transfer_line
        rows = self.conn.execute(
            select(tl, t.location.c.code, t.product.c.ndc, t.lot.c.lot_number, t.lot.c.expiry)
            .join(t.location, t.location.c.id == tl.c.location_id)
            .join(t.product, t.product.c.id == tl.c.product_id)
            .join(t.lot, t.lot.c.id == tl.c.lot_id)
            .where(tl.c.transfer_id == transfer_id)
            .order_by(tl.c.line_number)
        ).mappings()
        return [
            TransferLine(
                line_number=r["line_number"],
                location=r["code"],
                ndc=_ndc(r["ndc"]),
                lot=r["lot_number"],
                expiry=r["expiry"],
                quantity=r["quantity"],
                received=r["received"],
                location_id=r["location_id"],
                product_id=r["product_id"],
                lot_id=r["lot_id"],
            )
            for r in rows
        ]

    @staticmethod
    def _to_domain(row: RowMapping) -> Transfer:
        return Transfer(
            id=row["id"],
            number=row["number"],
            status=TransferStatus(row["status"]),
            from_location=row["from_code"],
            to_location=row["to_code"],
            item=row["item_code"] or "",
            product=_ndc(row["product_ndc"]),
            quantity=row["quantity"],
            note=row["note"],
            requested_by=row["requested_by"],
            requested_at=row["requested_at"],
            picked_by=row["picked_by"],
            picked_at=row["picked_at"],
            shipped_by=row["shipped_by"],
            shipped_at=row["shipped_at"],
            received_by=row["received_by"],
            received_at=row["received_at"],
            cancelled_by=row["cancelled_by"],
            cancelled_at=row["cancelled_at"],
            cancel_reason=row["cancel_reason"],
        )
