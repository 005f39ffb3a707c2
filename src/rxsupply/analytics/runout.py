"""When does an item run out? A Monte Carlo projection of stock against demand, many items at once.

Each row is one item (hospital-wide, or any pool of stock). Its stock is a set of batches
(lots on hand, or an order on its way), each with the day it can first be used (0: today; an
open order from its arrival day) and the last day it may be used (its expiry; a lot is usable
through its expiry date). Each day, demand is met from the usable batches earliest expiry
first (FEFO, as picking does); what a batch still holds after its last day is lost to expiry.
The first day on which demand is not met in full is the path's **stock-out day**.

Demand is the item's own recent use, resampled in whole weeks (a block bootstrap): each path
strings together weeks drawn at random, with replacement, from the last weeks of history, so
its day-of-week pattern, its lumpiness and its spread are the item's own, without assuming a
distribution. Every item of a run draws the same weeks on a path, so items used together run
short together as they would in a busy week. A history whose days are all equal gives the
same demand on every path, which is how the worked examples pin their answers.

Days are counted from today (day 0). A path that never runs short within the horizon has the
stock-out day ``horizon`` (censored: "not within the horizon").

The same projection serves each location's own stock (a row per item-location, the expiry-risk
projection of :mod:`rxsupply.services.expiry_risk`): :attr:`Paths.expired` is what each batch
of a row loses to expiry, and :func:`steady_history` turns a mean daily use (a forecast) into
the history of a row whose every day is equal, so every path is the same expected path.

Conventions: units are dispense units; ``history`` is oldest first and its length a multiple of
7 (its last day is yesterday, so week ``w`` starts on today's weekday); an empty or all-zero
history projects no demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

NEVER = np.iinfo(np.int32).max
"""The last usable day of a batch that does not expire."""

Array = NDArray[Any]


@dataclass(frozen=True)
class Paths:
    """The projection's paths: per row and path, the stock-out day (``horizon`` when none) and
    the units of demand left unmet within the horizon; per row and batch (in the order given),
    the units lost to expiry within the horizon, the mean over the paths."""

    stockout_day: NDArray[np.int64]
    shortfall: NDArray[np.float64]
    horizon: int
    expired: NDArray[np.float64]

    def day_quantile(self, q: float) -> NDArray[np.int64]:
        """The ``q`` quantile of the stock-out day per row (``horizon``: not within it). The
        0.1 quantile is the pessimistic date: one path in ten runs out on it or earlier."""
        found = np.quantile(self.stockout_day, q, axis=1, method="inverted_cdf")
        return np.asarray(found, dtype=np.int64)

    def probability_by(self, day: int) -> NDArray[np.float64]:
        """Per row, the share of paths that have run out on ``day`` or before."""
        return np.asarray((self.stockout_day <= day).mean(axis=1), dtype=np.float64)

    def cover(self, level: float) -> NDArray[np.int64]:
        """Per row, the extra units (never expiring, on hand today) that would have met all
        demand within the horizon on a ``level`` share of paths: the ``level`` quantile of the
        units short."""
        found = np.quantile(self.shortfall, level, axis=1, method="inverted_cdf")
        return np.ceil(np.asarray(found) - 1e-9).astype(np.int64)


def week_draws(*, weeks: int, blocks: int, paths: int, seed: int) -> NDArray[np.int64]:
    """``(paths, blocks)`` week numbers drawn with replacement from ``weeks`` weeks."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, max(weeks, 1), size=(paths, blocks), dtype=np.int64)


def project(
    history: Array,
    units: Array,
    first_day: Array,
    last_day: Array,
    *,
    horizon: int,
    paths: int = 500,
    seed: int = 0,
) -> Paths:
    """Project every row's stock over ``horizon`` days on ``paths`` demand paths.

    ``history``: ``(rows, days)`` daily use, oldest first, ``days`` a multiple of 7.
    ``units``, ``first_day``, ``last_day``: ``(rows, batches)`` per batch its units, the first
    day it can be used and the last (:data:`NEVER` for no expiry); pad unused batch slots with
    0 units.
    """
    use = np.asarray(history, dtype=np.float64)
    rows, length = use.shape
    weeks = length // 7
    if weeks == 0:
        use, weeks = np.zeros((rows, 7)), 1
    else:  # the last whole weeks, so week w starts on today's weekday
        use = use[:, length - weeks * 7 :]
    stock = np.asarray(units, dtype=np.float64)
    first = np.asarray(first_day, dtype=np.int64)
    last = np.asarray(last_day, dtype=np.int64)
    order = np.lexsort((first, last), axis=1)  # FEFO: earliest last day first
    stock = np.take_along_axis(stock, order, axis=1)
    first = np.take_along_axis(first, order, axis=1)
    last = np.take_along_axis(last, order, axis=1)
    blocks = -(-max(horizon, 1) // 7)
    draws = week_draws(weeks=weeks, blocks=blocks, paths=paths, seed=seed)
    # per (row, path, batch): units left; the batch axis last
    left = np.broadcast_to(stock[:, None, :], (rows, paths, stock.shape[1])).copy()
    out = np.full((rows, paths), horizon, dtype=np.int64)
    short = np.zeros((rows, paths))
    lost = np.zeros(stock.shape)  # (rows, batches), summed over the paths
    for day in range(horizon):
        column = draws[:, day // 7] * 7 + day % 7  # (paths,)
        need = use[:, column].copy()  # (rows, paths)
        usable = (first <= day) & (last >= day)  # (rows, batches)
        for b in range(left.shape[2]):
            take = np.minimum(left[:, :, b], need) * usable[:, b, None]
            left[:, :, b] -= take
            need -= take
        unmet = need > 1e-9
        short += need
        out = np.where(unmet & (out == horizon), day, out)
        expired = last == day  # what is left of a batch after its last day is lost
        if expired.any():
            lost += (left * expired[:, None, :]).sum(axis=1)
            left *= ~expired[:, None, :]
    given = np.empty_like(lost)  # back to the caller's batch order
    np.put_along_axis(given, order, lost / paths, axis=1)
    return Paths(stockout_day=out, shortfall=short, horizon=horizon, expired=given)


def steady_history(daily: Array) -> NDArray[np.float64]:
    """A week of history per row whose every day is the row's mean daily use: projected with
    it, every path is the expected path (demand ``daily`` each day)."""
    rate = np.asarray(daily, dtype=np.float64).reshape(-1, 1)
    return np.repeat(rate, 7, axis=1)


def days_of_supply(on_hand: Array, daily: Array) -> NDArray[np.float64]:
    """Units on hand over mean daily use (``inf`` where nothing is used)."""
    stock = np.asarray(on_hand, dtype=np.float64)
    rate = np.asarray(daily, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate > 0, stock / np.where(rate > 0, rate, 1.0), np.inf)
