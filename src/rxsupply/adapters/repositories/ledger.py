"""The ledger in SQL: :class:`SqlLedger` (external ids claimed and released, a
:class:`StockBook` of the on-hand lines below some roots, movements appended with their on-hand
deltas) and the statements it builds once: branch lines, claims, increases and decreases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, text, update
from sqlalchemy.dialects import postgresql

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import (
    _arrays,
    among,
    array_of,
    built,
    chunks,
    insert_many,
    insert_rows,
    unnest_rows,
    upsert,
)
from rxsupply.adapters.repositories.ledger_chain import note_write
from rxsupply.adapters.repositories.locations import SqlLocations
from rxsupply.adapters.repositories.lots import SqlLots
from rxsupply.domain.location import LocationKind
from rxsupply.domain.movement import Movement
from rxsupply.domain.stock import StockBook, StockKey


def _branch_lines(conn: Connection, *, lock: bool) -> Any:
    """The on-hand lines of some products at some roots or anywhere below them, with what a
    StockBook needs besides (lot expiry and status, location codes and kinds); FOR UPDATE OF
    on_hand when locking."""
    # Codes and expiries come from subqueries in the select list (an index probe per line
    # found), so the planner only joins on-hand (by product) to the paths up to the roots.
    path, oh = t.location_path, t.on_hand
    root, line = t.location.alias("root_location"), t.location.alias("line_location")
    stmt = (
        select(
            path.c.ancestor_id,
            select(root.c.code).where(root.c.id == path.c.ancestor_id).scalar_subquery(),
            oh.c.location_id,
            select(line.c.code).where(line.c.id == oh.c.location_id).scalar_subquery(),
            oh.c.product_id,
            oh.c.lot_id,
            oh.c.quantity,
            select(t.lot.c.expiry).where(t.lot.c.id == oh.c.lot_id).scalar_subquery(),
            select(t.lot.c.status).where(t.lot.c.id == oh.c.lot_id).scalar_subquery(),
            select(line.c.kind).where(line.c.id == oh.c.location_id).scalar_subquery(),
        )
        .select_from(oh)
        .join(path, path.c.location_id == oh.c.location_id)
        .where(among(conn, path.c.ancestor_id, "roots"), among(conn, oh.c.product_id, "products"))
        .order_by(oh.c.location_id, oh.c.product_id, oh.c.lot_id)
    )
    return stmt.with_for_update(of=oh) if lock else stmt


def _roots_below_roots(conn: Connection) -> Any:
    path = t.location_path
    return select(path.c.location_id, path.c.ancestor_id).where(
        among(conn, path.c.location_id, "roots"),
        among(conn, path.c.ancestor_id, "roots"),
        path.c.location_id != path.c.ancestor_id,
    )


_DECREASE = (
    update(t.on_hand)
    .where(
        t.on_hand.c.location_id == bindparam("k_loc"),
        t.on_hand.c.product_id == bindparam("k_prod"),
        t.on_hand.c.lot_id == bindparam("k_lot"),
    )
    .values(quantity=t.on_hand.c.quantity + bindparam("k_delta"))
)


def _claim(conn: Connection) -> Any:
    return (
        upsert(conn, t.external_ref)
        .on_conflict_do_nothing()
        .returning(t.external_ref.c.external_id)
    )


def _claim_unnest(conn: Connection) -> Any:
    """PostgreSQL: claim a list of external ids with one statement of one shape."""
    ref = t.external_ref
    ids = func.unnest(bindparam("ids", type_=array_of(ref.c.external_id.type)))
    rows = select(ids, bindparam("recorded_at", type_=ref.c.recorded_at.type))
    return (
        postgresql.insert(ref)
        .from_select(["external_id", "recorded_at"], rows)
        .on_conflict_do_nothing()
        .returning(ref.c.external_id)
    )


def _decrease_unnest(conn: Connection) -> Any:
    """PostgreSQL: apply many decreases (lines locked by load_book) in one statement."""
    columns = ("location_id", "product_id", "lot_id", "quantity")
    return text(
        "UPDATE on_hand SET quantity = on_hand.quantity + d.delta "
        "FROM unnest(:c0, :c1, :c2, :c3) AS d(location_id, product_id, lot_id, delta) "
        "WHERE on_hand.location_id = d.location_id AND on_hand.product_id = d.product_id "
        "AND on_hand.lot_id = d.lot_id"
    ).bindparams(*_arrays(t.on_hand, columns))


def _increase(conn: Connection) -> Any:
    oh = t.on_hand
    stmt = upsert(conn, oh)
    return stmt.on_conflict_do_update(
        index_elements=[oh.c.location_id, oh.c.product_id, oh.c.lot_id],
        set_={"quantity": oh.c.quantity + stmt.excluded.quantity},
    )


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(self, external_id: str, now: datetime) -> bool:
        """Record an external id; False when it was already recorded (another writer waits
        on PostgreSQL until the first commits or rolls back)."""
        note_write(self.conn)
        stmt = built(self.conn, "claim", _claim)
        row = self.conn.execute(stmt, {"external_id": external_id, "recorded_at": now}).first()
        return row is not None

    def claim_many(self, external_ids: Sequence[str], now: datetime) -> set[str]:
        """Record external ids; returns those that were not recorded before (a writer that
        claims an id another transaction holds waits for it on PostgreSQL)."""
        wanted = sorted(set(external_ids))
        if not wanted:
            return set()
        if len(wanted) == 1:
            return set(wanted) if self.claim(wanted[0], now) else set()
        out: set[str] = set()
        note_write(self.conn)
        if self.conn.dialect.name == "postgresql":
            stmt = built(self.conn, "claim many", _claim_unnest)
            out.update(self.conn.execute(stmt, {"ids": wanted, "recorded_at": now}).scalars())
            return out
        stmt = built(self.conn, "claim", _claim)
        for part in chunks(wanted, 400):
            rows = [{"external_id": e, "recorded_at": now} for e in part]
            out.update(self.conn.execute(stmt.values(rows)).scalars())
        return out

    def release(self, external_ids: Sequence[str]) -> None:
        """Forget claims of this transaction whose command failed, so a resend is posted."""
        stmt = built(
            self.conn,
            "release",
            lambda c: delete(t.external_ref).where(among(c, t.external_ref.c.external_id, "ids")),
        )
        for part in chunks(sorted(set(external_ids))):
            self.conn.execute(stmt, {"ids": list(part)})

    def recorded(self, external_ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(external_ids))
        out: set[str] = set()
        col = t.external_ref.c.external_id
        for part in chunks(wanted):
            out.update(self.conn.execute(select(col).where(col.in_(part))).scalars())
        return out

    def load_book(
        self, *, roots: Iterable[int], product_ids: Iterable[int], lock: bool
    ) -> StockBook:
        """A :class:`StockBook` of the on-hand lines of these products at each root location
        or anywhere below it (through ``location_path``; one query per 900 roots), locked FOR
        UPDATE in key order when ``lock``, with their lots' expiries and statuses, location
        codes, and which of the locations are quarantine locations."""
        products = sorted(set(product_ids))
        root_ids = sorted(set(roots))
        lines: dict[StockKey, int] = {}
        expiry: dict[int, date | None] = {}
        names: dict[int, str] = {}
        blocked: set[int] = set()
        quarantine: set[int] = set()
        transit: set[int] = set()
        below: dict[int, dict[int, None]] = {r: {r: None} for r in root_ids}
        stmt = built(self.conn, f"branch lines {lock}", lambda c: _branch_lines(c, lock=lock))
        for part in chunks(root_ids):
            rows = self.conn.execute(stmt, {"roots": list(part), "products": products})
            for root, root_code, loc, code, prod, lot, qty, lot_expiry, status, kind in rows:
                lines[(loc, prod, lot)] = int(qty)
                below[root][loc] = None
                names[root] = root_code
                names[loc] = code
                expiry[lot] = lot_expiry
                if status != "available":
                    blocked.add(lot)
                if kind == "quarantine":
                    quarantine.add(loc)
                elif kind == "transit":
                    transit.add(loc)
        if len(root_ids) > 1:  # a root below another root is in its branch, stocked or not
            stmt = built(self.conn, "roots below roots", _roots_below_roots)
            for loc, up in self.conn.execute(stmt, {"roots": root_ids}):
                below[up][loc] = None
        unnamed = [r for r in root_ids if r not in names]
        if unnamed:
            names.update(SqlLocations(self.conn).codes(unnamed))
        return StockBook(
            on_hand=lines,
            lot_expiry=expiry,
            subtree={r: list(locs) for r, locs in below.items()},
            names=names,
            lot_status=SqlLots(self.conn).notes(blocked) if blocked else {},
            unpickable=frozenset(quarantine),
            sheltered=frozenset(transit),
        )

    def pocket_units(self, location_ids: Iterable[int] | None, *, lock: bool) -> dict[int, int]:
        """Units on hand in each of these pockets (every pocket when None), all products and
        lots. With ``lock`` the pockets' location rows are locked first (PostgreSQL's FOR NO
        KEY UPDATE), so two writers filling one pocket check its capacity one after the other;
        an insert that only names the location (a foreign key's FOR KEY SHARE: a movement, a
        key-figure summary row) does not wait for it, so a key-figure fold holding the
        movement table cannot deadlock with a writer holding a pocket."""
        loc, oh = t.location, t.on_hand
        if location_ids is None:
            wanted = list(
                self.conn.execute(select(loc.c.id).where(loc.c.kind == "pocket")).scalars()
            )
        else:
            wanted = sorted(set(location_ids))
        out = dict.fromkeys(wanted, 0)
        for part in chunks(wanted):
            if lock and self.conn.dialect.name == "postgresql":
                self.conn.execute(
                    select(loc.c.id)
                    .where(loc.c.id.in_(part))
                    .order_by(loc.c.id)
                    .with_for_update(key_share=True)  # FOR NO KEY UPDATE
                )
            rows = self.conn.execute(
                select(oh.c.location_id, func.sum(oh.c.quantity))
                .where(oh.c.location_id.in_(part))
                .group_by(oh.c.location_id)
            )
            out.update({lid: int(units) for lid, units in rows})
        return out

    def holding_unusable(self, location_ids: Iterable[int], *, on: date) -> set[int]:
        oh, lot = t.on_hand, t.lot
        out: set[int] = set()
        for part in chunks(sorted(set(location_ids))):
            out.update(
                self.conn.execute(
                    select(oh.c.location_id)
                    .join(lot, lot.c.id == oh.c.lot_id)
                    .where(
                        oh.c.location_id.in_(part),
                        oh.c.quantity > 0,
                        (lot.c.expiry < on) | (lot.c.status != "available"),
                    )
                    .distinct()
                ).scalars()
            )
        return out

    def expired_on_hand(self, *, on: date) -> list[tuple[int, int, int, int]]:
        oh, lot, loc = t.on_hand, t.lot, t.location
        rows = self.conn.execute(
            select(oh.c.location_id, oh.c.product_id, oh.c.lot_id, oh.c.quantity)
            .join(lot, lot.c.id == oh.c.lot_id)
            .join(loc, loc.c.id == oh.c.location_id)
            .where(
                oh.c.quantity > 0,
                lot.c.expiry < on,
                loc.c.kind.not_in([LocationKind.QUARANTINE.value, LocationKind.TRANSIT.value]),
            )
            .order_by(oh.c.location_id, lot.c.expiry, oh.c.lot_id)
        ).all()
        return [(int(a), int(b), int(c), int(d)) for a, b, c, d in rows]

    def write(
        self,
        movements: Sequence[Movement],
        deltas: Mapping[StockKey, int],
        *,
        now: datetime,
        external_ids: Iterable[str] = (),
    ) -> None:
        """Append movements and apply on-hand deltas in one go (the caller's transaction)."""
        note_write(self.conn)
        insert_rows(
            self.conn,
            t.external_ref,
            ("external_id", "recorded_at"),
            ((e, now) for e in external_ids),
        )
        columns = (
            "kind",
            "occurred_at",
            "recorded_at",
            "product_id",
            "lot_id",
            "quantity",
            "from_location_id",
            "to_location_id",
            "external_id",
            "reference",
            "user_name",
            "note",
            "unit_cost",
            "approved_by",
        )
        rows = (
            (
                m.kind.value,
                m.occurred_at,
                now,
                m.product_id,
                m.lot_id,
                m.quantity,
                m.from_location_id,
                m.to_location_id,
                m.external_id,
                m.reference,
                m.user,
                m.note,
                m.unit_cost,
                m.approved_by,
            )
            for m in movements
        )
        insert_rows(self.conn, t.movement, columns, rows)
        # Increases (and new zero lines) upsert; decreases update lines that exist and were
        # locked by load_book. The CHECK constraint on on_hand is the last line of defence.
        ups = sorted((k, d) for k, d in deltas.items() if d >= 0)
        downs = sorted((k, d) for k, d in deltas.items() if d < 0)
        if self.conn.dialect.name == "postgresql":
            unnest_rows(
                self.conn,
                t.on_hand,
                ("location_id", "product_id", "lot_id", "quantity"),
                [(*k, d) for k, d in ups],
                on_conflict="ON CONFLICT (location_id, product_id, lot_id) DO UPDATE "
                "SET quantity = on_hand.quantity + excluded.quantity",
            )
            if downs:
                stmt = built(self.conn, "decrease many", _decrease_unnest)
                arrays = zip(*((*k, d) for k, d in downs), strict=True)
                self.conn.execute(stmt, {f"c{i}": list(c) for i, c in enumerate(arrays)})
            return
        insert_many(
            self.conn,
            built(self.conn, "increase", _increase),
            [
                {"location_id": k[0], "product_id": k[1], "lot_id": k[2], "quantity": d}
                for k, d in ups
            ],
        )
        insert_many(
            self.conn,
            _DECREASE,
            [{"k_loc": k[0], "k_prod": k[1], "k_lot": k[2], "k_delta": d} for k, d in downs],
        )
