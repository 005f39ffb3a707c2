"""Replay real daily demand against (min, max) policies, many series at once.

The simulation proves a policy on the hospital's own history before anyone changes a cabinet:
each row of ``demand`` (one item-location) is replayed day by day against its own policy, with
lots, expiry, lead time and periodic review. The Python loop runs over days only; every day's
work is numpy on all series at once.

Conventions (days are numbered ``0 .. days - 1``; quantities are whole dispense units):

- **Day order.** On day ``t``: (1) orders due today are received as a new lot; (2) the day's
  demand is served from stock, first-expiring lot first (FEFO); demand beyond stock is *lost*
  (a nurse takes it from another cabinet) and recorded as unmet, never backordered; (3) on a
  review day, if the inventory position (on hand + on order) is at or below ``min_level``, a
  refill of ``max_level - position`` units is ordered (one refill trip); (4) lots whose expiry
  day is ``<= t`` are removed and counted as expired; the end-of-day on hand is recorded.
  Review comes before expiry, so stock that expires tonight still counts in today's position.
  A negative ``min_level`` never triggers a refill.
- **Lead time.** An order placed at the end of day ``t`` arrives at the start of day
  ``t + max(L, 1)``: ``L = 0`` (a same-day refill) and ``L = 1`` behave alike, since the day's
  demand has already been served when the order is placed. This is stockpyl's convention for
  ``L >= 1`` (an order placed in period ``t`` is received in period ``t + L`` before that
  period's demand).
- **Review.** Series ``i`` reviews at the end of the days with ``t % R == R - 1``: days
  ``R-1, 2R-1, ...``; ``R = 1`` reviews daily. Review cycle ``k`` is days ``kR .. kR + R - 1``
  (the last one may be cut short by the horizon); the first cycle is served from the initial
  stock.
- **Expiry.** A lot received on day ``a`` expires on day ``a + shelf_life``: it can be used
  through that day and is removed at its end. The initial stock is one lot received on day 0.
- **Lots.** Each series keeps ``lots`` slots of (quantity, expiry), occupied slots first and in
  expiry order (a series' shelf life is fixed, so a new lot never expires before an older
  one). When all slots are full, a receipt is merged into the slot with the latest expiry and
  *keeps that slot's earlier expiry*: conservative, a unit is never counted usable past its true
  expiry, at the price of possibly counting it expired a little early.
- **Demand** is whole units per day (values are rounded with ``np.rint``). ``NaN`` marks a
  censored day (demand unknown: the shelf was empty, or the feed was down): it is treated as no
  demand and counted in ``censored_days``. A review cycle made only of censored days is not
  counted in the cycle service level.
- **Service.** ``fill_rate`` is served / demanded (1.0 when nothing was demanded).
  ``cycle_service_level`` is the share of observed review cycles with no unmet demand (1.0 when
  no cycle was observed). ``vend_fill_ratio`` is units served per refill trip (NaN with no
  trip).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from rxsupply.errors import InvalidValue

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

__all__ = ["Policy", "SimulationResult", "simulate"]


@dataclass(frozen=True, slots=True)
class Policy:
    """A (min, max) policy per series; every field is an array of shape ``(n,)``.

    ``min_level`` is the refill trigger ``s`` (order when the inventory position is ``<= s``),
    ``max_level`` the order-up-to level ``S`` (the PAR). ``lead_time_days`` (``>= 0``; 0 acts
    as 1), ``review_period_days`` (``>= 1``; 1 is daily), ``unit_cost`` (money per unit),
    ``shelf_life_days`` (``>= 0``) and ``initial_on_hand`` (default ``max_level``, one lot
    received on day 0) follow the conventions in the module docstring.
    """

    min_level: Ints
    max_level: Ints
    lead_time_days: Ints
    review_period_days: Ints
    unit_cost: Floats
    shelf_life_days: Ints
    initial_on_hand: Ints | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            dtype = np.float64 if f.name == "unit_cost" else np.int64
            array = np.asarray(value)
            if dtype is np.int64 and array.size and not np.issubdtype(array.dtype, np.integer):
                raise InvalidValue(f.name, "must be whole numbers")
            object.__setattr__(self, f.name, np.ascontiguousarray(array, dtype=dtype))
        n = self.min_level.shape
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and (value.ndim != 1 or value.shape != n):
                raise InvalidValue(f.name, f"must have shape {n}, not {value.shape}")
        _require(self.max_level >= 0, "max_level", "must be >= 0")
        _require(self.min_level <= self.max_level, "min_level", "must be <= max_level")
        _require(self.lead_time_days >= 0, "lead_time_days", "must be >= 0")
        _require(self.review_period_days >= 1, "review_period_days", "must be >= 1")
        _require(self.shelf_life_days >= 0, "shelf_life_days", "must be >= 0")
        ok = np.isfinite(self.unit_cost) & (self.unit_cost >= 0)
        _require(ok, "unit_cost", "must be finite and >= 0")
        if self.initial_on_hand is not None:
            _require(self.initial_on_hand >= 0, "initial_on_hand", "must be >= 0")

    @property
    def size(self) -> int:
        """Number of series."""
        return int(self.min_level.shape[0])


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Per-series outcomes, arrays of shape ``(n,)``; ``on_hand`` is ``(n, days)`` if kept.

    Units: ``demand``, ``served``, ``average_on_hand``, ``expired_units`` and ``received_units``
    (refills that arrived within the horizon) in dispense units; ``average_value`` in money.
    Stock is conserved: initial on hand + received - served - expired = final on hand.
    """

    demand: Floats
    served: Floats
    fill_rate: Floats
    cycle_service_level: Floats
    stockout_days: Ints
    average_on_hand: Floats
    average_value: Floats
    refill_trips: Ints
    vend_fill_ratio: Floats
    expired_units: Ints
    censored_days: Ints
    received_units: Ints
    on_hand: Ints | None = None
    orders: Ints | None = None  # (n, days): units ordered at the end of each day, if kept

    def totals(self) -> dict[str, float]:
        """Aggregates over all series.

        ``fill_rate`` is total served / total demanded (units-weighted, 1.0 with no demand);
        ``cycle_service_level`` the mean of the series' cycle service levels; the rest sums.
        """
        demand = float(self.demand.sum())
        served = float(self.served.sum())
        csl = float(self.cycle_service_level.mean()) if self.cycle_service_level.size else 1.0
        return {
            "demand": demand,
            "served": served,
            "fill_rate": served / demand if demand > 0 else 1.0,
            "cycle_service_level": csl,
            "stockout_days": float(self.stockout_days.sum()),
            "average_value": float(self.average_value.sum()),
            "refill_trips": float(self.refill_trips.sum()),
            "expired_units": float(self.expired_units.sum()),
            "received_units": float(self.received_units.sum()),
        }


def simulate(
    demand: Floats,
    policy: Policy,
    *,
    lots: int = 8,
    keep_path: bool = False,
    keep_orders: bool = False,
) -> SimulationResult:
    """Replay ``demand`` (shape ``(n, days)``, units per day, NaN = censored) against ``policy``.

    ``lots`` is the number of lot slots per series; ``keep_path`` keeps the end-of-day on hand
    of every day in ``SimulationResult.on_hand``, ``keep_orders`` the units ordered each day in
    ``SimulationResult.orders`` (what the supplying location issues that day). See the module
    docstring for conventions.
    """
    demand = np.asarray(demand, dtype=np.float64)
    if demand.ndim != 2 or demand.shape[1] < 1:
        raise InvalidValue("demand", "must be a matrix (series, days) with at least one day")
    n, days = demand.shape
    if policy.size != n:
        raise InvalidValue("policy", f"has {policy.size} series, demand has {n}")
    if lots < 1:
        raise InvalidValue("lots", "must be at least 1", lots)
    censored = np.isnan(demand)
    _require(~(demand < 0), "demand", "must be >= 0 (or NaN for a censored day)")
    _require(~np.isinf(demand), "demand", "must be finite (or NaN for a censored day)")
    # Time-major and slot-major layouts: each day reads and writes contiguous rows of length n.
    units = np.ascontiguousarray(np.rint(np.where(censored, 0.0, demand)).astype(np.int64).T)
    observed = np.ascontiguousarray(~censored.T)

    slot_index = np.arange(lots)[:, None]
    lead = np.maximum(policy.lead_time_days, 1)
    pipe_width = int(lead.max(initial=1)) + 1
    review = policy.review_period_days
    shelf = policy.shelf_life_days
    low, high = policy.min_level, policy.max_level

    qty = np.zeros((lots, n), dtype=np.int64)  # lot slots, occupied first, in expiry order
    expiry = np.zeros((lots, n), dtype=np.int64)  # last usable day of each slot
    qty[0] = high if policy.initial_on_hand is None else policy.initial_on_hand
    expiry[0] = shelf
    pipeline = np.zeros((pipe_width, n), dtype=np.int64)  # row (t % width) arrives on day t
    on_order = np.zeros(n, dtype=np.int64)

    served = np.zeros(n, dtype=np.int64)
    stockout_days = np.zeros(n, dtype=np.int64)
    trips = np.zeros(n, dtype=np.int64)
    expired = np.zeros(n, dtype=np.int64)
    received = np.zeros(n, dtype=np.int64)
    on_hand_sum = np.zeros(n, dtype=np.int64)
    cycles = np.zeros(n, dtype=np.int64)
    good_cycles = np.zeros(n, dtype=np.int64)
    cycle_short = np.zeros(n, dtype=bool)
    cycle_seen = np.zeros(n, dtype=bool)
    path = np.empty((days, n), dtype=np.int64) if keep_path else None
    placed = np.zeros((days, n), dtype=np.int64) if keep_orders else None

    need = np.empty(n, dtype=np.int64)
    take = np.empty(n, dtype=np.int64)
    touched = np.empty(n, dtype=bool)
    on_hand = qty[0].copy()
    short = np.empty(n, dtype=bool)
    position = np.empty(n, dtype=np.int64)
    for t in range(days):
        # (1) receive today's orders as a new lot after the occupied slots.
        arriving = pipeline[t % pipe_width]
        got = np.flatnonzero(arriving)
        if got.size:
            q = arriving[got]
            occupied = np.count_nonzero(qty[:, got], axis=0)
            pos = np.minimum(occupied, lots - 1)
            qty[pos, got] += q
            full = occupied >= lots
            expiry[pos, got] = np.where(full, expiry[pos, got], t + shelf[got])
            on_order[got] -= q
            on_hand[got] += q
            received[got] += q
            arriving[got] = 0

        # (2) serve FEFO: slot by slot (occupied slots are in expiry order), across all series.
        np.copyto(need, units[t])
        for j in range(lots):
            np.minimum(qty[j], need, out=take)
            qty[j] -= take
            need -= take
            if not need.any():
                break
        np.greater(need, 0, out=short)  # what is still needed is unmet (lost)
        stockout_days += short
        served += units[t]
        served -= need
        on_hand -= units[t]
        on_hand += need

        # (3) review: refill up to max when the position is at or below min.
        day_reviews = t % review == review - 1
        np.add(on_hand, on_order, out=position)
        ordered = np.flatnonzero(day_reviews & (position <= low))
        if ordered.size:
            q = high[ordered] - position[ordered]
            ordered, q = ordered[q > 0], q[q > 0]
            pipeline[(t + lead[ordered]) % pipe_width, ordered] += q
            on_order[ordered] += q
            trips[ordered] += 1
            if placed is not None:
                placed[t, ordered] = q

        # (4) expire lots whose last usable day is today or earlier, then compact the slots.
        #     Only series whose first slot is empty (served out) or expired need any work.
        np.less_equal(expiry[0], t, out=touched)
        touched |= qty[0] == 0
        work = np.flatnonzero(touched)
        if work.size:
            lost = _expire_and_compact(qty, expiry, work, t, slot_index)
            expired[work] += lost
            on_hand[work] -= lost
        on_hand_sum += on_hand
        if path is not None:
            path[t] = on_hand

        # Review cycles end on review days and on the last day.
        cycle_short |= short
        cycle_seen |= observed[t]
        ends = day_reviews if t < days - 1 else np.ones(n, dtype=bool)
        closing = ends & cycle_seen
        cycles += closing
        good_cycles += closing & ~cycle_short
        cycle_short &= ~ends
        cycle_seen &= ~ends

    demanded = units.sum(axis=0).astype(np.float64)
    served_f = served.astype(np.float64)
    average_on_hand = on_hand_sum / days
    return SimulationResult(
        demand=demanded,
        served=served_f,
        fill_rate=_ratio(served_f, demanded, empty=1.0),
        cycle_service_level=_ratio(good_cycles.astype(np.float64), cycles, empty=1.0),
        stockout_days=stockout_days,
        average_on_hand=average_on_hand,
        average_value=average_on_hand * policy.unit_cost,
        refill_trips=trips,
        vend_fill_ratio=_ratio(served_f, trips, empty=np.nan),
        expired_units=expired,
        censored_days=censored.sum(axis=1).astype(np.int64),
        received_units=received,
        on_hand=None if path is None else np.ascontiguousarray(path.T),
        orders=None if placed is None else np.ascontiguousarray(placed.T),
    )


def _expire_and_compact(qty: Ints, expiry: Ints, work: Ints, today: int, slot_index: Ints) -> Ints:
    """Remove the expired lots of series ``work`` and shift their occupied slots to slot 0.

    Returns the units expired per series of ``work``. FEFO empties slots from the front of the
    occupied run and expiry removes a prefix of it (slots are in expiry order), so the occupied
    slots stay one contiguous run; a series whose first slot holds stock that is not expired
    needs neither step, which is why the caller passes only the others.
    """
    held = qty[:, work]
    dates = expiry[:, work]
    dead = (dates <= today) & (held > 0)
    lost: Ints = np.where(dead, held, 0).sum(axis=0)
    held[dead] = 0
    first = np.argmax(held > 0, axis=0)
    source = slot_index + first
    inside = source < qty.shape[0]
    np.minimum(source, qty.shape[0] - 1, out=source)
    qty[:, work] = np.where(inside, np.take_along_axis(held, source, axis=0), 0)
    expiry[:, work] = np.take_along_axis(dates, source, axis=0)
    return lost


def _ratio(top: Floats, bottom: Floats | Ints, *, empty: float) -> Floats:
    out = np.full(top.shape, empty, dtype=np.float64)
    np.divide(top, bottom, out=out, where=bottom > 0)
    return out


def _require(ok: Bools, field: str, reason: str) -> None:
    if not bool(np.all(ok)):
        raise InvalidValue(field, reason)
