"""Lots in SQL: :class:`SqlLots` (looked up by product and lot number, recorded when missing,
expiry conflicts, expiries by id) and the statement that reads lots by key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, chunks, insert_many, upsert


def _lots_by_key(conn: Connection) -> Any:
    return select(t.lot.c.product_id, t.lot.c.lot_number, t.lot.c.id, t.lot.c.expiry).where(
        among(conn, t.lot.c.product_id, "products"), among(conn, t.lot.c.lot_number, "numbers")
    )


class SqlLots:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _existing(
        self, keys: Sequence[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, date | None]]:
        out: dict[tuple[int, str], tuple[int, date | None]] = {}
        stmt = built(self.conn, "lots by key", _lots_by_key)
        for part in chunks(list(keys), 400):
            wanted = set(part)
            products = sorted({p for p, _ in part})
            numbers = sorted({n for _, n in part})
            rows = self.conn.execute(stmt, {"products": products, "numbers": numbers})
            for pid, num, lid, exp in rows:  # both lists match a few pairs not asked for
                if (pid, num) in wanted:
                    out[(pid, num)] = (lid, exp)
        return out

    def lookup(
        self, keys: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, date | None]]:
        """(product id, lot number) -> (lot id, recorded expiry), for the lots recorded."""
        return self._existing(sorted(set(keys)))

    def add_missing(self, lots: Sequence[tuple[int, str, date | None]]) -> None:
        """Record these lots unless they are (a writer that just recorded one wins)."""
        insert_many(
            self.conn,
            built(self.conn, "add lots", lambda c: upsert(c, t.lot).on_conflict_do_nothing()),
            [{"product_id": p, "lot_number": n, "expiry": e} for p, n, e in lots],
        )

    def conflicts(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], date | None]:
        """Lots already recorded with a different expiry: key -> recorded expiry."""
        wanted = {(p, n): e for p, n, e in lots}
        have = self._existing(list(wanted))
        return {k: v[1] for k, v in have.items() if wanted[k] is not None and v[1] != wanted[k]}

    def ensure_many(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], int]:
        wanted = {(p, n): e for p, n, e in lots}
        have = self._existing(list(wanted))
        missing = [
            {"product_id": p, "lot_number": n, "expiry": e}
            for (p, n), e in wanted.items()
            if (p, n) not in have
        ]
        insert_many(self.conn, upsert(self.conn, t.lot).on_conflict_do_nothing(), missing)
        if missing:
            have = self._existing(list(wanted))
        return {k: v[0] for k, v in have.items()}

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
