"""Lots in SQL: :class:`SqlLots` (looked up by product and lot number, recorded when missing,
expiry conflicts, expiries by id) and the statement that reads lots by key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import (
    among,
    built,
    chunks,
    insert_rows,
    upsert,
)
from rxsupply.domain.recall import lot_key
from rxsupply.domain.status import StatusNote, StockStatus
from rxsupply.services.ports import LotRecord, RepackagedLot, StatusChange


def _lots_by_key(conn: Connection) -> Any:
    lot = t.lot
    return select(lot.c.product_id, lot.c.lot_number, lot.c.id, lot.c.expiry, lot.c.status).where(
        among(conn, lot.c.product_id, "products"), among(conn, lot.c.lot_number, "numbers")
    )


def _note(row: Any) -> StatusNote:
    return StatusNote(StockStatus(row.status), row.status_reason, row.status_by, row.status_since)


_SET_STATUS = (
    update(t.lot)
    .where(t.lot.c.id == bindparam("k_id"))
    .values(
        status=bindparam("k_status"),
        status_reason=bindparam("k_reason"),
        status_by=bindparam("k_by"),
        status_since=bindparam("k_since"),
    )
)


class SqlLots:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _existing(
        self, keys: Sequence[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, date | None, str]]:
        out: dict[tuple[int, str], tuple[int, date | None, str]] = {}
        stmt = built(self.conn, "lots by key", _lots_by_key)
        for part in chunks(list(keys), 400):
            wanted = set(part)
            products = sorted({p for p, _ in part})
            numbers = sorted({n for _, n in part})
            rows = self.conn.execute(stmt, {"products": products, "numbers": numbers})
            for pid, num, lid, exp, status in rows:  # the lists match pairs not asked for
                if (pid, num) in wanted:
                    out[(pid, num)] = (lid, exp, status)
        return out

    def lookup(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], LotRecord]:
        """(product id, lot number) -> the recorded lot (id, expiry, and why it is blocked
        when it is), for the lots recorded."""
        found = self._existing(sorted(set(keys)))
        blocked = self.notes(v[0] for v in found.values() if v[2] != "available")
        return {k: LotRecord(v[0], v[1], blocked.get(v[0])) for k, v in found.items()}

    def notes(self, lot_ids: Iterable[int]) -> dict[int, StatusNote]:
        """Why each of these lots is blocked (the available ones are left out)."""
        lot = t.lot
        out: dict[int, StatusNote] = {}
        for part in chunks(sorted(set(lot_ids))):
            rows = self.conn.execute(
                select(lot).where(lot.c.id.in_(part), lot.c.status != "available")
            )
            out.update({row.id: _note(row) for row in rows})
        return out

    def set_status(self, changes: Sequence[StatusChange]) -> None:
        """Record status changes: each lot's row takes its latest change; every change
        (lots and packages) is appended to ``status_change``."""
        latest = {c.lot_id: c for c in changes if c.package_id is None}
        if latest:
            self.conn.execute(
                _SET_STATUS,
                [
                    {
                        "k_id": c.lot_id,
                        "k_status": c.status.value,
                        "k_reason": "" if c.status is StockStatus.AVAILABLE else c.reason,
                        "k_by": c.user,
                        "k_since": c.at,
                    }
                    for c in latest.values()
                ],
            )
        insert_rows(
            self.conn,
            t.status_change,
            ("at", "lot_id", "package_id", "status", "reason", "user_name", "approved_by"),
            [
                (c.at, c.lot_id, c.package_id, c.status.value, c.reason, c.user, c.approved_by)
                for c in changes
            ],
        )

    def units_by_location(self, lot_id: int) -> dict[str, int]:
        """Where the units of a lot are: location code -> units on hand."""
        oh, loc = t.on_hand, t.location
        rows = self.conn.execute(
            select(loc.c.code, func.sum(oh.c.quantity))
            .join(loc, loc.c.id == oh.c.location_id)
            .where(oh.c.lot_id == lot_id, oh.c.quantity > 0)
            .group_by(loc.c.code)
            .order_by(loc.c.code)
        )
        return {code: int(units) for code, units in rows}

    def add_missing(self, lots: Sequence[tuple[int, str, date | None]]) -> set[tuple[int, str]]:
        """Record these lots unless they are; the keys this call recorded (a writer that
        recorded one a moment before, and committed, keeps it: it is not returned)."""
        lot = t.lot
        made: set[tuple[int, str]] = set()
        for part in chunks(list(lots), 300):
            stmt = (
                upsert(self.conn, lot)
                .values([{"product_id": p, "lot_number": n, "expiry": e} for p, n, e in part])
                .on_conflict_do_nothing()
                .returning(lot.c.product_id, lot.c.lot_number)
            )
            made.update((pid, number) for pid, number in self.conn.execute(stmt))
        return made

    def conflicts(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], date | None]:
        """Lots already recorded with a different expiry: key -> recorded expiry."""
        wanted = {(p, n): e for p, n, e in lots}
        have = self._existing(list(wanted))
        return {k: v[1] for k, v in have.items() if wanted[k] is not None and v[1] != wanted[k]}

    def spelled_alike(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
        """For (product id, lot number) keys not recorded as written: the number of a lot of
        the product recorded in another case or spacing (``ab 1`` for ``AB1``)."""
        wanted = {(p, lot_key(n)): (p, n) for p, n in keys}
        if not wanted:
            return {}
        lot = t.lot
        spelled = func.upper(func.replace(lot.c.lot_number, " ", ""))
        out: dict[tuple[int, str], str] = {}
        for part in chunks(sorted({k for _, k in wanted})):
            rows = self.conn.execute(
                select(lot.c.product_id, lot.c.lot_number, spelled).where(
                    lot.c.product_id.in_(sorted({p for p, _ in wanted})), spelled.in_(part)
                )
            )
            for product_id, number, key in rows:
                asked = wanted.get((product_id, key))
                if asked is not None and asked[1] != number:
                    out[asked] = number
        return out

    def find(self, product_ids: Iterable[int], lot_number: str) -> dict[int, int]:
        """product id -> lot id for the lots with this number."""
        rows = self.conn.execute(
            select(t.lot.c.product_id, t.lot.c.id).where(
                t.lot.c.product_id.in_(sorted(set(product_ids))), t.lot.c.lot_number == lot_number
            )
        )
        return dict(rows.all())

    def expiries(self, lot_ids: Iterable[int] | None = None) -> dict[int, date | None]:
        q = select(t.lot.c.id, t.lot.c.expiry)
        if lot_ids is None:
            return dict(self.conn.execute(q).all())
        out: dict[int, date | None] = {}
        for part in chunks(sorted(set(lot_ids))):
            out.update(self.conn.execute(q.where(t.lot.c.id.in_(part))).all())
        return out

    def numbers(self, lot_ids: Iterable[int]) -> dict[int, str]:
        """Lot id -> lot number."""
        lot = t.lot
        out: dict[int, str] = {}
        for part in chunks(sorted(set(lot_ids))):
            rows = self.conn.execute(select(lot.c.id, lot.c.lot_number).where(lot.c.id.in_(part)))
            out.update((lot_id, number) for lot_id, number in rows)
        return out

    def set_expiry(self, lot_id: int, expiry: date | None) -> None:
        """The expiry of a lot recorded in this transaction, set by the first command that
        writes it."""
        self.conn.execute(update(t.lot).where(t.lot.c.id == lot_id).values(expiry=expiry))

    def remove(self, lot_ids: Sequence[int]) -> None:
        """Forget lots recorded in this transaction that no command wrote to."""
        for part in chunks(sorted(set(lot_ids))):
            self.conn.execute(delete(t.lot).where(t.lot.c.id.in_(part)))

    def link_source(self, lot_id: int, source_lot_id: int) -> None:
        """Record the bulk lot a repackaged lot's units came out of."""
        self.conn.execute(t.lot_source.insert().values(lot_id=lot_id, source_lot_id=source_lot_id))

    def source_of(self, lot_id: int) -> tuple[int, int, str] | None:
        """The lot a repackaged or opened lot came out of (its id, product id and number), or
        None for a lot received as it is."""
        src, lot = t.lot_source, t.lot
        row = self.conn.execute(
            select(lot.c.id, lot.c.product_id, lot.c.lot_number)
            .join(src, src.c.source_lot_id == lot.c.id)
            .where(src.c.lot_id == lot_id)
        ).first()
        return None if row is None else (int(row[0]), int(row[1]), str(row[2]))

    def repackaged_from(self, lot_id: int) -> list[RepackagedLot]:
        """Every lot repackaged from this one, and from those (transitively), nearest first."""
        lot, src, prod = t.lot, t.lot_source, t.product
        out: list[RepackagedLot] = []
        seen = {lot_id}
        frontier = [lot_id]
        while frontier:
            rows = self.conn.execute(
                select(src.c.source_lot_id, lot, prod.c.ndc)
                .join(lot, lot.c.id == src.c.lot_id)
                .join(prod, prod.c.id == lot.c.product_id)
                .where(src.c.source_lot_id.in_(frontier))
                .order_by(lot.c.id)
            ).all()
            frontier = []
            for row in rows:
                if row.id in seen:
                    continue  # a cycle cannot be written, but never loop on one
                seen.add(row.id)
                frontier.append(row.id)
                note = None if row.status == "available" else _note(row)
                out.append(
                    RepackagedLot(
                        row.id, row.source_lot_id, row.product_id, row.ndc, row.lot_number, note
                    )
                )
        return out
