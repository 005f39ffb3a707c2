"""The ledger summed per local day, for the key figures: :func:`refresh` folds new movements
into ``kpi_product_day`` and ``kpi_stock_day``; :func:`product_sums` and :func:`stock_days`
read them together with the movements not folded yet, so what they answer is the ledger's
exact sum whenever the last refresh ran.

A day is the facility's local calendar day, numbered from 1970-01-01 (:func:`day_number`).
The database computes it: PostgreSQL with ``AT TIME ZONE``; SQLite (no time zones) from the
Unix seconds plus the zone's UTC offset, taken from the zone's transitions over the span of
the movements (a ``CASE`` with one branch per daylight-saving change).

Safe against concurrent writers: the fold reads movements up to the highest id it can see.
On SQLite a writer's rows get ids above every committed one, so none is skipped; PostgreSQL
hands out ids before commit, so the fold first takes ``LOCK TABLE movement IN SHARE ROW
EXCLUSIVE MODE`` (it waits for the transactions writing movements, holds new ones for the
fold's duration, and lets one fold run at a time; the next reads what the first folded).
On SQLite the caller takes the write lock up front (``BEGIN IMMEDIATE``) for the same reason.
"""

from __future__ import annotations

import itertools
import uuid
from collections import OrderedDict, defaultdict
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Date,
    Integer,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    text,
)

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import upsert

EPOCH = date(1970, 1, 1)
THROUGH = "kpi_days_through"
ZONE = "kpi_days_zone"
INSTANCE = "kpi_days_instance"
FOLD_AT = 20_000
"""Readers fold first (:func:`fold_if_behind`) when more movements than this wait."""
FOLD_CHUNK = 1_000_000
"""Movement ids a fold sums at a time (about 0.5 GB of sums at most)."""


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=number)


def _offsets(zone: tzinfo, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """``[(since, offset seconds)]`` of ``zone`` from ``first`` to ``last`` (UTC)."""

    def offset(at: datetime) -> int:
        found = at.astimezone(zone).utcoffset()
        return int(found.total_seconds()) if found is not None else 0

    out = [(first, offset(first))]
    at = first
    while at < last:
        nxt = min(at + timedelta(hours=1), last)
        if offset(nxt) != out[-1][1]:
            lo, hi = at, nxt  # the change is in (lo, hi]: find its second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (lo, mid) if offset(mid) != out[-1][1] else (mid, hi)
            out.append((hi.replace(microsecond=0), offset(nxt)))
        at = nxt
    return out


def local_day(conn: Connection, column: Any, zone: tzinfo, span: tuple[datetime, datetime]) -> Any:
    """SQL for the local day number of the UTC timestamp ``column`` (for timestamps within
    ``span`` on SQLite)."""
    if conn.dialect.name == "postgresql":
        local = cast(func.timezone(str(zone), column), Date)
        return cast(local - literal(EPOCH, Date), Integer)
    changes = _offsets(zone, span[0], span[1])
    if len(changes) == 1:
        shift: Any = literal(changes[0][1])
    else:
        shift = case(
            *[(column < at, before[1]) for before, (at, _) in itertools.pairwise(changes)],
            else_=changes[-1][1],
        )
    # julianday is a double: a hair (86 microseconds) keeps a movement stamped exactly at
    # local midnight on its own day whatever the rounding
    return cast(func.julianday(column) - 2440587.5 + shift / 86400.0 + 1e-9, Integer)


def setting(conn: Connection, name: str) -> str | None:
    s = t.app_setting
    return conn.execute(select(s.c.value).where(s.c.name == name)).scalar_one_or_none()


def keep(conn: Connection, name: str, value: str) -> None:
    s = t.app_setting
    stmt = upsert(conn, s).values(name=name, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=[s.c.name], set_={"value": value}))


def folded_through(conn: Connection, zone: tzinfo) -> int:
    """The last movement id folded into the summaries (0: none, or folded in another zone)."""
    if setting(conn, ZONE) != str(zone):
        return 0
    return int(setting(conn, THROUGH) or 0)


def _span(conn: Connection, after: int, upto: int | None = None) -> tuple[datetime, datetime]:
    m = t.movement
    q = select(func.min(m.c.occurred_at), func.max(m.c.occurred_at)).where(m.c.id > after)
    if upto is not None:
        q = q.where(m.c.id <= upto)
    first, last = conn.execute(q).one()
    start = datetime.combine(EPOCH, datetime.min.time(), UTC)  # no movements: any span
    return (first or start) - timedelta(days=1), (last or start) + timedelta(days=1)


Sums = tuple[dict[tuple[int, int], list[int]], dict[tuple[int, int, int], list[int]]]


def _sums(
    conn: Connection,
    zone: tzinfo,
    after: int,
    upto: int | None,
    where: Any = None,
    span: tuple[datetime, datetime] | None = None,
) -> Sums:
    """The movements with ``after < id <= upto`` (and ``where``, all stamped within ``span``
    when it is given) summed in one pass:
    ``{(day, product): [net units into the hospital, units issued]}`` and
    ``{(day, location, product): [in, out, dispenses, refills]}``."""
    m = t.movement
    day = local_day(conn, m.c.occurred_at, zone, span or _span(conn, after, upto))
    q = select(
        day, m.c.kind, m.c.product_id, m.c.from_location_id, m.c.to_location_id, m.c.quantity
    ).where(m.c.id > after)
    if upto is not None:
        q = q.where(m.c.id <= upto)
    if where is not None:
        q = q.where(where)
    products: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    stock: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rows in conn.execute(q).partitions(50_000):
        for d, kind, product, source, target, qty in rows:
            net = 0
            if source is not None:
                line = stock[(d, source, product)]
                line[1] += qty
                line[2] += kind == "dispense"
                net -= qty
            if target is not None:
                line = stock[(d, target, product)]
                line[0] += qty
                line[3] += kind == "refill"
                net += qty
            sums = products[(d, product)]
            sums[0] += net
            sums[1] += qty if kind == "dispense" else -qty if kind == "patient_return" else 0
    return products, stock


def refresh(conn: Connection, *, zone: tzinfo, chunk: int = FOLD_CHUNK) -> int:
    """Fold the movements recorded since the last refresh into the summaries, in the caller's
    transaction, ``chunk`` movement ids at a time; the number folded. A change of the
    facility's zone folds everything again."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE movement IN SHARE ROW EXCLUSIVE MODE"))
    after = folded_through(conn, zone)
    if after == 0:
        conn.execute(delete(t.kpi_product_day))
        conn.execute(delete(t.kpi_stock_day))
    m = t.movement
    upto = int(conn.execute(select(func.coalesce(func.max(m.c.id), 0))).scalar_one())
    if upto <= after:
        if setting(conn, INSTANCE) is None:
            keep(conn, INSTANCE, uuid.uuid4().hex)
        return 0
    folded = int(
        conn.execute(select(func.count()).where(m.c.id > after, m.c.id <= upto)).scalar_one()
    )
    # ``chunk`` movement ids at a time, so a fold's memory is bounded by a chunk's sums and not
    # by the history (a health system's two years: tens of millions of location-days); the
    # first chunk of a fresh fold inserts, every later one adds to the rows already there
    for lo in range(after, upto, chunk):
        hi = min(lo + chunk, upto)
        _fold_range(conn, zone, lo, hi, fresh=after == 0 and lo == after)
    keep(conn, ZONE, str(zone))
    keep(conn, THROUGH, str(upto))
    keep(conn, INSTANCE, uuid.uuid4().hex)
    return folded


def _fold_range(conn: Connection, zone: tzinfo, after: int, upto: int, *, fresh: bool) -> None:
    """Add the movements with ``after < id <= upto`` to the summaries (``fresh``: the
    summaries hold none of their days yet)."""
    products, stock = _sums(conn, zone, after, upto)
    rows = [
        {"day": d, "product_id": p, "net_units": v[0], "issued_units": v[1]}
        for (d, p), v in products.items()
    ]
    del products
    _add(
        conn,
        t.kpi_product_day,
        rows,
        ("day", "product_id"),
        ("net_units", "issued_units"),
        fresh=fresh,
    )
    lines = [
        {
            "day": d,
            "location_id": loc,
            "product_id": p,
            "units_in": v[0],
            "units_out": v[1],
            "dispenses": v[2],
            "refills": v[3],
        }
        for (d, loc, p), v in stock.items()
    ]
    del stock
    _add(
        conn,
        t.kpi_stock_day,
        lines,
        ("day", "location_id", "product_id"),
        ("units_in", "units_out", "dispenses", "refills"),
        fresh=fresh,
    )


def _add(
    conn: Connection,
    table: Any,
    rows: list[dict[str, int]],
    keys: tuple[str, ...],
    sums: tuple[str, ...],
    *,
    fresh: bool,
) -> None:
    stmt = upsert(conn, table)
    if not fresh:  # rows of these days may be there already: add to them
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={s: table.c[s] + stmt.excluded[s] for s in sums},
        )
    for start in range(0, len(rows), 20_000):
        conn.execute(stmt, rows[start : start + 20_000])


def behind(conn: Connection, zone: tzinfo) -> int:
    """How many movements the summaries do not hold yet."""
    m = t.movement
    after = folded_through(conn, zone)
    return int(conn.execute(select(func.count()).where(m.c.id > after)).scalar_one())


_MEMO: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMO_SIZE = 8


def _folded(conn: Connection, zone: tzinfo, what: tuple[Any, ...], compute: Any) -> tuple[int, Any]:
    """``(after, compute(after))``: what the summaries hold through movement ``after``, read
    once per fold and remembered in this process (a fold writes a new instance id, so a
    remembered answer is never one of older summaries). Read again when a fold committed
    while reading (PostgreSQL reads each statement at its own snapshot)."""
    for _ in range(3):
        instance = setting(conn, INSTANCE)
        after = folded_through(conn, zone)
        key = (instance, str(zone), after, *what)
        if instance is not None and key in _MEMO:
            _MEMO.move_to_end(key)
            return after, _MEMO[key]
        found = compute(after)
        if setting(conn, INSTANCE) != instance:
            continue
        if instance is not None:
            _MEMO[key] = found
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        return after, found
    raise RuntimeError("the daily summaries kept changing while being read")


def product_sums(
    conn: Connection, *, zone: tzinfo, first: date, last: date
) -> dict[int, tuple[int, int, int]]:
    """Per product over the local days ``first`` to ``last``: (net units into the hospital,
    the sum of net units x day number, units issued): the summary's sums plus the movements
    not folded yet."""
    lo, hi = day_number(first), day_number(last)
    after, folded = _folded(conn, zone, ("products", lo, hi), lambda _: _product_sums(conn, lo, hi))
    out = {p: list(v) for p, v in folded.items()}
    tail, _ = _sums(conn, zone, after, None)
    for (d, p), (n, i) in tail.items():
        if lo <= d <= hi:
            acc = out.setdefault(p, [0, 0, 0])
            acc[0], acc[1], acc[2] = acc[0] + n, acc[1] + n * d, acc[2] + i
    return {p: (v[0], v[1], v[2]) for p, v in out.items()}


def _product_sums(conn: Connection, lo: int, hi: int) -> dict[int, tuple[int, int, int]]:
    pd = t.kpi_product_day
    q = (
        select(
            pd.c.product_id,
            func.sum(pd.c.net_units),
            func.sum(pd.c.net_units * pd.c.day),
            func.sum(pd.c.issued_units),
        )
        .where(pd.c.day.between(lo, hi))
        .group_by(pd.c.product_id)
    )
    return {int(p): (int(n), int(m), int(i)) for p, n, m, i in conn.execute(q).all()}


StockRows = tuple["np.ndarray[Any, np.dtype[np.int64]]", "np.ndarray[Any, np.dtype[np.int64]]"]
"""Rows of (day, location, product) and their (in, out, dispenses, refills), as two arrays; a
key may repeat (the summary's row and the movements not folded yet): sum them."""


def stock_rows(conn: Connection, *, zone: tzinfo, first: date, last: date) -> StockRows:
    """The ledger per local day, location and product over ``first`` to ``last``: the
    summary's rows (read once per fold) and then the movements not folded yet."""
    lo, hi = day_number(first), day_number(last)
    after, (keys, values) = _folded(
        conn, zone, ("stock", lo, hi), lambda _: _stock_rows(conn, lo, hi)
    )
    _, tail = _sums(conn, zone, after, None)
    kept = [(k, v) for k, v in tail.items() if lo <= k[0] <= hi]
    if not kept:
        return keys, values
    more_keys = np.array([k for k, _ in kept], dtype=np.int64)
    more_values = np.array([v for _, v in kept], dtype=np.int64)
    return np.vstack([keys, more_keys]), np.vstack([values, more_values])


def _stock_rows(conn: Connection, lo: int, hi: int) -> StockRows:
    sd = t.kpi_stock_day
    q = select(
        sd.c.day,
        sd.c.location_id,
        sd.c.product_id,
        sd.c.units_in,
        sd.c.units_out,
        sd.c.dispenses,
        sd.c.refills,
    ).where(sd.c.day.between(lo, hi))
    flat = itertools.chain.from_iterable(conn.execute(q))
    found = np.fromiter(flat, dtype=np.int64).reshape(-1, 7)
    return found[:, :3].copy(), found[:, 3:].copy()


def stock_days(
    conn: Connection, *, zone: tzinfo, first: date, last: date
) -> dict[tuple[int, int, int], list[int]]:
    """:func:`stock_rows` as ``{(day, location, product): [in, out, dispenses, refills]}``."""
    keys, values = stock_rows(conn, zone=zone, first=first, last=last)
    out: dict[tuple[int, int, int], list[int]] = {}
    for key, v in zip(keys.tolist(), values.tolist(), strict=True):
        acc = out.setdefault((key[0], key[1], key[2]), [0, 0, 0, 0])
        for k in range(4):
            acc[k] += v[k]
    return out


def issued_by_day(
    conn: Connection, *, zone: tzinfo, product_ids: list[int], first: date, last: date
) -> dict[tuple[int, int], int]:
    """Units issued (dispensed less patient returns) per (local day number, product) from
    ``first`` to ``last``, for these products, read from the ledger itself (its product and
    time index), in chunks of products."""
    m = t.movement
    lo, hi = day_number(first), day_number(last)
    since = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
    until = datetime.combine(last + timedelta(days=2), datetime.min.time(), UTC)
    out: dict[tuple[int, int], int] = defaultdict(int)
    for start in range(0, len(product_ids), 500):
        chunk = product_ids[start : start + 500]
        where = m.c.product_id.in_(chunk) & (m.c.occurred_at >= since) & (m.c.occurred_at < until)
        products, _ = _sums(conn, zone, 0, None, where=where, span=(since, until))
        for (d, p), (_, issued) in products.items():
            if lo <= d <= hi and issued:
                out[(d, p)] += issued
    return dict(out)
