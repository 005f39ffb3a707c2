"""Demand over a protection interval (lead time, or lead time plus review period), per series.

Four distributions, chosen by demand class and then tested on the series' own history:

- ``poisson``: slow movers whose daily variance is about their mean;
- ``negative_binomial``: variance above the mean (erratic or clustered demand);
- ``normal``: high-volume smooth demand (the textbook case; the only class it is the
  default for, though the test may keep it for another series whose history it fits best);
- ``empirical``: a bootstrap of the series' own rolling interval sums, for lumpy demand with
  enough history.

Each distribution is put on an integer grid ``0..K`` per series so that quantiles and the loss
function ``E[(D - s)+]`` (expected units short with ``s`` on hand) come out of the same arrays,
whatever the distribution. Series are processed in bands of similar grid size.

The daily mean is the forecast; the daily variance is that of the observed history around its
mean, scaled to the forecast's level (coefficient of variation kept). Days are treated as
independent, so the interval variance is ``days x daily variance``; the empirical distribution
is there for series where that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.demand import Floats, mean_daily

Ints = NDArray[np.int64]


def scipy_stats() -> Any:
    """``scipy.stats``, imported on first use: it takes some 0.6 s, which every command of
    the CLI paid on start, planning or not (its distributions are typed ``Any``: scipy
    loads them lazily, which type checkers cannot see)."""
    from scipy import stats

    return stats


DISTRIBUTIONS = ("poisson", "negative_binomial", "normal", "empirical")
NORMAL_FROM_MEAN = 20.0  # interval demand from which a smooth series may be called normal
EMPIRICAL_MIN_SAMPLES = 60
GRID_TAIL = 1e-7


@dataclass(frozen=True, slots=True)
class Band:
    """Series ``rows`` whose grids fit in ``pmf.shape[1]`` points (probabilities of 0..K)."""

    rows: Ints
    pmf: Floats


@dataclass(frozen=True, slots=True)
class Service:
    """The model's service per series at some levels."""

    fill_rate: Floats
    cycle_service: Floats


@dataclass(frozen=True, slots=True)
class IntervalDemand:
    """Per series: the grid distribution of demand over its protection interval."""

    distribution: NDArray[np.str_]
    mean: Floats  # units over the interval
    variance: Floats
    bands: list[Band]

    def quantile(self, p: Floats) -> Ints:
        """Smallest s with P(D <= s) >= p."""
        out = np.zeros(self.mean.size, dtype=np.int64)
        for band in self.bands:
            cdf = np.cumsum(band.pmf, axis=1)
            out[band.rows] = (cdf < (p[band.rows] - 1e-12)[:, None]).sum(axis=1)
        return out

    def loss(self, s: Ints) -> Floats:
        """Expected units short, E[(D - s)+], per series."""
        out = np.zeros(self.mean.size)
        for band in self.bands:
            k = np.arange(band.pmf.shape[1])
            short = np.maximum(k[None, :] - s[band.rows][:, None], 0)
            out[band.rows] = (short * band.pmf).sum(axis=1)
        return out

    def smallest_with_loss_at_most(self, limit: Floats) -> Ints:
        """Smallest s with E[(D - s)+] <= limit (the fill-rate target)."""
        out = np.zeros(self.mean.size, dtype=np.int64)
        for band in self.bands:
            # E[(D-s)+] = sum_{j>=s} P(D > j); reverse cumulative sums give it for every s
            survival = np.clip(1.0 - np.cumsum(band.pmf, axis=1), 0.0, None)
            loss = np.cumsum(survival[:, ::-1], axis=1)[:, ::-1]
            out[band.rows] = (loss > (limit[band.rows] + 1e-12)[:, None]).sum(axis=1)
        return out

    def smallest_min(
        self, *, target: Floats, order_quantity: Ints, per_period: Floats, measure: str
    ) -> Ints:
        """Smallest min level meeting the target, the stock position after a review being
        as :meth:`_by_min` describes.

        Fill rate: the expected units short per review period at most
        ``(1 - target) x per_period`` (the mean demand of a review period). Cycle service
        level: the chance of no shortage in a review period at least ``target``."""
        out = np.zeros(self.mean.size, dtype=np.int64)
        for band in self.bands:
            width = band.pmf.shape[1]
            m = np.broadcast_to(np.arange(width)[None, :], (band.rows.size, width))
            average = self._by_min(band, m, order_quantity, per_period, measure)
            goal = target[band.rows][:, None]
            if measure == "cycle":
                ok = average >= goal - 1e-12
            else:
                allowed = (1.0 - goal) * per_period[band.rows][:, None]
                ok = average <= allowed + 1e-12
            first = np.argmax(ok, axis=1)
            out[band.rows] = np.where(ok.any(axis=1), first, width)
        return out

    def expected_shortage(
        self, *, min_level: Ints, order_quantity: Ints, per_period: Floats
    ) -> Floats:
        """Expected units short per review period at this min (the fill-rate side of
        :meth:`smallest_min`)."""
        out = np.zeros(self.mean.size)
        for band in self.bands:
            m = np.maximum(min_level[band.rows], -1)[:, None]
            short = self._by_min(band, m, order_quantity, per_period, "fill-rate")
            out[band.rows] = short[:, 0]
        return out

    def cheapest_min(
        self,
        *,
        start: Ints,
        order_quantity: Ints,
        per_period: Floats,
        holding: Floats,
        stockout: Floats,
        limit: Ints,
    ) -> Ints:
        """The min at or above ``start`` (and at most ``limit`` where that is 0 or more)
        with the least cost per review period: ``holding`` per unit held (a unit more of min
        is a unit more on hand) plus ``stockout`` times the chance of running out in the
        period (the cycle side of :meth:`_by_min`)."""
        out = start.copy()
        for band in self.bands:
            rows = band.rows
            width = band.pmf.shape[1]
            m = np.broadcast_to(np.arange(width)[None, :], (rows.size, width))
            no_short = self._by_min(band, m, order_quantity, per_period, "cycle")
            cost = holding[rows][:, None] * m + stockout[rows][:, None] * (1.0 - no_short)
            allowed = m >= start[rows][:, None]
            top = limit[rows][:, None]
            allowed &= (top < 0) | (m <= top)
            cost = np.where(allowed, cost, np.inf)
            best = np.argmin(cost, axis=1)
            found = np.isfinite(cost[np.arange(rows.size), best])
            out[rows] = np.where(found, np.maximum(best, start[rows]), start[rows])
        return out

    def service(self, *, min_level: Ints, order_quantity: Ints, per_period: Floats) -> Service:
        """The model's fill rate and cycle service level per review period at these levels."""
        fill = np.ones(self.mean.size)
        cycle = np.ones(self.mean.size)
        for band in self.bands:
            m = np.maximum(min_level[band.rows], -1)[:, None]
            short = self._by_min(band, m, order_quantity, per_period, "fill-rate")[:, 0]
            period = per_period[band.rows]
            with np.errstate(invalid="ignore", divide="ignore"):
                fill[band.rows] = np.where(
                    period > 0, np.clip(1.0 - short / np.where(period > 0, period, 1.0), 0, 1), 1
                )
            cycle[band.rows] = self._by_min(band, m, order_quantity, per_period, "cycle")[:, 0]
        return Service(fill_rate=fill, cycle_service=np.clip(cycle, 0.0, 1.0))

    @staticmethod
    def _by_min(
        band: Band, m: Ints, order_quantity: Ints, per_period: Floats, measure: str
    ) -> Floats:
        """For min levels ``m`` (one column per candidate), the chance of no shortage in a
        review period (cycle) or its expected units short (fill rate).

        A review that orders leaves the position at max = min + Q; one that does not leaves it
        somewhere in min + 1 .. max, evenly so in the long run for unit-sized demand. A review
        orders about (mean demand per period) / Q of the time, always when a period's demand
        exceeds Q: the position is taken at max that share of the time and spread evenly over
        min + 1 .. max otherwise."""
        q = np.maximum(order_quantity[band.rows], 1)[:, None]
        if measure == "cycle":
            per_level = np.cumsum(band.pmf, axis=1)  # P(D <= y)
            beyond = 1.0
        else:
            survival = np.clip(1.0 - np.cumsum(band.pmf, axis=1), 0.0, None)
            per_level = np.cumsum(survival[:, ::-1], axis=1)[:, ::-1]  # E[(D - y)+]
            beyond = 0.0
        # running sums C[j] = sum of per_level[y] for y < j, extended past the grid
        csum = np.concatenate([np.zeros((band.rows.size, 1)), np.cumsum(per_level, axis=1)], axis=1)
        lo, hi = m + 1, m + 1 + q
        spread = (_running(csum, hi, beyond) - _running(csum, lo, beyond)) / q
        at_max = _running(csum, hi, beyond) - _running(csum, hi - 1, beyond)
        ordering = np.clip(per_period[band.rows][:, None] / q, 0.0, 1.0)
        return np.asarray(ordering * at_max + (1.0 - ordering) * spread, dtype=np.float64)


def _running(csum: Floats, j: NDArray[np.int64], beyond: float) -> Floats:
    """``csum[row, j]`` for every row, continued past the grid's end at ``beyond`` per step."""
    width = csum.shape[1] - 1
    rows = np.arange(csum.shape[0])[:, None]
    inside = csum[rows, np.minimum(j, width)]
    return np.asarray(inside + np.maximum(j - width, 0) * beyond, dtype=np.float64)


def choose_distribution(
    demand_class: NDArray[np.str_], mean: Floats, variance: Floats, samples: Ints
) -> NDArray[np.str_]:
    """The class default: normal for smooth high volume, Poisson for variance near the mean,
    negative binomial above it, empirical for lumpy series with enough history."""
    over = variance > mean * 1.1
    out = np.where(over, "negative_binomial", "poisson")
    out = np.where((demand_class == "smooth") & (mean >= NORMAL_FROM_MEAN), "normal", out)
    return np.where(
        (demand_class == "lumpy") & (samples >= EMPIRICAL_MIN_SAMPLES), "empirical", out
    )


def rolling_sums(history: Floats, days: Ints) -> list[Floats]:
    """Per series, the sums of every ``days[i]``-day window of its history (censored days as
    the series' mean), the samples of the empirical distribution. Series with the same window
    are summed together (each row a view of its group's array)."""
    out: list[Floats] = [np.empty(0)] * history.shape[0]
    filled = np.where(np.isnan(history), mean_daily(history)[:, None], history)
    csum = np.concatenate([np.zeros((history.shape[0], 1)), np.cumsum(filled, axis=1)], axis=1)
    width = csum.shape[1]
    for h in np.unique(days).tolist():
        rows = np.flatnonzero(days == h)
        if h >= width:
            sums = csum[rows, -1:]
        else:
            sums = csum[rows, h:] - csum[rows, : width - h]
        for k, i in enumerate(rows.tolist()):
            out[i] = sums[k]
    return out


def interval_demand(
    *,
    daily_mean: Floats,
    daily_variance: Floats,
    days: Ints,
    distribution: NDArray[np.str_],
    samples: list[Floats] | None = None,
) -> IntervalDemand:
    """Grid distributions of demand over ``days[i]`` days for each series."""
    mean = np.asarray(daily_mean * days, dtype=np.float64)
    variance = np.asarray(daily_variance * days, dtype=np.float64)
    kind = np.where(mean > 0, distribution, "zero")
    kind = np.where((kind == "negative_binomial") & (variance <= mean), "poisson", kind)
    kind = np.where((kind == "empirical") & (samples is None), "negative_binomial", kind)
    top = _grid_top(kind, mean, variance, samples)
    bands: list[Band] = []
    width = np.maximum(1, 2 ** np.ceil(np.log2(top + 1))).astype(np.int64)
    for w in np.unique(width).tolist():
        rows = np.flatnonzero(width == w)
        bands.append(
            Band(rows=rows, pmf=_pmf(kind[rows], mean[rows], variance[rows], w, samples, rows))
        )
    return IntervalDemand(distribution=distribution, mean=mean, variance=variance, bands=bands)


def _grid_top(
    kind: NDArray[np.str_], mean: Floats, var: Floats, samples: list[Floats] | None
) -> Ints:
    top = np.zeros(mean.size, dtype=np.int64)
    pois = kind == "poisson"
    top[pois] = scipy_stats().poisson.ppf(1 - GRID_TAIL, mean[pois]).astype(np.int64) + 1
    nb = kind == "negative_binomial"
    if nb.any():
        p = mean[nb] / var[nb]
        r = mean[nb] * p / (1 - p)
        top[nb] = (
            np.minimum(scipy_stats().nbinom.ppf(1 - GRID_TAIL, r, p), 1e7).astype(np.int64) + 1
        )
    nor = kind == "normal"
    top[nor] = np.ceil(mean[nor] + 6 * np.sqrt(np.maximum(var[nor], 1e-9))).astype(np.int64) + 1
    if samples is not None:
        for i in np.flatnonzero(kind == "empirical").tolist():
            top[i] = int(np.rint(max(0.0, float(samples[i].max(initial=0.0))))) + 1
    return top


def _pmf(
    kind: NDArray[np.str_],
    mean: Floats,
    var: Floats,
    width: int,
    samples: list[Floats] | None,
    rows: Ints,
) -> Floats:
    k = np.arange(width, dtype=np.float64)[None, :]
    out = np.zeros((kind.size, width))
    out[kind == "zero", 0] = 1.0
    pois = kind == "poisson"
    if pois.any():
        out[pois] = scipy_stats().poisson.pmf(k, mean[pois][:, None])
    nb = kind == "negative_binomial"
    if nb.any():
        p = (mean[nb] / var[nb])[:, None]
        r = mean[nb][:, None] * p / (1 - p)
        out[nb] = scipy_stats().nbinom.pmf(k, r, p)
    nor = kind == "normal"
    if nor.any():
        sd = np.sqrt(np.maximum(var[nor], 1e-9))[:, None]
        edges = scipy_stats().norm.cdf(np.arange(width + 1)[None, :] - 0.5, mean[nor][:, None], sd)
        edges[:, 0] = 0.0
        out[nor] = np.diff(edges, axis=1)
    if samples is not None:
        empirical = np.flatnonzero(kind == "empirical")
        sizes = np.array([samples[int(rows[j])].size for j in empirical.tolist()], dtype=np.int64)
        for size in np.unique(sizes).tolist():  # series with as many samples counted together
            picked = empirical[sizes == size]
            if size == 0:
                continue
            block = np.stack([samples[int(rows[j])] for j in picked.tolist()])
            s = np.minimum(np.rint(np.clip(block, 0, None)).astype(np.int64), width)
            flat = (s + np.arange(picked.size)[:, None] * (width + 1)).ravel()
            counts = np.bincount(flat, minlength=picked.size * (width + 1))
            counts = counts.reshape(picked.size, width + 1)[:, :width]
            out[picked] = counts / np.maximum(1, counts.sum(axis=1))[:, None]
    # the tail beyond the grid goes to its last point, so every row sums to one
    out[:, -1] += np.clip(1.0 - out.sum(axis=1), 0.0, None)
    return out


def coverage(s: Ints, samples: list[Floats]) -> Floats:
    """Share of the series' own historical interval sums that ``s`` would have covered (NaN
    for a series without any); series with as many samples are counted together."""
    out = np.full(s.size, np.nan)
    sizes = np.array([len(x) for x in samples], dtype=np.int64)
    for size in np.unique(sizes).tolist():
        if size == 0:
            continue
        rows = np.flatnonzero(sizes == size)
        block = np.stack([samples[i] for i in rows.tolist()])
        out[rows] = (block <= s[rows][:, None]).mean(axis=1)
    return out
