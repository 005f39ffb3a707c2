"""Reverse distribution in SQL, part two: :class:`SqlReturns` adds return batches and their
lines, credit memo lines and controlled-substance destructions to :class:`SqlReturnFacts`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.adapters.repositories.returns import SqlReturnFacts
from rxsupply.domain.destruction import Destruction
from rxsupply.domain.return_batch import BatchStatus, MemoLine, ReturnBatch, ReturnLine
from rxsupply.domain.waste_stream import WasteStream


class SqlReturns(SqlReturnFacts):
    # --- batches -------------------------------------------------------------------------

    def next_batch_number(self, prefix: str) -> str:
        return self._next(t.return_batch, prefix)

    def next_destruction_number(self, prefix: str) -> str:
        return self._next(t.destruction, prefix)

    def _next(self, table: Any, prefix: str) -> str:
        taken = self.conn.execute(
            select(func.count()).select_from(table).where(table.c.number.like(f"{prefix}%"))
        ).scalar_one()
        n = int(taken) + 1
        while self.conn.execute(
            select(table.c.id).where(table.c.number == f"{prefix}{n:04d}")
        ).first():
            n += 1
        return f"{prefix}{n:04d}"

    def add_batch(self, batch: ReturnBatch) -> int:
        rb, rl = t.return_batch, t.return_line
        batch_id = int(
            self.conn.execute(
                insert(rb)
                .values(
                    number=batch.number,
                    status=batch.status.value,
                    distributor=batch.distributor,
                    created_by=batch.created_by,
                    created_at=batch.created_at,
                    shipped_by="",
                    note=batch.note,
                )
                .returning(rb.c.id)
            ).scalar_one()
        )
        if batch.lines:
            self.conn.execute(
                insert(rl),
                [
                    {
                        "batch_id": batch_id,
                        "line_number": line.line_number,
                        "product_id": line.product_id,
                        "lot_id": line.lot_id,
                        "quantity": line.quantity,
                        "stream": line.stream.value,
                        "expected_credit": line.expected_credit,
                        "price_basis": line.price_basis[:120],
                        "reason": line.reason,
                        "listing_code": line.listing_code,
                        "form_222": line.form_222,
                    }
                    for line in batch.lines
                ],
            )
        return batch_id

    def batch(self, number: str, *, lock: bool = False) -> ReturnBatch | None:
        rb = t.return_batch
        stmt = select(rb).where(rb.c.number == number)
        if lock:
            stmt = stmt.with_for_update()
        found = self._batches(stmt)
        return found[0] if found else None

    def batches(self, *, status: str | None = None, limit: int = 200) -> list[ReturnBatch]:
        rb = t.return_batch
        stmt = select(rb).order_by(rb.c.created_at.desc(), rb.c.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(rb.c.status == status)
        return self._batches(stmt)

    def _batches(self, stmt: Any) -> list[ReturnBatch]:
        heads = list(self.conn.execute(stmt).mappings())
        lines = self._lines([int(h["id"]) for h in heads])
        return [
            ReturnBatch(
                number=h["number"],
                status=BatchStatus(h["status"]),
                distributor=h["distributor"],
                note=h["note"],
                created_by=h["created_by"],
                created_at=h["created_at"],
                shipped_by=h["shipped_by"],
                shipped_at=h["shipped_at"],
                lines=lines.get(int(h["id"]), []),
                id=int(h["id"]),
            )
            for h in heads
        ]

    def _lines(self, batch_ids: list[int]) -> dict[int, list[ReturnLine]]:
        rl, p, lo = t.return_line, t.product, t.lot
        out: dict[int, list[ReturnLine]] = defaultdict(list)
        for part in chunks(sorted(set(batch_ids))):
            stmt = (
                select(
                    rl,
                    p.c.ndc,
                    p.c.name,
                    p.c.labeler,
                    p.c.dea_schedule,
                    lo.c.lot_number,
                    lo.c.expiry,
                )
                .join(p, p.c.id == rl.c.product_id)
                .join(lo, lo.c.id == rl.c.lot_id)
                .where(rl.c.batch_id.in_(part))
                .order_by(rl.c.batch_id, rl.c.line_number)
            )
            for r in self.conn.execute(stmt).mappings():
                out[int(r["batch_id"])].append(
                    ReturnLine(
                        line_number=int(r["line_number"]),
                        product_id=int(r["product_id"]),
                        lot_id=int(r["lot_id"]),
                        ndc=r["ndc"],
                        product=r["name"],
                        labeler=r["labeler"] or "",
                        schedule=r["dea_schedule"],
                        lot=r["lot_number"],
                        expiry=r["expiry"],
                        quantity=int(r["quantity"]),
                        stream=WasteStream(r["stream"]),
                        expected_credit=Decimal(r["expected_credit"]),
                        price_basis=r["price_basis"],
                        reason=r["reason"],
                        listing_code=r["listing_code"],
                        form_222=r["form_222"],
                        id=int(r["id"]),
                    )
                )
        return out

    def lots_in_open_batches(self) -> set[tuple[int, int]]:
        rb, rl = t.return_batch, t.return_line
        return {
            (int(p), int(lot))
            for p, lot in self.conn.execute(
                select(rl.c.product_id, rl.c.lot_id)
                .join(rb, rb.c.id == rl.c.batch_id)
                .where(rb.c.status == BatchStatus.OPEN.value)
            )
        }

    def set_form_222(self, batch_id: int, line_number: int, number: str) -> None:
        rl = t.return_line
        self.conn.execute(
            update(rl)
            .where(rl.c.batch_id == batch_id, rl.c.line_number == line_number)
            .values(form_222=number)
        )

    def mark_shipped(self, batch_id: int, *, user: str, at: datetime) -> None:
        rb = t.return_batch
        self.conn.execute(
            update(rb)
            .where(rb.c.id == batch_id)
            .values(status=BatchStatus.SHIPPED.value, shipped_by=user, shipped_at=at)
        )

    # --- credit memos --------------------------------------------------------------------

    def add_memo_lines(self, batch_id: int, lines: Sequence[MemoLine]) -> None:
        if not lines:
            return
        self.conn.execute(
            insert(t.credit_memo_line),
            [
                {
                    "batch_id": batch_id,
                    "memo_number": m.memo_number,
                    "memo_date": m.memo_date,
                    "ndc": m.ndc,
                    "lot": m.lot,
                    "quantity": m.quantity,
                    "credit": m.credit,
                    "entered_by": m.entered_by,
                    "entered_at": m.entered_at,
                }
                for m in lines
            ],
        )

    def memo_lines(self, batch_ids: Sequence[int]) -> dict[int, list[MemoLine]]:
        cm = t.credit_memo_line
        out: dict[int, list[MemoLine]] = defaultdict(list)
        for part in chunks(sorted(set(batch_ids))):
            for r in self.conn.execute(
                select(cm).where(cm.c.batch_id.in_(part)).order_by(cm.c.id)
            ).mappings():
                out[int(r["batch_id"])].append(
                    MemoLine(
                        memo_number=r["memo_number"],
                        memo_date=r["memo_date"],
                        ndc=r["ndc"],
                        lot=r["lot"],
                        quantity=int(r["quantity"]),
                        credit=Decimal(r["credit"]),
                        entered_by=r["entered_by"],
                        entered_at=r["entered_at"],
                    )
                )
        return dict(out)

    # --- destructions --------------------------------------------------------------------

    def add_destruction(
        self, record: Destruction, *, product_id: int, lot_id: int, location_id: int
    ) -> int:
        d = t.destruction
        return int(
            self.conn.execute(
                insert(d)
                .values(
                    number=record.number,
                    product_id=product_id,
                    lot_id=lot_id,
                    location_id=location_id,
                    quantity=record.quantity,
                    method=record.method,
                    destroyed_by=record.destroyed_by,
                    witness_one=record.witnesses[0],
                    witness_two=record.witnesses[1],
                    destroyed_at=record.destroyed_at,
                    note=record.note,
                )
                .returning(d.c.id)
            ).scalar_one()
        )

    def destructions(self, limit: int = 200) -> list[Destruction]:
        d, p, lo, loc = t.destruction, t.product, t.lot, t.location
        stmt = (
            select(d, p.c.ndc, p.c.name, p.c.dea_schedule, lo.c.lot_number, loc.c.code)
            .join(p, p.c.id == d.c.product_id)
            .join(lo, lo.c.id == d.c.lot_id)
            .join(loc, loc.c.id == d.c.location_id)
            .order_by(d.c.destroyed_at.desc(), d.c.id.desc())
            .limit(limit)
        )
        return [
            Destruction(
                number=r["number"],
                ndc=r["ndc"],
                product=r["name"],
                schedule=r["dea_schedule"] or "",
                lot=r["lot_number"],
                location=r["code"],
                quantity=int(r["quantity"]),
                method=r["method"],
                destroyed_by=r["destroyed_by"],
                witnesses=(r["witness_one"], r["witness_two"]),
                destroyed_at=r["destroyed_at"],
                note=r["note"],
            )
            for r in self.conn.execute(stmt).mappings()
        ]
