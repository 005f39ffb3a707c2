"""The ledger read back: :func:`ledger_rows`, the movements of an item, an NDC or a location,
and :func:`check_rows`, every on-hand line that differs from the sum of its movements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Connection, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.filters import product_filter, subtree_ids


class ledger_sum(GenericFunction[int]):  # noqa: N801 (an SQL function's name)
    """``sum()`` of movement quantities that cannot overflow: PostgreSQL sums a ``bigint`` as
    a ``numeric``; SQLite's ``sum()`` stops with "integer overflow" past 2^63-1, so there it is
    ``total()`` (a float, exact below 2^53) cast back, and a database that once took an absurd
    quantity still checks, showing the line as differing instead of failing."""

    type = BigInteger()
    inherit_cache = True


@compiles(ledger_sum)
def _ledger_sum(element: ledger_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(ledger_sum, "sqlite")
def _sqlite_ledger_sum(element: ledger_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(total({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def ledger_rows(
    conn: Connection,
    *,
    item: str | None = None,
    ndc: str | None = None,
    location: str | None = None,
    limit: int | None = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Movements of an item (all its products) or one NDC, newest first."""
    m, p, lo = t.movement, t.product, t.lot
    src, dst = t.location.alias("src"), t.location.alias("dst")
    q: Select[Any] = (
        select(
            m.c.id,
            m.c.kind,
            m.c.occurred_at,
            m.c.quantity,
            p.c.ndc,
            p.c.name,
            lo.c.lot_number,
            lo.c.expiry,
            src.c.code.label("from_location"),
            dst.c.code.label("to_location"),
            m.c.external_id,
            m.c.reference,
            m.c.user_name,
            m.c.note,
        )
        .select_from(m)
        .join(p, p.c.id == m.c.product_id)
        .join(lo, lo.c.id == m.c.lot_id)
        .outerjoin(src, src.c.id == m.c.from_location_id)
        .outerjoin(dst, dst.c.id == m.c.to_location_id)
        .order_by(m.c.occurred_at.desc(), m.c.id.desc())
    )
    if item:
        q = q.where(
            m.c.product_id.in_(
                select(t.item_product.c.product_id)
                .join(t.item, t.item.c.id == t.item_product.c.item_id)
                .where(t.item.c.code == item)
            )
        )
    if ndc:
        q = q.where(product_filter(ndc))
    if location:
        inside = subtree_ids(location)
        q = q.where(or_(m.c.from_location_id.in_(inside), m.c.to_location_id.in_(inside)))
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "occurred_at": r["occurred_at"].isoformat(),
            "quantity": int(r["quantity"]),
            "ndc": r["ndc"],
            "product": r["name"],
            "lot": r["lot_number"],
            "expiry": r["expiry"].isoformat() if r["expiry"] else None,
            "from_location": r["from_location"],
            "to_location": r["to_location"],
            "external_id": r["external_id"],
            "reference": r["reference"],
            "user": r["user_name"],
            "note": r["note"],
        }
        for r in conn.execute(q).mappings()
    ]


def check_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every (location, product, lot) whose on-hand differs from its ledger sum."""
    m, oh = t.movement, t.on_hand
    ins = select(
        m.c.to_location_id.label("loc"),
        m.c.product_id.label("prod"),
        m.c.lot_id.label("lot"),
        m.c.quantity.label("q"),
    ).where(m.c.to_location_id.is_not(None))
    outs = select(
        m.c.from_location_id.label("loc"),
        m.c.product_id.label("prod"),
        m.c.lot_id.label("lot"),
        (-m.c.quantity).label("q"),
    ).where(m.c.from_location_id.is_not(None))
    moves = union_all(ins, outs).subquery()
    ledger = (
        select(moves.c.loc, moves.c.prod, moves.c.lot, ledger_sum(moves.c.q).label("ledger"))
        .group_by(moves.c.loc, moves.c.prod, moves.c.lot)
        .subquery()
    )
    stock = select(
        oh.c.location_id.label("loc"),
        oh.c.product_id.label("prod"),
        oh.c.lot_id.label("lot"),
        oh.c.quantity.label("on_hand"),
    ).subquery()
    left = select(
        stock.c.loc,
        stock.c.prod,
        stock.c.lot,
        stock.c.on_hand,
        func.coalesce(ledger.c.ledger, 0).label("ledger"),
    ).select_from(
        stock.outerjoin(
            ledger,
            (stock.c.loc == ledger.c.loc)
            & (stock.c.prod == ledger.c.prod)
            & (stock.c.lot == ledger.c.lot),
        )
    )
    right = (
        select(
            ledger.c.loc, ledger.c.prod, ledger.c.lot, literal(0).label("on_hand"), ledger.c.ledger
        )
        .select_from(
            ledger.outerjoin(
                stock,
                (stock.c.loc == ledger.c.loc)
                & (stock.c.prod == ledger.c.prod)
                & (stock.c.lot == ledger.c.lot),
            )
        )
        .where(stock.c.loc.is_(None))
    )
    both = union_all(left, right).subquery()
    loc, p, lo = t.location, t.product, t.lot
    q = (
        select(loc.c.code, p.c.ndc, lo.c.lot_number, both.c.on_hand, both.c.ledger)
        .select_from(both)
        .join(loc, loc.c.id == both.c.loc)
        .join(p, p.c.id == both.c.prod)
        .join(lo, lo.c.id == both.c.lot)
        .where(both.c.on_hand != both.c.ledger)
        .order_by(loc.c.code, p.c.ndc, lo.c.lot_number)
    )
    return [
        {
            "location": r[0],
            "ndc": r[1],
            "lot": r[2],
            "on_hand": int(r[3]),
            "ledger": int(r[4]),
            "difference": int(r[3]) - int(r[4]),
        }
        for r in conn.execute(q)
    ]
