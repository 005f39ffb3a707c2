"""Stock on hand that may not be handed out, per series and local day.

Units of a lot are unusable at a location

- on the days after the lot's expiry date (``expiry < day``: usable through the date itself);
- while the lot is blocked: from a lot-level change (``status_change`` with no package) to
  quarantined, recalled or suspect until the next change to available. A lot blocked now
  (``lot.status``) with no recorded change is blocked all along (since ``status_since`` when
  it is known).

(Everything at a location of kind ``quarantine`` is unusable too; the demand history handles
that per series.) Only the lots unusable at some time of the window are followed, lot by lot:
their on-hand per (series, lot) and day is built in chunks of pairs, so memory stays bounded
however many there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, select

from rxsupply.adapters import tables as t
from rxsupply.domain.status import BLOCKED

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Flags = NDArray[np.bool_]
CHUNK_CELLS = 1_000_000
"""(series, lot) pairs x days built at once (8 MB a float array)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEVER = np.iinfo(np.int64).max
_ALWAYS = np.iinfo(np.int64).min
_BLOCKED = sorted(s.value for s in BLOCKED)


@dataclass(frozen=True, slots=True)
class UnusableLots:
    """The lots unusable at some time of a window, sorted by id, with when.

    ``expired_from[k]`` is the first day (index in the window) lot ``k`` is expired, the
    window's length when it is not expired in it. Row ``blocked_row[k]`` of ``blocked_start``
    and ``blocked_end`` says, per day, whether it was blocked as the day began and as it
    ended; the last row is all false (lots never blocked). ``first_day[k]`` is the first day
    it is unusable at all."""

    lots: Ints
    expired_from: Ints
    blocked_row: Ints
    blocked_start: Flags
    blocked_end: Flags
    first_day: Ints

    def holds(self, lot_ids: Ints) -> Flags:
        """Which of these lots are unusable at some time of the window."""
        if not self.lots.size:
            return np.zeros(lot_ids.shape, dtype=bool)
        pos = np.clip(np.searchsorted(self.lots, lot_ids), 0, self.lots.size - 1)
        return np.asarray(self.lots[pos] == lot_ids)


def sums(index: Ints, weights: Floats, size: int) -> Floats:
    """``weights`` added up by ``index`` into ``size`` cells."""
    return np.bincount(index, weights=weights, minlength=size).astype(np.float64, copy=False)


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def unusable_lots(conn: Connection, *, start: date, starts: list[datetime]) -> UnusableLots:
    """The lots unusable at some time of the window whose days begin at ``starts`` (the
    window's end last), read from ``lot`` and ``status_change``."""
    days = len(starts) - 1
    end = start + timedelta(days=days - 1)
    lt, sc = t.lot, t.status_change
    expiring = {
        int(r.id): (r.expiry - start).days + 1
        for r in conn.execute(select(lt.c.id, lt.c.expiry).where(lt.c.expiry < end))
    }
    changes = conn.execute(
        select(sc.c.lot_id, sc.c.at, sc.c.status)
        .where(sc.c.package_id.is_(None), sc.c.at < starts[-1])
        .order_by(sc.c.lot_id, sc.c.at, sc.c.id)
    ).all()
    intervals = _blocked_intervals([(int(r.lot_id), r.at, str(r.status)) for r in changes])
    recorded = {int(r.lot_id) for r in changes}
    blocked_now = select(lt.c.id, lt.c.status_since).where(lt.c.status.in_(_BLOCKED))
    for r in conn.execute(blocked_now):
        since: datetime | None = r.status_since
        if int(r.id) in recorded or (since is not None and since >= starts[-1]):
            continue  # its changes say when; or blocked only after the window
        intervals.append((int(r.id), _ALWAYS if since is None else _micros(since), _NEVER))
    lots = np.array(sorted(set(expiring) | {lot for lot, _, _ in intervals}), dtype=np.int64)
    expired_from = np.array(
        [min(max(expiring.get(int(lot), days), 0), days) for lot in lots], dtype=np.int64
    )
    blocked = np.array(sorted({lot for lot, _, _ in intervals}), dtype=np.int64)
    blocked_start, blocked_end = _day_flags(intervals, blocked, starts)
    row = np.searchsorted(blocked, lots)
    blocked_row = np.where(np.isin(lots, blocked), row, blocked.size).astype(np.int64)
    ever = blocked_start | blocked_end
    first_blocked = np.where(ever.any(axis=1), ever.argmax(axis=1), days)
    return UnusableLots(
        lots=lots,
        expired_from=expired_from,
        blocked_row=blocked_row,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        first_day=np.minimum(expired_from, first_blocked[blocked_row]).astype(np.int64),
    )


def _blocked_intervals(changes: list[tuple[int, datetime, str]]) -> list[tuple[int, int, int]]:
    """``(lot, from, until)`` in microseconds since the epoch: from a change into a blocked
    status until the next change out of one (``until`` never when there is none)."""
    out: list[tuple[int, int, int]] = []
    lot_now, since = None, None
    for lot, at, status in changes:
        if lot != lot_now:
            if lot_now is not None and since is not None:
                out.append((lot_now, since, _NEVER))
            lot_now, since = lot, None
        if status in _BLOCKED:
            since = _micros(at) if since is None else since
        elif since is not None:
            out.append((lot, since, _micros(at)))
            since = None
    if lot_now is not None and since is not None:
        out.append((lot_now, since, _NEVER))
    return out


def _day_flags(
    intervals: list[tuple[int, int, int]], blocked: Ints, starts: list[datetime]
) -> tuple[Flags, Flags]:
    """Per blocked lot (rows in the order of ``blocked``, plus a last row all false) and day:
    blocked as the day began (``from <= start < until``) and as it ended (``from < end <=
    until``: a change at midnight belongs to the day it begins)."""
    days = len(starts) - 1
    edges = np.array([_micros(s) for s in starts], dtype=np.int64)
    begins, ends = edges[:-1], edges[1:]
    as_began = np.zeros((blocked.size + 1, days + 1), dtype=np.int64)
    as_ended = np.zeros_like(as_began)
    if intervals:
        lot, since, until = (np.array(c, dtype=np.int64) for c in zip(*intervals, strict=True))
        row = np.searchsorted(blocked, lot)
        np.add.at(as_began, (row, np.searchsorted(begins, since, side="left")), 1)
        np.add.at(as_began, (row, np.searchsorted(begins, until, side="left")), -1)
        np.add.at(as_ended, (row, np.searchsorted(ends, since, side="right")), 1)
        np.add.at(as_ended, (row, np.searchsorted(ends, until, side="right")), -1)
    return np.cumsum(as_began, axis=1)[:, :days] > 0, np.cumsum(as_ended, axis=1)[:, :days] > 0


def _held_when_unusable(
    pair_of_row: Ints, day: Ints, units: Floats, before: Floats, first_day: Ints
) -> Flags:
    """Pairs that may hold stock on a day their lot is unusable: they still hold some at the
    end of the window, or they moved on or after that day (rows sorted by pair)."""
    last = np.full(before.size, -1, dtype=np.int64)
    if pair_of_row.size:
        heads = np.flatnonzero(np.r_[True, pair_of_row[1:] != pair_of_row[:-1]])
        last[pair_of_row[heads]] = np.maximum.reduceat(day, heads)
    left = before + sums(pair_of_row, units, before.size)
    return np.asarray((left != 0) | (last >= first_day))


def units_by_series(
    unusable: UnusableLots,
    *,
    days: int,
    moved: tuple[Ints, Ints, Ints, Floats],
    opening: tuple[Ints, Ints, Floats],
    chunk_cells: int = CHUNK_CELLS,
) -> Iterator[tuple[Ints, Floats, Floats]]:
    """Unusable units on hand per series and day, as each day began and as it ended:
    ``(series rows, at the start, at the end)`` chunk by chunk (a series may come up in more
    than one chunk: add them up).

    ``moved`` is ``(series, lot, day, signed units)`` of the window's movements and
    ``opening`` ``(series, lot, units)`` of the stock on hand before it; rows of no series
    (-1) and of lots that stay usable are left out here."""
    series, lot, day, units = moved
    o_series, o_lot, o_units = opening
    keep = (series >= 0) & unusable.holds(lot)
    o_keep = (o_series >= 0) & (o_units != 0) & unusable.holds(o_lot)
    if not keep.any() and not o_keep.any():
        return
    width = int(unusable.lots.max()) + 1
    code = series[keep] * width + lot[keep]
    o_code = o_series[o_keep] * width + o_lot[o_keep]
    pairs = np.unique(np.concatenate([code, o_code]))  # by series, then lot
    pair_of_row = np.searchsorted(pairs, code)
    order = np.argsort(pair_of_row, kind="stable")
    pair_of_row, day, units = pair_of_row[order], day[keep][order], units[keep][order]
    before = np.zeros(pairs.size)
    np.add.at(before, np.searchsorted(pairs, o_code), o_units[o_keep])
    lot_row = np.searchsorted(unusable.lots, pairs % width)
    # a pair whose stock was gone for good before its lot became unusable adds nothing
    live = _held_when_unusable(pair_of_row, day, units, before, unusable.first_day[lot_row])
    index = np.cumsum(live) - 1
    moving = live[pair_of_row]
    pair_of_row, day, units = index[pair_of_row[moving]], day[moving], units[moving]
    pairs, before, lot_row = pairs[live], before[live], lot_row[live]
    pair_series = pairs // width
    step = max(1, chunk_cells // max(days, 1))
    for first in range(0, pairs.size, step):
        stop = min(pairs.size, first + step)
        lo, hi = np.searchsorted(pair_of_row, [first, stop])
        size = stop - first
        net = sums((pair_of_row[lo:hi] - first) * days + day[lo:hi], units[lo:hi], size * days)
        at_end = before[first:stop, None] + np.cumsum(net.reshape(size, days), axis=1)
        at_start = np.empty_like(at_end)
        at_start[:, 0] = before[first:stop]
        at_start[:, 1:] = at_end[:, :-1]
        rows = lot_row[first:stop]
        expired = np.arange(days)[None, :] >= unusable.expired_from[rows][:, None]
        blocked = unusable.blocked_row[rows]
        np.maximum(at_start, 0.0, out=at_start)
        np.maximum(at_end, 0.0, out=at_end)
        at_start[~(expired | unusable.blocked_start[blocked])] = 0.0
        at_end[~(expired | unusable.blocked_end[blocked])] = 0.0
        owner = pair_series[first:stop]
        heads = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        yield (
            owner[heads],
            np.add.reduceat(at_start, heads, axis=0),
            np.add.reduceat(at_end, heads, axis=0),
        )
