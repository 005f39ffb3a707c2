"""The demand matrix: one row per item-location, one column per day.

A cell is the units demanded that day (dispenses less patient returns; waste and expiry are not
demand). A day that began and ended with no usable stock (nothing on hand, or only expired,
blocked or quarantine-shelf units) and saw no dispense is *censored*: a patient may have needed
the drug and been served from elsewhere, so its demand is unknown and is NaN here, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from rxsupply.errors import InvalidValue

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DemandMatrix:
    """Daily demand of many series from ``start`` on; NaN marks a censored day."""

    series_ids: tuple[str, ...]
    start: date
    quantities: Floats

    def __post_init__(self) -> None:
        if self.quantities.ndim != 2 or self.quantities.shape[0] != len(self.series_ids):
            raise ValueError("a demand matrix needs one row per series")

    @property
    def series(self) -> int:
        return int(self.quantities.shape[0])

    @property
    def days(self) -> int:
        return int(self.quantities.shape[1])

    @property
    def end(self) -> date:
        """The last day (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=d) for d in range(self.days)]

    def observed(self) -> NDArray[np.bool_]:
        return ~np.isnan(self.quantities)

    def zeros_for_censored(self) -> Floats:
        """Censored days as zero (for totals of what was actually dispensed)."""
        return np.nan_to_num(self.quantities, nan=0.0)

    def filled(self) -> Floats:
        """Censored days replaced by the series' mean over its observed days (zero when nothing
        was observed), for methods that need a complete history."""
        q = self.quantities
        if not np.isnan(q).any():
            return q.copy()
        return np.where(np.isnan(q), mean_daily(q)[:, None], q)

    def filled_since_first(self) -> Floats:
        """:meth:`filled`, except the days before a series' first observed day, which stay NaN:
        nothing was known of a pocket set up after the window began, and a replay of months
        of its mean, made up, would show demand steadier than it is (a series never observed
        is filled whole)."""
        filled = self.filled()
        before = np.arange(self.days)[None, :] < first_observed(self.quantities)[:, None]
        return np.where(before, np.nan, filled)

    def window(self, first: int, stop: int) -> DemandMatrix:
        """Days ``first`` (inclusive) to ``stop`` (exclusive) as a new matrix."""
        return DemandMatrix(
            series_ids=self.series_ids,
            start=self.start + timedelta(days=first),
            quantities=self.quantities[:, first:stop],
        )

    def split(self, holdout_days: int) -> tuple[DemandMatrix, DemandMatrix]:
        """History and the last ``holdout_days`` held out."""
        if not 0 < holdout_days < self.days:
            raise InvalidValue(
                "holdout days",
                f"cannot hold out {holdout_days} of {self.days} days: keep some history",
                holdout_days,
            )
        cut = self.days - holdout_days
        return self.window(0, cut), self.window(cut, self.days)

    def select(self, rows: NDArray[np.int64]) -> DemandMatrix:
        return DemandMatrix(
            series_ids=tuple(self.series_ids[i] for i in rows.tolist()),
            start=self.start,
            quantities=self.quantities[rows],
        )


def from_observations(
    *,
    series_ids: tuple[str, ...],
    series_index: NDArray[np.int64],
    day_index: NDArray[np.int64],
    quantity: Floats,
    start: date,
    days: int,
    censored: NDArray[np.bool_] | None = None,
) -> DemandMatrix:
    """Sum observations into a matrix; days without an observation are zero unless
    ``censored`` (a ``(series, days)`` mask) says they are unknown."""
    n = len(series_ids)
    flat = np.bincount(series_index * days + day_index, weights=quantity, minlength=n * days)
    q = flat.reshape(n, days).astype(np.float64)
    if censored is not None:
        q = np.where(censored & (q == 0), np.nan, q)
    return DemandMatrix(series_ids=series_ids, start=start, quantities=q)


def first_observed(matrix: Floats) -> NDArray[np.int64]:
    """Per series, its first day that is not NaN (censored or unknown); 0 for a series never
    observed."""
    observed = ~np.isnan(matrix)
    if observed.shape[1] == 0:
        return np.zeros(observed.shape[0], dtype=np.int64)
    return np.where(observed.any(axis=1), np.argmax(observed, axis=1), 0).astype(np.int64)


def _observed_mean(matrix: Floats, seen: NDArray[np.bool_]) -> tuple[Floats, Floats]:
    """Per series, the mean over the ``seen`` days (0 where none is) and their number:
    summed in place, without the copies ``numpy.nanmean`` makes (a plan takes it several
    times over every history)."""
    count = np.count_nonzero(seen, axis=1).astype(np.float64)
    total = np.sum(matrix, axis=1, where=seen, dtype=np.float64)
    return np.divide(total, count, out=np.zeros(total.shape), where=count > 0), count


def mean_daily(matrix: Floats) -> Floats:
    """Mean units per observed day (0 for a series never observed)."""
    return _observed_mean(matrix, ~np.isnan(matrix))[0]


def std_daily(matrix: Floats) -> Floats:
    """Standard deviation of units per observed day, about their mean (0 for a series never
    observed)."""
    seen = ~np.isnan(matrix)
    mean, count = _observed_mean(matrix, seen)
    with np.errstate(invalid="ignore"):
        apart = np.subtract(matrix, mean[:, None], dtype=np.float64)
        square = np.sum(np.square(apart, out=apart), axis=1, where=seen)
    spread = np.divide(square, count, out=np.zeros(square.shape), where=count > 0)
    return np.asarray(np.sqrt(spread), dtype=np.float64)


def buckets(matrix: Floats, size: int) -> Floats:
    """Sums of ``size``-day buckets counted back from the last day (the oldest partial bucket
    is dropped); censored days count as zero."""
    days = matrix.shape[1]
    whole = days // size
    if whole == 0:
        return np.zeros((matrix.shape[0], 0))
    cut = np.nan_to_num(matrix[:, days - whole * size :], nan=0.0)
    return np.asarray(cut.reshape(matrix.shape[0], whole, size).sum(axis=2), dtype=np.float64)
