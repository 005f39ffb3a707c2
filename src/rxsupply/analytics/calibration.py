"""Mins calibrated by replay: the smallest min that meets the service target when the series'
own history is replayed against it.

The analytic model (:meth:`rxsupply.analytics.leadtime.IntervalDemand.smallest_min`) treats
days as independent and spreads the stock position evenly over the order cycle. Lumpy
demand breaks both: a large order undershoots the min, runs of demand cluster, sales lost
while a pocket is empty change the next refill. A replay has none of those approximations, so
the min is searched on it:

- the series' history (censored days filled) from its first observed day (a pocket set up
  after the window began is replayed on its own days, not on the unknown ones before them)
  is replayed from ``phases`` starting points
  (the history rotated, so every stretch is met at every point of the order cycle), each
  starting at max, with the conventions of :func:`rxsupply.analytics.simulation.simulate`
  (lost sales, review at the end of every ``R``-th day, orders arriving ``max(L, 1)`` days
  later, whole units, no expiry), which a test checks day for day;
- the achieved measure is pooled over the phases: units served over units demanded (fill
  rate), the share of review cycles without a shortage (cycle service level), or the share of
  days without one (``days``: one less the chance of an empty-pocket day);
- a history with few days of demand is asked for more than the target (the shortfall the
  target allows shrunk by ``d / (d + 10)`` for ``d`` days of demand: a few orders met say
  little about the next ones);
- per series, the smallest min in ``0 ..`` whose replay meets the target is found by doubling
  an upper bound from the larger of the analytic min and the mean demand of the protection
  interval, then bisecting;
- the history replayed is at the forecast's level (:func:`at_forecast_level`: scaled as a
  whole, never down, at most doubled), and a series whose level moved (a trend, or steps
  such as a shortage's months) is replayed along it too (:func:`along_level`: each day at
  the forecast over the level that day), and a series whose order brings no more than a lead
  time's and a review's use (:func:`skips_a_reorder`) at a tenth below the forecast too
  (:func:`below_forecast`: with min/max, less use can skip a reorder and run short); the
  caller takes the largest of the mins, and for such a series no less than steady use just
  under its order asks (:func:`steady_use_floor`);
- what levels are expected to achieve (the fill rate, cycle service level and chance of an
  empty day a plan states) is judged the same way, the other way round: the replay's
  shortfall grown by ``(d + 10) / d`` (:func:`expected_measures`), for a series replayed
  more than once the least of its replays.

The replay is compiled (numba) and runs series by series across the machine's cores; it is
deterministic (no random numbers), so a plan made in parts (Dask partitions) equals one made
at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.demand import Floats, first_observed, mean_daily
from rxsupply.analytics.leadtime import scipy_stats

Ints = NDArray[np.int64]
PHASES = 3
CREDIBILITY = 10.0
"""Days of demand a replayed history needs to count for half: see :func:`credible_target`."""
DOUBLINGS = 20
MEASURE_CODES = {"fill-rate": 0, "cycle": 1, "days": 2}
F = TypeVar("F", bound=Callable[..., Any])


def _jit(fn: F) -> F:
    """``fn`` compiled by numba (cached on disk beside the module)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def _parallel(fn: F) -> F:
    """``fn`` compiled by numba, its ``prange`` loops across the machine's cores."""
    return cast(F, numba.njit(cache=True, nogil=True, parallel=True)(fn))


@_jit
def _replay(
    y: Any, shift: int, low: int, quantity: int, lead: int, review: int, pipe: Any
) -> tuple[float, float, float, float]:
    """One series from day ``shift`` round to ``shift - 1``: units served, units demanded,
    the cycle service level and the days with unmet demand."""
    days = y.shape[0]
    high = low + quantity
    lead = max(lead, 1)
    width = pipe.shape[0]
    for k in range(width):
        pipe[k] = 0
    on_hand = high
    on_order = 0
    served = 0.0
    demanded = 0.0
    empty = 0.0
    cycles = 0
    good = 0
    short_in_cycle = False
    for t in range(days):
        slot = t % width
        if pipe[slot] > 0:
            on_hand += pipe[slot]
            on_order -= pipe[slot]
            pipe[slot] = 0
        want = int(np.rint(y[(t + shift) % days]))
        take = min(on_hand, want)
        on_hand -= take
        served += take
        demanded += want
        short = want > take
        if short:
            empty += 1.0
            short_in_cycle = True
        review_day = t % review == review - 1
        if review_day:
            position = on_hand + on_order
            if position <= low:
                order = high - position
                if order > 0:
                    pipe[(t + lead) % width] += order
                    on_order += order
        if review_day or t == days - 1:
            cycles += 1
            if not short_in_cycle:
                good += 1
            short_in_cycle = False
    service = good / cycles if cycles > 0 else 1.0
    return served, demanded, service, empty


@_jit
def _pooled(
    y: Any, low: int, quantity: int, lead: int, review: int, phases: int, pipe: Any
) -> tuple[float, float, float]:
    """Fill rate, cycle service level and share of days without a stock-out over the
    phases."""
    days = y.shape[0]
    served = 0.0
    demanded = 0.0
    cycle = 0.0
    empty = 0.0
    for phase in range(phases):
        s, d, c, e = _replay(y, (phase * days) // phases, low, quantity, lead, review, pipe)
        served += s
        demanded += d
        cycle += c
        empty += e / days
    fill = served / demanded if demanded > 0 else 1.0
    return fill, cycle / phases, 1.0 - empty / phases


@_jit
def _measure(
    y: Any, low: int, quantity: int, lead: int, review: int, phases: int, code: int, pipe: Any
) -> float:
    fill, cycle, days = _pooled(y, low, quantity, lead, review, phases, pipe)
    if code == 0:
        return fill
    if code == 1:
        return cycle
    return days


@_parallel
def _achieved_all(
    history: Any, first: Any, low: Any, quantity: Any, lead: Any, review: Any, phases: int
) -> Any:
    n = history.shape[0]
    out = np.empty((3, n))
    for i in numba.prange(n):
        pipe = np.zeros(max(lead[i], 1) + 1, dtype=np.int64)
        fill, cycle, days = _pooled(
            history[i, first[i] :],
            low[i],
            max(quantity[i], 1),
            lead[i],
            max(review[i], 1),
            phases,
            pipe,
        )
        out[0, i] = fill
        out[1, i] = cycle
        out[2, i] = days
    return out


@_parallel
def _calibrate(
    history: Any,
    first: Any,
    start: Any,
    quantity: Any,
    lead: Any,
    review: Any,
    target: Any,
    code: int,
    phases: int,
    doublings: int,
) -> Any:
    n = history.shape[0]
    out = np.empty(n, dtype=np.int64)
    for i in numba.prange(n):
        y = history[i, first[i] :]
        days = y.shape[0]
        pipe = np.zeros(max(lead[i], 1) + 1, dtype=np.int64)
        q = max(quantity[i], 1)
        r = max(review[i], 1)
        goal = target[i] - 1e-12
        protection = max(r + lead[i] - 1, 1)
        total = 0.0
        for t in range(days):
            total += y[t]
        typical = int(np.ceil(total / days * protection - 1e-9)) if days > 0 else 0
        hi = max(start[i], typical, 0)
        ok = _measure(y, hi, q, lead[i], r, phases, code, pipe) >= goal
        k = 0
        while not ok and k < doublings:
            hi = 2 * hi + 1
            ok = _measure(y, hi, q, lead[i], r, phases, code, pipe) >= goal
            k += 1
        lo = -1
        if ok:
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _measure(y, mid, q, lead[i], r, phases, code, pipe) >= goal:
                    hi = mid
                else:
                    lo = mid
        out[i] = hi
    return out


def _ints(values: Any) -> Ints:
    return np.ascontiguousarray(values, dtype=np.int64)


def _from_first(history: Floats) -> tuple[Floats, Ints]:
    """The history with NaN as no demand, and each series' first day to replay from: the
    days before its first observed one (NaN up to there) are left out, a series never
    observed is replayed whole."""
    y = np.array(history, dtype=np.float64, order="C")  # a copy, its NaN zeroed in place
    y[np.isnan(y)] = 0.0
    return y, _ints(first_observed(history))


def achieved_measures(
    history: Floats,
    *,
    min_level: Ints,
    order_quantity: Ints,
    lead_time_days: Ints,
    review_period_days: Ints,
    phases: int = PHASES,
) -> dict[str, Floats]:
    """Every measure each series achieves when its history is replayed at these levels, from
    its first observed day (the NaN days before it are left out)."""
    y, first = _from_first(history)
    if y.shape[0] == 0 or y.shape[1] == 0:
        ones = np.ones(y.shape[0])
        return {"fill-rate": ones, "cycle": ones.copy(), "days": ones.copy()}
    out = _achieved_all(
        y,
        first,
        _ints(min_level),
        _ints(order_quantity),
        _ints(lead_time_days),
        _ints(review_period_days),
        phases,
    )
    return {"fill-rate": out[0], "cycle": out[1], "days": out[2]}


def _credibility(history: Floats) -> Floats:
    """Per series, ``d / (d + CREDIBILITY)`` for ``d`` days of demand in ``history``."""
    days = (history > 0).sum(axis=1)  # a NaN day is no day of demand
    return np.asarray(days / (days + CREDIBILITY), dtype=np.float64)


def credible_target(history: Floats, target: Floats) -> Floats:
    """The service a replay of ``history`` must show for a series to be trusted to reach
    ``target`` on demand it has not seen: the shortfall the target allows, ``1 - target``,
    shrunk by ``d / (d + CREDIBILITY)`` for a history with ``d`` days of demand. A history of
    a handful of orders met at 90 % says little; one of hundreds says it well."""
    allowed = (1.0 - np.asarray(target, dtype=np.float64)) * _credibility(history)
    return np.asarray(1.0 - allowed, dtype=np.float64)


def expected_measures(
    history: Floats,
    *,
    min_level: Ints,
    order_quantity: Ints,
    lead_time_days: Ints,
    review_period_days: Ints,
    along: tuple[Floats, NDArray[np.bool_]] | None = None,
    below: NDArray[np.bool_] | None = None,
    chosen_on_it: bool = True,
) -> dict[str, Floats]:
    """What levels are expected to achieve on demand not yet seen, the way
    :func:`calibrated_min` judges them: ``history`` (at the forecast's level,
    :func:`at_forecast_level`) replayed (:func:`achieved_measures`), each measure's shortfall
    grown by ``(d + CREDIBILITY) / d`` for ``d`` days of demand (the inverse of
    :func:`credible_target`: a min calibrated to a target is expected to meet just that). A
    replay is the sample the min was chosen on, so taken as it is it promises more than the
    next months give: on the held-out periods of ``bench/holdout.py`` it promised up to 3
    points too much. With ``along`` (:func:`along_level`'s histories and which series' level
    moved), such a series is expected to achieve the less of the two replays, as its min
    must meet the target on both; the ``below`` series (:func:`skips_a_reorder`) the less
    of those and the replay of :func:`below_forecast`. Without ``chosen_on_it`` (levels set
    some other way, such as the levels in force) the shortfalls are not grown: the history is
    no sample those levels were fitted to."""
    levels = (min_level, order_quantity, lead_time_days, review_period_days)

    def judged(on: Floats, rows: NDArray[np.int64] | None = None) -> dict[str, Floats]:
        low, q, lead, review = (x if rows is None else np.asarray(x)[rows] for x in levels)
        replayed = achieved_measures(
            on, min_level=low, order_quantity=q, lead_time_days=lead, review_period_days=review
        )
        weight = _credibility(on) if chosen_on_it else np.ones(on.shape[0])
        grow = np.divide(1.0, weight, out=np.ones_like(weight), where=weight > 0)
        return {
            name: np.asarray(np.clip(1.0 - (1.0 - got) * grow, 0.0, 1.0), dtype=np.float64)
            for name, got in replayed.items()
        }

    out = judged(history)
    others = []
    if along is not None and along[1].any():
        rows = np.flatnonzero(along[1])
        others.append((along[0][rows], rows))
    if below is not None and below.any():
        rows = np.flatnonzero(below)
        lower, changed = below_forecast(history[rows], along, rows)
        others.append((lower[changed], rows[changed]))
    for on, rows in others:
        if rows.size == 0:
            continue
        for name, got in judged(on, rows).items():
            out[name][rows] = np.minimum(out[name][rows], got)
    return out


RESCALE_LIMITS = (1.0, 2.0)
"""How far a replayed history is rescaled towards the forecast (never down, at most double)."""


def at_forecast_level(history: Floats, daily_mean: Floats) -> Floats:
    """The history rescaled so its mean is the forecast's (within :data:`RESCALE_LIMITS`): a
    series whose use has grown is replayed at its level now, not at its average over years;
    one whose forecast is below its history keeps it (a quiet spell after a burst is no
    reason to plan for less: lumpy orders come back)."""
    level = mean_daily(history) if history.shape[1] else np.zeros(history.shape[0])
    safe = np.where(level > 0, level, 1.0)
    ratio = np.where(level > 0, daily_mean / safe, 1.0)
    return np.asarray(history * np.clip(ratio, *RESCALE_LIMITS)[:, None], dtype=np.float64)


TREND_T = 2.0
"""A slope this many of its standard errors from zero is a trend; a smaller one is noise."""
LEVEL_BLOCKS = 5
"""A history is cut into this many stretches of equal length to test whether its level moved."""
LEVEL_ALPHA = 0.001
"""The chance that stretches of a level that never moved differ as much as a moved one's do."""


@_parallel
def _along_level(
    history: Any,
    daily_mean: Any,
    low: float,
    high: float,
    t_crit: float,
    f_crit: Any,
    blocks: int,
    out: Any,
    moving: Any,
) -> None:
    n, days = history.shape
    for i in numba.prange(n):
        count = 0
        st = 0.0
        sy = 0.0
        scale = 0.0
        for t in range(days):
            v = history[i, t]
            if not np.isnan(v):
                count += 1
                st += t
                sy += v
                scale += v * v
        trending = False
        slope = 0.0
        t_mean = 0.0
        y_mean = 0.0
        if count > 2 and sy > 0.0:
            t_mean = st / count
            y_mean = sy / count
            spread = 0.0
            cross = 0.0
            for t in range(days):  # about the means: no cancellation of large sums
                v = history[i, t]
                if not np.isnan(v):
                    spread += (t - t_mean) * (t - t_mean)
                    cross += (t - t_mean) * (v - y_mean)
            if spread > 0.0:
                slope = cross / spread
                residual = 0.0
                for t in range(days):
                    v = history[i, t]
                    if not np.isnan(v):
                        e = v - y_mean - slope * (t - t_mean)
                        residual += e * e
                error = np.sqrt(residual / (count - 2) / spread)
                trending = slope != 0.0 and abs(slope) > t_crit * error
        if not trending:
            slope = 0.0
        # has the level moved in steps the line does not follow? The residuals (from the
        # line, or from the mean) of ``blocks`` stretches of equal length, one-way analysis
        # of variance: between the stretches' means against within them
        stepped = False
        if sy > 0.0 and np.isfinite(f_crit[i]):
            sums = np.zeros(blocks)
            sizes = np.zeros(blocks)
            j = 0
            for t in range(days):
                v = history[i, t]
                if not np.isnan(v):
                    b = (j * blocks) // count
                    sums[b] += v - y_mean - slope * (t - t_mean)
                    sizes[b] += 1.0
                    j += 1
            overall = 0.0
            for b in range(blocks):
                overall += sums[b]
            overall /= count
            between = 0.0
            for b in range(blocks):
                sums[b] /= sizes[b]
                between += sizes[b] * (sums[b] - overall) ** 2
            within = 0.0
            j = 0
            for t in range(days):
                v = history[i, t]
                if not np.isnan(v):
                    b = (j * blocks) // count
                    e = v - y_mean - slope * (t - t_mean) - sums[b]
                    within += e * e
                    j += 1
            if between > 1e-12 * scale:  # not the rounding of a flat series
                if within > 0.0:
                    ratio_f = (between / (blocks - 1)) / (within / (count - blocks))
                    stepped = ratio_f > f_crit[i]
                else:
                    stepped = True
        moving[i] = trending or stepped
        if not moving[i]:
            for t in range(days):
                out[i, t] = history[i, t]
            continue
        if not stepped:  # along the line
            for t in range(days):
                line = y_mean + slope * (t - t_mean)
                ratio = high
                if line > 0.0:
                    ratio = min(max(daily_mean[i] / line, low), high)
                out[i, t] = history[i, t] * ratio
            continue
        # along the local level: the mean of a stretch's length of observed days around each
        cum = np.zeros(count + 1)
        where = np.empty(count, dtype=np.int64)
        j = 0
        for t in range(days):
            v = history[i, t]
            out[i, t] = v  # the unobserved days stay NaN
            if not np.isnan(v):
                where[j] = t
                cum[j + 1] = cum[j] + v
                j += 1
        width = max(count // blocks, 1)
        for j in range(count):
            first = max(j - width // 2, 0)
            last = min(j + width - width // 2, count)
            level = (cum[last] - cum[first]) / (last - first)
            ratio = high
            if level > 0.0:
                ratio = min(max(daily_mean[i] / level, low), high)
            out[i, where[j]] = history[i, where[j]] * ratio


def _level_critical(history: Floats, blocks: int, alpha: float) -> Floats:
    """Per series, the F ratio (``blocks - 1`` and ``days - blocks`` degrees of freedom, for
    its observed days) above which its stretches' levels differ by more than chance at
    ``alpha``; infinite where a history is too short to tell (fewer than four days a
    stretch)."""
    count = (~np.isnan(history)).sum(axis=1)
    crit = np.full(history.shape[0], np.inf)
    enough = count >= 4 * blocks
    if enough.any():
        crit[enough] = scipy_stats().f.ppf(1.0 - alpha, blocks - 1, count[enough] - blocks)
    return crit


def along_level(history: Floats, daily_mean: Floats) -> tuple[Floats, NDArray[np.bool_]]:
    """The history of each series whose level moved brought to the forecast day by day (each
    day scaled by the forecast over the series' level that day, within
    :data:`RESCALE_LIMITS`; doubled where the level is at or below zero), and which series
    moved. A level moved when:

    - a least-squares line through the observed days has a slope more than :data:`TREND_T`
      standard errors from zero (the noise of lumpy demand draws a slope too): the level is
      the line; or
    - the history's :data:`LEVEL_BLOCKS` stretches of equal length differ from each other
      (around the line, if there is one) more than chance would at :data:`LEVEL_ALPHA`
      (one-way analysis of variance; a stretch is a year of a five-year monthly history, so
      a season does not count): the level is the mean over a stretch's length around each
      day.

    A series whose level did not move is returned as it is.

    :func:`at_forecast_level` scales a history as a whole. A series that grew over it has its
    latest days replayed above the forecast, and with an order quantity of about a period's
    use every period then reorders in the replay, so a min far below a period's use looks
    enough (a hospital series held out at 72 % fill on a min of 61 against a month's use of
    about 200). One whose use fell for a stretch and came back (a shortage, a protocol that
    changed and changed back) replays that stretch well below the forecast, where any min
    serves, and the min is too small for the months at the forecast (a hospital series of
    about 200 a month, two of its five years at 90: a min of 47 against a month's use of
    224, held out at 68 % fill). Along its level, every day is at the forecast (or at double
    its own, if that is less)."""
    out = np.empty_like(history, dtype=np.float64)
    moving = np.zeros(history.shape[0], dtype=np.bool_)
    if history.shape[0] and history.shape[1]:
        data = np.ascontiguousarray(history, dtype=np.float64)
        _along_level(
            data,
            np.ascontiguousarray(daily_mean, dtype=np.float64),
            RESCALE_LIMITS[0],
            RESCALE_LIMITS[1],
            TREND_T,
            _level_critical(data, LEVEL_BLOCKS, LEVEL_ALPHA),
            LEVEL_BLOCKS,
            out,
            moving,
        )
    else:
        out[...] = history
    return out, moving


BELOW_FORECAST = 0.9
"""The demand, as a share of the forecast, a series whose reorder can be skipped must also be
served at (:func:`skips_a_reorder`)."""


def skips_a_reorder(
    order_quantity: Ints, daily_mean: Floats, lead_time_days: Ints, review_period_days: Ints
) -> NDArray[np.bool_]:
    """The series whose order brings no more than the forecast's demand over a lead time and
    a review period, but more than a review period's use at :data:`BELOW_FORECAST` of it.
    With min/max such a series can be served worse by less demand: at the forecast every
    review reorders, but use a little below it leaves the position after an order above the
    min at the next review, that reorder is skipped and the period after runs short (a
    hospital series of about 200 a month, ordering a month's use a month ahead: a min of 109
    held out at 84 % fill on use a tenth below its forecast). An order of no more than that
    review's lower use is placed at every review still."""
    mean = np.asarray(daily_mean, dtype=np.float64)
    review = np.maximum(np.asarray(review_period_days), 1)
    span = mean * (np.maximum(np.asarray(lead_time_days), 1) + review)
    q = np.asarray(order_quantity)
    tight = (q <= span) & (q > BELOW_FORECAST * mean * review) & (span > 0)
    return np.asarray(tight, dtype=np.bool_)


STEADY_MARGIN = 0.1
"""How much less than the worst case of steady use (:func:`steady_use_floor`) a min may be:
the order a tenth above the use, as a series that can skip a reorder may order."""


def steady_use_floor(
    daily_mean: Floats, review_period_days: Ints, lead_time_days: Ints, target: Floats
) -> Ints:
    """The least min of a series whose reorder can be skipped (:func:`skips_a_reorder`):
    ``2 x target - 1 -`` :data:`STEADY_MARGIN` of the forecast's use over a review period
    (70 % of it at a 90 % target, 80 % at 95 %, 88 % at 99 %), and ``target`` of its use over
    the rest of the lead time (the days after the first, which orders already on their way
    cover).

    Use running steadily just under the order is the worst case of min/max: after an order
    arrives, a review period's use leaves the position above the min, that review passes,
    and the period after is short by twice the use less the min and the order. To lose no
    more than ``1 - target`` of the two periods' use, the min must be ``2 x target - 1`` of
    the order, an order being about a period's use. A replayed history whose use jumps around
    the order reorders at random and hides it: a smooth hospital series of 58 a month,
    ordering 58 a month ahead, had a min of 35 that its noisy history served at 90 %, and
    held out on months of 49 to 60 it served 85 %; on the hospital set the series served more
    than 5 points below a 90 % target went from 74 to 12 (the textbook's, at the same fill,
    16).

    Replayed on steady use with an order a tenth above it, reviewed daily, the floor is the
    least min that meets the fill-rate target or one unit more, for lead times of 1 to 5
    days (a test checks it); reviewed weekly it asks up to an eighth more. It is derived for the
    fill rate and is the same least min for the other measures, whose replays already ask
    more of such a series (steady use that skips a reorder runs short every other cycle)."""
    goal = np.asarray(target, dtype=np.float64)
    share = np.clip(2.0 * goal - 1.0 - STEADY_MARGIN, 0.0, None)
    use = np.asarray(daily_mean, dtype=np.float64)
    review = np.maximum(np.asarray(review_period_days), 1)
    rest = np.maximum(np.asarray(lead_time_days) - 1, 0)
    return np.asarray(np.ceil(share * use * review + goal * use * rest - 1e-9), dtype=np.int64)


def below_forecast(
    history: Floats,
    along: tuple[Floats, NDArray[np.bool_]] | None = None,
    rows: NDArray[np.int64] | None = None,
) -> tuple[Floats, NDArray[np.bool_]]:
    """``history`` (at the forecast's level, :func:`at_forecast_level`) at
    :data:`BELOW_FORECAST` of it, where a series' level moved along its level
    (:func:`along_level`'s ``along``, of every series; ``rows`` say which of them
    ``history``'s rows are); and which series that changes once a day's use is counted in
    whole units, as the replay counts it (a tenth less of 1 to 4 units a day rounds back to
    the same: a slow mover's replay on less use would be the one at the forecast)."""
    source = np.array(history, dtype=np.float64)
    if along is not None:
        moved = along[1] if rows is None else along[1][rows]
        source[moved] = (along[0] if rows is None else along[0][rows])[moved]
    lower = source * BELOW_FORECAST
    changed = np.any((np.rint(lower) != np.rint(source)) & ~np.isnan(source), axis=1)
    return lower, np.asarray(changed, dtype=np.bool_)


def calibrated_min(
    history: Floats,
    *,
    start: Ints,
    order_quantity: Ints,
    lead_time_days: Ints,
    review_period_days: Ints,
    target: Floats,
    measure: str,
    phases: int = PHASES,
) -> Ints:
    """Per series, the smallest min whose replay of ``history`` (from the series' first
    observed day) meets ``target``, asked more of where the history has few days of demand
    (:func:`credible_target`), searched from the analytic min ``start``; a series whose
    target no min up to the start doubled :data:`DOUBLINGS` times meets keeps the largest
    tried."""
    n = history.shape[0]
    if n == 0 or history.shape[1] == 0:
        return np.maximum(_ints(start), 0)
    target = credible_target(history, target)
    y, first = _from_first(history)
    return np.asarray(
        _calibrate(
            y,
            first,
            _ints(start),
            _ints(order_quantity),
            _ints(lead_time_days),
            _ints(review_period_days),
            np.ascontiguousarray(target, dtype=np.float64),
            MEASURE_CODES[measure],
            phases,
            DOUBLINGS,
        ),
        dtype=np.int64,
    )
