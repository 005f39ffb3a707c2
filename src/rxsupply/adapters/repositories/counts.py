"""Cycle counts in SQL: :class:`SqlCounts` (counts and their lines, the stock lines a count
sheet lists, on-hand at submission, and the rows of the count plan)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import Connection, bindparam, insert, select, tuple_, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.adapters.repositories.count_plan import first_item, plan_rows
from rxsupply.domain.counting import UNPOSTED, Count, CountLine, CountStatus
from rxsupply.services.ports.counting import LineKey, PlanRow


def _unit_cost(cost: Decimal | None, size: int) -> Decimal | None:
    return None if cost is None else (cost / size).quantize(Decimal("0.0001"))


def _line_row(count_id: int, line: CountLine) -> dict[str, object]:
    return {
        "count_id": count_id,
        "location_id": line.location_id,
        "item_id": line.item_id,
        "product_id": line.product_id,
        "lot_number": line.lot,
        "expiry": line.expiry,
        "expected": line.expected,
        "counted": line.counted,
        "added": line.added,
        "unit_cost": line.unit_cost,
        "reason": "",
        "note": "",
    }


class SqlCounts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stock_lines(
        self, location_ids: Sequence[int], item_ids: Iterable[int] | None
    ) -> list[CountLine]:
        oh, p, lot, loc, it = t.on_hand, t.product, t.lot, t.location, t.item
        first = first_item()
        q = (
            select(
                oh.c.location_id,
                loc.c.code,
                oh.c.product_id,
                p.c.ndc,
                p.c.name,
                p.c.package_cost,
                p.c.package_size,
                p.c.dea_schedule,
                first.c.item_id,
                it.c.code.label("item"),
                lot.c.lot_number,
                lot.c.expiry,
                oh.c.quantity,
            )
            .join(loc, loc.c.id == oh.c.location_id)
            .join(p, p.c.id == oh.c.product_id)
            .join(lot, lot.c.id == oh.c.lot_id)
            .outerjoin(first, first.c.product_id == oh.c.product_id)
            .outerjoin(it, it.c.id == first.c.item_id)
            .where(oh.c.location_id.in_(list(location_ids)), oh.c.quantity > 0)
            .order_by(loc.c.code, it.c.code, p.c.ndc, lot.c.expiry, lot.c.lot_number)
        )
        if item_ids is not None:
            q = q.where(first.c.item_id.in_(list(item_ids)))
        return [
            CountLine(
                location=r.code,
                item=r.item or "",
                ndc=r.ndc,
                product_name=r.name,
                lot=r.lot_number,
                expiry=r.expiry,
                expected=int(r.quantity),
                unit_cost=_unit_cost(r.package_cost, int(r.package_size)),
                controlled=r.dea_schedule is not None,
                schedule=r.dea_schedule or "",
                location_id=r.location_id,
                product_id=r.product_id,
                item_id=r.item_id,
            )
            for r in self.conn.execute(q)
        ]

    def on_hand(self, keys: Iterable[LineKey]) -> dict[LineKey, int]:
        oh, lot = t.on_hand, t.lot
        out: dict[LineKey, int] = {}
        for part in chunks(sorted(set(keys)), 300):
            q = (
                select(oh.c.location_id, oh.c.product_id, lot.c.lot_number, oh.c.quantity)
                .join(lot, lot.c.id == oh.c.lot_id)
                .where(tuple_(oh.c.location_id, oh.c.product_id, lot.c.lot_number).in_(list(part)))
            )
            for loc_id, prod_id, number, qty in self.conn.execute(q):
                out[(loc_id, prod_id, number)] = int(qty)
        return out

    def pending(
        self, keys: Iterable[LineKey], *, lock: bool = False
    ) -> dict[LineKey, tuple[str, str]]:
        """(count number, status) of the unposted count (open, submitted or approved) that
        has each of ``keys`` on its sheet. ``lock``: on PostgreSQL the keys' location rows are
        locked first (in id order) until the transaction ends, so two counts of the same stock
        started at once are taken one after the other and the second sees the first."""
        sc, cl, loc = t.stock_count, t.stock_count_line, t.location
        unposted = [s.value for s in UNPOSTED]
        wanted = sorted(set(keys))
        if lock and self.conn.dialect.name == "postgresql":
            for ids in chunks(sorted({k[0] for k in wanted}), 300):
                self.conn.execute(
                    select(loc.c.id)
                    .where(loc.c.id.in_(ids))
                    .order_by(loc.c.id)
                    .with_for_update(key_share=True)  # FOR NO KEY UPDATE
                ).all()
        out: dict[LineKey, tuple[str, str]] = {}
        for part in chunks(wanted, 300):
            q = (
                select(cl.c.location_id, cl.c.product_id, cl.c.lot_number, sc.c.number, sc.c.status)
                .join(sc, sc.c.id == cl.c.count_id)
                .where(
                    sc.c.status.in_(unposted),
                    tuple_(cl.c.location_id, cl.c.product_id, cl.c.lot_number).in_(list(part)),
                )
                .order_by(sc.c.id)
            )
            for loc_id, prod_id, number, count_no, status in self.conn.execute(q):
                out.setdefault((loc_id, prod_id, number), (count_no, status))
        return out

    def add(self, count: Count, location_id: int) -> int:
        sc = t.stock_count
        count_id = int(
            self.conn.execute(
                insert(sc)
                .values(
                    number=f"new-{uuid4().hex[:16]}",
                    location_id=location_id,
                    status=count.status.value,
                    controlled=count.controlled,
                    started_by=count.started_by,
                    started_at=count.started_at,
                    counter="",
                    witness="",
                    approved_by="",
                    posted_by="",
                )
                .returning(sc.c.id)
            ).scalar_one()
        )
        self.conn.execute(update(sc).where(sc.c.id == count_id).values(number=f"CC{count_id:06d}"))
        if count.lines:  # one statement for the sheet (executemany), ids read back with it
            self.conn.execute(
                insert(t.stock_count_line), [_line_row(count_id, ln) for ln in count.lines]
            )
        return count_id

    def add_line(self, count_id: int, line: CountLine) -> int:
        cl = t.stock_count_line
        return int(
            self.conn.execute(
                insert(cl).values(_line_row(count_id, line)).returning(cl.c.id)
            ).scalar_one()
        )

    def find(self, number: str) -> int | None:
        sc = t.stock_count
        found = self.conn.execute(select(sc.c.id).where(sc.c.number == number.strip().upper()))
        value = found.scalar_one_or_none()
        return None if value is None else int(value)

    def get(self, count_id: int, *, lock: bool = False) -> Count | None:
        found = self._counts([count_id], lock=lock)
        return found[0] if found else None

    def listed(self, *, status: CountStatus | None, limit: int) -> list[Count]:
        sc = t.stock_count
        q = select(sc.c.id).order_by(sc.c.id.desc()).limit(limit)
        if status is not None:
            q = q.where(sc.c.status == status.value)
        return self._counts([int(i) for i in self.conn.execute(q).scalars()], lock=False)

    def _counts(self, ids: list[int], *, lock: bool) -> list[Count]:
        if not ids:
            return []
        sc, loc = t.stock_count, t.location
        q = select(sc, loc.c.code).join(loc, loc.c.id == sc.c.location_id)
        q = q.where(sc.c.id.in_(ids)).order_by(sc.c.id.desc())
        if lock:
            q = q.with_for_update(of=sc)
        counts = {
            r.id: Count(
                id=r.id,
                number=r.number,
                location=r.code,
                status=CountStatus(r.status),
                controlled=bool(r.controlled),
                started_by=r.started_by,
                started_at=r.started_at,
                counter=r.counter,
                witness=r.witness,
                counted_on=r.counted_on,
                approved_by=r.approved_by,
                posted_by=r.posted_by,
                posted_at=r.posted_at,
            )
            for r in self.conn.execute(q)
        }
        cl, p, it = t.stock_count_line, t.product, t.item
        lines = (
            select(cl, loc.c.code, p.c.ndc, p.c.name, p.c.dea_schedule, it.c.code.label("item"))
            .join(loc, loc.c.id == cl.c.location_id)
            .join(p, p.c.id == cl.c.product_id)
            .outerjoin(it, it.c.id == cl.c.item_id)
            .where(cl.c.count_id.in_(ids))
            .order_by(cl.c.id)
        )
        for r in self.conn.execute(lines):
            counts[r.count_id].lines.append(
                CountLine(
                    id=r.id,
                    location=r.code,
                    item=r.item or "",
                    ndc=r.ndc,
                    product_name=r.name,
                    lot=r.lot_number,
                    expiry=r.expiry,
                    expected=int(r.expected),
                    unit_cost=r.unit_cost,
                    controlled=r.dea_schedule is not None,
                    schedule=r.dea_schedule or "",
                    counted=r.counted,
                    on_hand_at_submit=r.on_hand_at_submit,
                    added=bool(r.added),
                    reason=r.reason,
                    location_id=r.location_id,
                    product_id=r.product_id,
                    item_id=r.item_id,
                )
            )
        return [counts[i] for i in sorted(counts, reverse=True)]

    def _set_lines(self, count_id: int, column: str, values: Mapping[int, object]) -> None:
        cl = t.stock_count_line
        if not values:
            return
        stmt = (
            update(cl)
            .where(cl.c.id == bindparam("line_id"), cl.c.count_id == count_id)
            .values({column: bindparam("value")})
        )
        self.conn.execute(stmt, [{"line_id": k, "value": v} for k, v in values.items()])

    def set_counted(self, count_id: int, counted: Mapping[int, int]) -> None:
        self._set_lines(count_id, "counted", counted)

    def set_on_hand_at_submit(self, count_id: int, on_hand: Mapping[int, int]) -> None:
        self._set_lines(count_id, "on_hand_at_submit", on_hand)

    def set_reasons(self, count_id: int, reasons: Mapping[int, str]) -> None:
        self._set_lines(count_id, "reason", reasons)

    def set_status(
        self,
        count_id: int,
        *,
        allowed: Iterable[CountStatus],
        status: CountStatus,
        **fields: object,
    ) -> bool:
        sc = t.stock_count
        done = self.conn.execute(
            update(sc)
            .where(sc.c.id == count_id, sc.c.status.in_([s.value for s in allowed]))
            .values(status=status.value, **fields)
        )
        return done.rowcount == 1

    def plan_rows(self, *, usage_since: datetime) -> list[PlanRow]:
        """Item-locations with stock on hand, and pockets assigned an item."""
        return plan_rows(self.conn, usage_since=usage_since)
