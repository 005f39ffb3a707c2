"""Mins calibrated by replay: the smallest min that meets the service target when the series'
own history is replayed against it.

The analytic model (:meth:`rxsupply.analytics.leadtime.IntervalDemand.smallest_min`) treats
days as independent and spreads the stock position evenly over the order cycle. Lumpy
demand breaks both: a large order undershoots the min, runs of demand cluster, sales lost
while a pocket is empty change the next refill. A replay (:func:`rxsupply.analytics.simulation
.simulate`: lost sales, the review period, the lead time, the order quantity) has none of
those approximations, so the min is searched on it:

- the series' history (censored days filled) is replayed from ``phases`` starting points
  (the history rotated, so every stretch is met at every point of the order cycle), each
  starting at max;
- the achieved measure is pooled over the phases: units served over units demanded (fill
  rate), the share of review cycles without a shortage (cycle service level), or the share of
  days without one (``days``: one less the chance of an empty-pocket day);
- per series, the smallest min in ``0 ..`` whose replay meets the target is found by doubling
  an upper bound from the analytic min and then bisecting, all series at once (one replay of
  every series per step).

The replay is deterministic (no random numbers), so a plan made in parts (Dask partitions)
equals one made at once.
"""

from __future__ import annotations

import numpy as np

from rxsupply.analytics.demand import Floats
from rxsupply.analytics.simulation import Policy, simulate

Ints = np.ndarray
PHASES = 3
DOUBLINGS = 20
NEVER_EXPIRES = 1_000_000


def achieved(
    history: Floats,
    *,
    min_level: Ints,
    order_quantity: Ints,
    lead_time_days: Ints,
    review_period_days: Ints,
    measure: str,
    phases: int = PHASES,
) -> Floats:
    """The measure each series achieves when its history is replayed at these levels."""
    n, days = history.shape
    served = np.zeros(n)
    demanded = np.zeros(n)
    cycles = np.zeros(n)
    empty = np.zeros(n)
    low = np.asarray(min_level, dtype=np.int64)
    policy = Policy(
        min_level=low,
        max_level=low + np.maximum(np.asarray(order_quantity, dtype=np.int64), 1),
        lead_time_days=np.asarray(lead_time_days, dtype=np.int64),
        review_period_days=np.maximum(np.asarray(review_period_days, dtype=np.int64), 1),
        unit_cost=np.zeros(n),
        shelf_life_days=np.full(n, NEVER_EXPIRES, dtype=np.int64),
    )
    for phase in range(phases):
        shift = (phase * days) // phases
        replay = simulate(np.roll(history, -shift, axis=1), policy, lots=1)
        served += replay.served
        demanded += replay.demand
        cycles += replay.cycle_service_level
        empty += replay.stockout_days / days
    if measure == "fill-rate":
        return np.asarray(
            np.where(demanded > 0, served / np.maximum(demanded, 1e-12), 1.0), dtype=np.float64
        )
    if measure == "cycle":
        return np.asarray(cycles / phases, dtype=np.float64)
    return np.asarray(1.0 - empty / phases, dtype=np.float64)


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
    """Per series, the smallest min whose replay of ``history`` meets ``target`` (searched
    from the analytic min ``start``); a series whose target no min up to the start doubled
    :data:`DOUBLINGS` times meets keeps the largest tried."""
    n = history.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)

    def meets(m: Ints, rows: Ints) -> np.ndarray:
        """Whether min ``m`` (of the series ``rows``) meets their targets in the replay."""
        got = achieved(
            history[rows],
            min_level=m,
            order_quantity=order_quantity[rows],
            lead_time_days=lead_time_days[rows],
            review_period_days=review_period_days[rows],
            measure=measure,
            phases=phases,
        )
        return np.asarray(got >= target[rows] - 1e-12)

    everyone = np.arange(n)
    # the search starts at the analytic min, or at the mean demand of the protection
    # interval when the model's min is below it, and doubles while the target is not met
    protection = np.maximum(review_period_days + lead_time_days - 1, 1)
    typical = np.ceil(np.nanmean(history, axis=1) * protection - 1e-9) if history.shape[1] else 0
    hi = np.maximum(np.asarray(start, dtype=np.int64), np.nan_to_num(typical)).astype(np.int64)
    ok = meets(hi, everyone)
    for _ in range(DOUBLINGS):
        short = np.flatnonzero(~ok)
        if not short.size:
            break
        hi[short] = 2 * hi[short] + 1
        ok[short] = meets(hi[short], short)
    lo = np.full(n, -1, dtype=np.int64)  # below any min: never meets
    while True:
        rows = np.flatnonzero((hi - lo > 1) & ok)
        if not rows.size:
            break
        mid = (lo[rows] + hi[rows]) // 2
        good = meets(mid, rows)
        hi[rows] = np.where(good, mid, hi[rows])
        lo[rows] = np.where(good, lo[rows], mid)
    return np.asarray(hi, dtype=np.int64)
