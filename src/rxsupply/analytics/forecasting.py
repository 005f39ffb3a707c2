"""Daily demand forecasts, each method written once and vectorised across series.

Every method takes a matrix of demand (one row per item-location, one column per day, no
missing values: censored days are filled before, see :meth:`DemandMatrix.filled`) and returns a
``(series, horizon)`` matrix of forecasts in units per day.

Croston, SBA, TSB, ADIDA and IMAPA follow statsforecast's models of the same names (2.x:
``CrostonClassic``, ``CrostonSBA``, ``TSB``, ``ADIDA``, ``IMAPA``) exactly, including their
corner cases: a series with no demand forecasts its last value (Croston, SBA) or zero (TSB,
ADIDA, IMAPA); Croston smooths sizes and intervals with alpha 0.1; ADIDA aggregates into
buckets of the rounded mean inter-demand interval (cut at the front), IMAPA averages every
aggregation level from 1 to that interval, both with golden-section-optimised SES in [0.1, 0.3].

Naive, seasonal naive (weekly), moving average and SES are the smooth-demand baselines;
``auto_ets`` and ``auto_theta`` call statsforecast's AutoETS and AutoTheta series by series (they
are slow: use them for the smooth series only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from rxsupply.analytics.smoothing import (
    Floats,
    Ints,
    Ragged,
    golden_alpha,
    pack,
    ses_level,
)

CROSTON_ALPHA = 0.1
SBA_FACTOR = 0.95
WEEK = 7
MOVING_AVERAGE_DAYS = 28
INTERMITTENT_METHODS = ("croston", "sba", "tsb", "adida", "imapa")
SMOOTH_METHODS = ("naive", "seasonal_naive", "moving_average", "ses")
STATSFORECAST_METHODS = ("auto_ets", "auto_theta")
METHODS = SMOOTH_METHODS + INTERMITTENT_METHODS + STATSFORECAST_METHODS
# Above this many values in one packed batch, IMAPA's aggregation levels are split up.
BATCH_VALUES = 6_000_000


def forecast(y: Floats, method: str, horizon: int) -> Floats:
    """Forecast ``horizon`` days for every row of ``y`` with one method."""
    if method not in METHODS:
        raise ValueError(f"unknown forecasting method {method!r}; choose from {', '.join(METHODS)}")
    if horizon < 1:
        raise ValueError("the horizon must be at least one day")
    y = np.ascontiguousarray(y, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] < 1:
        raise ValueError("demand must be a matrix with at least one day")
    if method == "naive":
        return np.repeat(y[:, -1:], horizon, axis=1)
    if method == "seasonal_naive":
        return seasonal_naive(y, horizon)
    if method in STATSFORECAST_METHODS:
        return statsforecast_path(y, method, horizon)
    return np.repeat(LEVELS[method](y)[:, None], horizon, axis=1)


def level(y: Floats, method: str) -> Floats:
    """The mean daily demand each method expects over the next days (its flat forecast; for the
    weekly seasonal naive, the mean of the last week)."""
    if method in LEVELS:
        return LEVELS[method](np.ascontiguousarray(y, dtype=np.float64))
    return np.asarray(forecast(y, method, WEEK).mean(axis=1), dtype=np.float64)


def seasonal_naive(y: Floats, horizon: int) -> Floats:
    """Repeat the last week (the last value while the history is shorter than a week)."""
    if y.shape[1] < WEEK:
        return np.repeat(y[:, -1:], horizon, axis=1)
    last_week = y[:, -WEEK:]
    reps = -(-horizon // WEEK)
    return np.tile(last_week, (1, reps))[:, :horizon]


def naive_level(y: Floats) -> Floats:
    return y[:, -1].copy()


def moving_average_level(y: Floats, days: int = MOVING_AVERAGE_DAYS) -> Floats:
    return np.asarray(y[:, -days:].mean(axis=1), dtype=np.float64)


def ses_optimised_level(y: Floats) -> Floats:
    """SES on the daily series with alpha chosen in [0.01, 0.99] by squared one-step error."""
    data = _rows(y)
    alpha = golden_alpha(data, 0.01, 0.99)
    return data.in_caller_order(ses_level(data, alpha))


def croston_level(y: Floats) -> Floats:
    """Croston's method (statsforecast ``CrostonClassic``): SES (alpha 0.1) of the non-zero
    demand sizes divided by SES (alpha 0.1) of the intervals between them."""
    size, interval, seen = _croston_parts(y, CROSTON_ALPHA)
    out = np.where(interval != 0.0, size / np.where(interval != 0.0, interval, 1.0), size)
    return np.where(seen, out, y[:, -1])


def sba_level(y: Floats) -> Floats:
    """Syntetos-Boylan approximation: Croston times 0.95 (statsforecast ``CrostonSBA``)."""
    return croston_level(y) * SBA_FACTOR


def tsb_level(y: Floats, alpha_d: float = 0.1, alpha_p: float = 0.1) -> Floats:
    """Teunter-Syntetos-Babai: SES of the demand sizes (``alpha_d``) times SES of the daily
    demand occurrence (``alpha_p``), which decays while no demand comes."""
    size, _, seen = _croston_parts(y, alpha_d)
    occurs = np.ascontiguousarray((y != 0).T, dtype=np.float64)
    prob = occurs[0].copy()
    complement = 1.0 - alpha_p
    tmp = np.empty_like(prob)
    for t in range(1, occurs.shape[0]):
        np.multiply(complement, prob, out=prob)
        np.multiply(alpha_p, occurs[t], out=tmp)
        np.add(tmp, prob, out=prob)
    return np.where(seen, prob * np.where(seen, size, 0.0), 0.0)


def adida_level(y: Floats) -> Floats:
    """ADIDA: sum demand into buckets as long as the rounded mean interval between demands,
    forecast the bucket sums with optimised SES, spread back evenly over the days."""
    levels, seen = _aggregation_levels(y)
    out = np.zeros(y.shape[0])
    groups: list[tuple[Ints, Floats]] = []
    for agg, rows in _group_rows(levels, seen).items():
        groups.append((rows, _bucket_sums(y[rows], agg)))
    if not groups:
        return out
    out_sums = _optimised_ses_forecasts(groups)
    for (rows, _sums), values in zip(groups, out_sums, strict=True):
        out[rows] = values / levels[rows]
    return out


def imapa_level(y: Floats) -> Floats:
    """IMAPA: the mean over aggregation levels 1..(rounded mean interval) of ADIDA's forecast
    at that level."""
    n = y.shape[0]
    levels, seen = _aggregation_levels(y)
    rows_all = np.flatnonzero(seen)
    if not rows_all.size:
        return np.zeros(n)
    top = int(levels[rows_all].max())
    # bands of aggregation levels whose bucket counts differ at most twofold
    band_start = 1
    forecasts = np.full((n, top), np.nan)
    while band_start <= top:
        band_end = min(top, band_start * 2 - 1) if band_start > 1 else 1
        groups: list[tuple[Ints, Floats]] = []
        aggs: list[int] = []
        for agg in range(band_start, band_end + 1):
            rows = rows_all[levels[rows_all] >= agg]
            if rows.size:
                groups.append((rows, _bucket_sums(y[rows], agg)))
                aggs.append(agg)
        done = 0
        for chunk in _batches(groups):
            values = _optimised_ses_forecasts(chunk)
            for (rows, _sums), v, agg in zip(chunk, values, aggs[done:], strict=False):
                forecasts[rows, agg - 1] = v / agg
            done += len(chunk)
        band_start = band_end + 1
    out = np.zeros(n)
    for lv in np.unique(levels[rows_all]).tolist():
        rows = rows_all[levels[rows_all] == lv]
        out[rows] = forecasts[rows, :lv].mean(axis=1)
    return out


def statsforecast_path(y: Floats, method: str, horizon: int) -> Floats:
    """AutoETS or AutoTheta (weekly season) from statsforecast, fitted series by series."""
    from statsforecast.models import AutoETS, AutoTheta

    make: Callable[[], object] = (
        (lambda: AutoETS(season_length=WEEK))
        if method == "auto_ets"
        else (lambda: AutoTheta(season_length=WEEK))
    )
    out = np.empty((y.shape[0], horizon))
    for i in range(y.shape[0]):
        model = make()
        try:
            result = model.forecast(y=y[i], h=horizon)  # type: ignore[attr-defined]
            out[i] = np.maximum(np.asarray(result["mean"], dtype=np.float64), 0.0)
        except Exception:  # a series too short or flat for the model: fall back to its mean
            out[i] = y[i].mean()
    return out


LEVELS: dict[str, Callable[[Floats], Floats]] = {
    "naive": naive_level,
    "moving_average": moving_average_level,
    "ses": ses_optimised_level,
    "croston": croston_level,
    "sba": sba_level,
    "tsb": tsb_level,
    "adida": adida_level,
    "imapa": imapa_level,
}


# --- internals ---------------------------------------------------------------------------


def _rows(y: Floats) -> Ragged:
    return pack([(y.shape[0], y)])


def _croston_parts(y: Floats, alpha: float) -> tuple[Floats, Floats, np.ndarray]:
    """SES levels of the non-zero sizes and of the intervals between them, per row."""
    n, days = y.shape
    cols = np.ascontiguousarray(y.T)
    size = np.zeros(n)
    interval = np.zeros(n)
    last = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    complement = 1.0 - alpha
    for t in range(days):
        idx = np.flatnonzero(cols[t] > 0)
        if not idx.size:
            continue
        fresh = ~seen[idx]
        new = idx[fresh]
        old = idx[~fresh]
        if new.size:
            size[new] = cols[t, new]
            interval[new] = float(t + 1)
        if old.size:
            size[old] = alpha * cols[t, old] + complement * size[old]
            interval[old] = alpha * (t - last[old]).astype(np.float64) + complement * interval[old]
        seen[idx] = True
        last[idx] = t
    return size, interval, seen


def _aggregation_levels(y: Floats) -> tuple[Ints, np.ndarray]:
    """The rounded mean interval between demands (statsforecast rounds half to even)."""
    nonzero = y != 0
    count = nonzero.sum(axis=1)
    seen = count > 0
    days = y.shape[1]
    last = days - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    mean_interval = np.where(seen, (last + 1) / np.maximum(count, 1), 1.0)
    return np.round(mean_interval).astype(np.int64), seen


def _group_rows(levels: Ints, seen: np.ndarray) -> dict[int, Ints]:
    groups: dict[int, list[int]] = defaultdict(list)
    for row in np.flatnonzero(seen).tolist():
        groups[int(levels[row])].append(row)
    return {agg: np.asarray(rows, dtype=np.int64) for agg, rows in sorted(groups.items())}


def _bucket_sums(y: Floats, agg: int) -> Floats:
    days = y.shape[1]
    lost = days % agg
    buckets = (days - lost) // agg
    return np.asarray(y[:, lost:].reshape(y.shape[0], buckets, agg).sum(axis=2), dtype=np.float64)


def _batches(groups: list[tuple[Ints, Floats]]) -> list[list[tuple[Ints, Floats]]]:
    out: list[list[tuple[Ints, Floats]]] = []
    current: list[tuple[Ints, Floats]] = []
    size = 0
    for rows, sums in groups:
        cost = sums.size
        if current and size + cost > BATCH_VALUES:
            out.append(current)
            current, size = [], 0
        current.append((rows, sums))
        size += cost
    if current:
        out.append(current)
    return out


def _optimised_ses_forecasts(groups: Sequence[tuple[Ints, Floats]]) -> list[Floats]:
    """Optimised-SES forecasts of bucket sums, for several groups of rows (a row with one
    bucket forecasts that bucket: the search ties at once).

    Groups whose bucket counts lie within a factor of two are packed and searched together, so
    the packed matrices stay dense."""
    out: list[Floats] = [np.empty(0)] * len(groups)
    bands: dict[int, list[int]] = defaultdict(list)
    for g, (_rows, sums) in enumerate(groups):
        bands[int(sums.shape[1]).bit_length()].append(g)
    for members in bands.values():
        chosen = [groups[g] for g in members]
        offsets = np.cumsum([0] + [len(rows) for rows, _ in chosen])
        data = pack([(len(rows), sums) for rows, sums in chosen])
        values = data.in_caller_order(ses_level(data, golden_alpha(data)))
        for n, g in enumerate(members):
            out[g] = values[offsets[n] : offsets[n + 1]]
    return out
