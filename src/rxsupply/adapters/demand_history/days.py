"""The ledger's movements summed per facility-local day, lot and location, in SQL.

Grouping happens in the database so only the sums travel; the rows come back as one integer
array. Lots rather than products are grouped so that stock which may not be handed out
(:mod:`.unusable`) is known lot by lot; a lot belongs to one product.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    case,
    cast,
    func,
    literal,
    select,
)

from rxsupply.adapters import tables as t

Ints = NDArray[np.int64]
ISSUE_KINDS = ("transfer", "refill")
SECONDS_A_DAY = 86_400
LISTED_IN_SQL = 900
"""At most this many locations are named in a query's IN list (SQLite's bound-parameter
limit); more are filtered after it."""
DISPENSE, ISSUE, PATIENT_RETURN = 1, 2, 1
"""Kind classes of the summed rows: out of a location a dispense (1) or an issue to another
location that is not a quarantine (2); into one a patient return (1); anything else 0."""


def day_starts(start: date, days: int, zone: tzinfo) -> list[datetime]:
    """The UTC instants at which the local days ``start`` ... ``start + days`` begin (one more
    than ``days``: the last is the end of the window)."""
    return [
        datetime.combine(start + timedelta(days=d), time(), zone).astimezone(UTC)
        for d in range(days + 1)
    ]


def local_day(conn: Connection, start: date, zone: tzinfo, since: datetime, until: datetime) -> Any:
    """SQL for the facility-local day of ``movement.occurred_at``, counted from ``start``.

    PostgreSQL converts with the zone itself. SQLite (timestamps stored as UTC text) adds the
    zone's UTC offset, which is piecewise constant between the zone's transitions, to the
    whole seconds since the epoch and divides by a day's seconds: integer arithmetic, exact to
    the second (a fraction of a second never crosses midnight)."""
    m = t.movement
    if conn.dialect.name == "postgresql":
        local = func.timezone(str(zone), m.c.occurred_at)
        return cast(func.date(local), Date) - literal(start, Date)
    cuts: list[tuple[datetime, int]] = []
    probe = since
    offset = _offset_seconds(probe, zone)
    cuts.append((probe, offset))
    while probe < until:
        nxt = probe + timedelta(hours=1)
        o = _offset_seconds(nxt, zone)
        if o != offset:
            cuts.append((nxt, o))
            offset = o
        probe = nxt
    stored = t.UTCDateTime()
    shift: Any = (
        case(
            *[(m.c.occurred_at >= literal(at, stored), shift) for at, shift in reversed(cuts[1:])],
            else_=cuts[0][1],
        )
        if len(cuts) > 1
        else literal(cuts[0][1])  # a zone without daylight saving time: one offset all along
    )
    epoch = cast(func.strftime("%s", m.c.occurred_at), Integer)
    first = (start - date(1970, 1, 1)).days * SECONDS_A_DAY  # the local midnight of ``start``
    return (epoch + shift - first) // SECONDS_A_DAY


def _offset_seconds(at: datetime, zone: tzinfo) -> int:
    delta = at.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def moved_units(
    conn: Connection,
    *,
    start: date,
    zone: tzinfo,
    since: datetime,
    until: datetime,
    outgoing: bool,
    quarantine: Sequence[int] = (),
) -> Ints:
    """Rows ``(local day, lot, location, kind class, units)`` of the units moved out of (or
    into) locations from ``since`` to ``until``. A transfer or refill into a ``quarantine``
    location is not an issue (class 0): putting blocked stock away is not demand."""
    m = t.movement
    where = m.c.from_location_id if outgoing else m.c.to_location_id
    if outgoing:
        issue: ColumnElement[bool] = m.c.kind.in_(ISSUE_KINDS)
        if quarantine:
            issue = issue & (m.c.to_location_id.is_(None) | m.c.to_location_id.not_in(quarantine))
        klass = case((m.c.kind == "dispense", DISPENSE), (issue, ISSUE), else_=0)
    else:
        klass = case((m.c.kind == "patient_return", PATIENT_RETURN), else_=0)
    day = local_day(conn, start, zone, since, until).label("day")
    query = (
        select(day, m.c.lot_id, where, klass, func.sum(m.c.quantity))
        .where(m.c.occurred_at >= since, m.c.occurred_at < until, where.is_not(None))
        .group_by(day, m.c.lot_id, where, klass)
    )
    return int_rows(conn, query, width=5)


def issues_between(
    conn: Connection,
    *,
    start: date,
    zone: tzinfo,
    since: datetime,
    until: datetime,
    sources: Sequence[int],
    destinations: Sequence[int],
) -> Ints:
    """Rows ``(local day, lot, from location, to location, units)`` of the transfers and
    refills out of the ``sources`` into the ``destinations`` from ``since`` to ``until``.
    More destinations than :data:`LISTED_IN_SQL` (a go-live's every pocket) are picked out
    of all the issues after the query: a statement's parameters are bounded."""
    m = t.movement
    if not sources or not destinations:
        return np.zeros((0, 5), dtype=np.int64)
    listed = len(destinations) <= LISTED_IN_SQL
    day = local_day(conn, start, zone, since, until).label("day")
    query = (
        select(day, m.c.lot_id, m.c.from_location_id, m.c.to_location_id, func.sum(m.c.quantity))
        .where(
            m.c.occurred_at >= since,
            m.c.occurred_at < until,
            m.c.kind.in_(ISSUE_KINDS),
            m.c.from_location_id.in_(sources),
            m.c.to_location_id.in_(destinations) if listed else m.c.to_location_id.is_not(None),
        )
        .group_by(day, m.c.lot_id, m.c.from_location_id, m.c.to_location_id)
    )
    rows = int_rows(conn, query, width=5)
    return rows if listed else rows[np.isin(rows[:, 3], np.asarray(destinations))]


def balances_before(conn: Connection, since: datetime) -> Ints:
    """Rows ``(location, lot, units)``: what came in less what went out before ``since``,
    per location and lot (a location and lot appear once for what came in and once for what
    went out)."""
    m = t.movement
    parts = []
    for column, sign in ((m.c.to_location_id, 1), (m.c.from_location_id, -1)):
        rows = int_rows(
            conn,
            select(column, m.c.lot_id, func.sum(m.c.quantity))
            .where(m.c.occurred_at < since, column.is_not(None))
            .group_by(column, m.c.lot_id),
            width=3,
        )
        rows[:, 2] *= sign
        parts.append(rows)
    return np.concatenate(parts)


def int_rows(conn: Connection, query: Select[Any], *, width: int) -> Ints:
    """The rows of a query of ``width`` integer columns as an array. Read straight from the
    driver's cursor: these are millions of rows of plain integers (or, for PostgreSQL's sums,
    decimals), which need no conversion but a numpy one."""
    result = conn.execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=width * len(rows))
    return flat.reshape(len(rows), width)
