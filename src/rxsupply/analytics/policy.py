"""Stock policies from demand: ADC min/max (PAR) and storeroom reorder point / order-up-to.

Conventions (the simulator in :mod:`rxsupply.analytics.simulation` uses the same):

- Review happens at the end of a day every ``R`` days; a refill or order placed then arrives
  at the start of the day ``L`` days later (``L = 1``: next morning, before that day's
  demand). A location orders when its inventory position (on hand + on order) is **at or
  below min** and orders up to max.
- So the stock after a review that did not order (position ``min + 1`` at worst) must cover
  the demand of the next ``P = R + L - 1`` days, the *protection interval*. With ``D_P`` that
  demand: ``min = q - 1`` where ``q`` is the smallest level with
  ``P(D_P <= q) >= target`` (cycle service level), or with
  ``E[(D_P - q)+] <= (1 - target) x mean demand per cycle`` (fill rate; the usual
  approximation that counts the shortage at the end of the interval only).
- Order quantity ``Q``: the economic order quantity ``sqrt(2 K D / h)`` (``K`` the cost of
  one purchase order line for a storeroom, of one refill trip for a pocket; ``D`` annual
  units; ``h`` holding cost per unit-year = holding rate x unit cost), at least a review
  period's demand, at most ``max_days_of_supply`` days of demand (90), rounded up to whole
  case packs for a storeroom; a review period's demand when the cost is unknown.
- ADC pockets: ``max = min + Q``, capped by the pocket's capacity (min lowered below it when
  needed), whole units, and a stocked pocket's min never below one (min 0 means an empty
  pocket before every refill: a STAT trip each time).
- The min meeting the target is then raised while one unit more costs less to hold than the
  stock-out days it saves (``stockout_cost`` money per day a pocket or a storeroom line is
  out: :class:`WardCosts`).
- Storeroom: ``reorder point = min`` against the wholesaler's lead time and
  ``order-up-to = reorder point + Q``, Q in whole case packs, the order-up-to at most the
  class's days-of-supply ceiling, and Q at most what is used within the expected shelf life.
- Safety stock is ``min - mean demand over P``: what the min holds beyond the demand expected
  before the next order can arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.calibration import (
    along_level,
    at_forecast_level,
    below_forecast,
    calibrated_min,
    expected_measures,
    skips_a_reorder,
    steady_use_floor,
)
from rxsupply.analytics.demand import Floats
from rxsupply.analytics.leadtime import IntervalDemand

Ints = NDArray[np.int64]
Labels = NDArray[np.str_]
MEASURES = ("fill-rate", "cycle", "days")
"""Service measures: the fill rate (units served of units demanded), the cycle service level
(review cycles without a shortage) and ``days``, the share of days without a stock-out (one
less the chance of an empty-pocket day)."""


def analytic_measure(measure: str, target: Floats, review: Ints) -> tuple[str, Floats]:
    """The measure and target the analytic model works with: a share of days without a
    stock-out of ``T`` is about a cycle service level of ``1 - R (1 - T)`` (a cycle with a
    shortage has at least one empty day among its ``R``)."""
    if measure != "days":
        return measure, target
    cycle = 1.0 - np.maximum(review, 1) * (1.0 - target)
    return "cycle", np.asarray(np.clip(cycle, 0.5, 0.9999), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Targets:
    """Service-level targets by ABC class and criticality (vital overrides the class).

    A series whose lifecycle is *dead* (no use for the dead-days threshold) and that is not
    vital gets no stock at all, a do-not-stock recommendation, unless ``stock_dead``."""

    measure: str = "fill-rate"
    by_class: dict[str, float] = field(default_factory=lambda: {"A": 0.95, "B": 0.97, "C": 0.98})
    vital: float = 0.995
    non_essential_discount: float = 0.03
    stock_dead: bool = False

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"service measure must be one of {', '.join(MEASURES)}")
        for level in [*self.by_class.values(), self.vital]:
            if not 0.5 <= level < 1.0:
                raise ValueError(f"a service level must lie in [0.5, 1): got {level}")

    @classmethod
    def single(cls, level: float, measure: str = "fill-rate") -> Targets:
        return cls(
            measure=measure,
            by_class=dict.fromkeys("ABC", level),
            vital=level,
            non_essential_discount=0.0,
        )

    def keeping(self, stock_dead: bool) -> Targets:
        """These targets, keeping dead series in stock or not."""
        return replace(self, stock_dead=stock_dead)

    def for_series(self, abc: Labels, criticality: Labels) -> Floats:
        base = np.array([self.by_class.get(str(c), self.by_class["C"]) for c in abc.tolist()])
        out = np.where(criticality == "vital", np.maximum(base, self.vital), base)
        out = np.where(criticality == "non-essential", out - self.non_essential_discount, out)
        return np.asarray(np.clip(out, 0.5, 0.9999), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class WardCosts:
    """What running out and stocking cost, as the wards and the storeroom see them.

    A stock-out day (a pocket asked for a dose it does not hold, or a storeroom line out)
    costs a STAT trip, an override and a delayed dose: ``pocket_stockout`` money at a pocket,
    ``storeroom_stockout`` at a storeroom or satellite (an emergency order, a borrowed dose),
    times ``vital_factor`` for a vital item and ``controlled_factor`` for a controlled
    substance (a witnessed override, a count). A storeroom line out costs three pocket-days:
    every pocket it refills waits, and the buyer places an emergency order or borrows.
    ``ceiling_days`` caps a storeroom's max at that many days of supply by ABC class
    (wholesalers deliver daily; pharmacy benchmarks expect 8 to 14 inventory turns a year)."""

    pocket_stockout: float = 50.0
    storeroom_stockout: float = 150.0
    vital_factor: float = 4.0
    controlled_factor: float = 2.0
    ceiling_days: dict[str, int] = field(default_factory=lambda: {"A": 14, "B": 30, "C": 60})

    def __post_init__(self) -> None:
        for name in ("pocket_stockout", "storeroom_stockout"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be a cost of 0 or more")
        for name in ("vital_factor", "controlled_factor"):
            if not getattr(self, name) >= 1:
                raise ValueError(f"{name} must be 1 or more")
        if any(days < 1 for days in self.ceiling_days.values()):
            raise ValueError("a days-of-supply ceiling must be a day or more")

    def stockout_cost(
        self,
        *,
        storeroom: NDArray[np.bool_],
        vital: NDArray[np.bool_],
        controlled: NDArray[np.bool_],
    ) -> Floats:
        """Money per stock-out day, per series."""
        base = np.where(storeroom, self.storeroom_stockout, self.pocket_stockout)
        base = base * np.where(vital, self.vital_factor, 1.0)
        return np.asarray(base * np.where(controlled, self.controlled_factor, 1.0), dtype=float)

    def ceilings(self, abc: Labels, storeroom: NDArray[np.bool_]) -> Ints:
        """Days-of-supply ceiling per series: by class at a storeroom, none (0) elsewhere."""
        fallback = max(self.ceiling_days.values(), default=0)
        days = np.array([self.ceiling_days.get(str(c), fallback) for c in abc.tolist()])
        return np.asarray(np.where(storeroom, days, 0), dtype=np.int64).reshape(abc.shape)


TARGETS_ONLY = WardCosts(pocket_stockout=0.0, storeroom_stockout=0.0)
"""No costs of running out: levels at the service targets alone."""


@dataclass(frozen=True, slots=True)
class Setting:
    """Where and how each series is replenished, and what it costs.

    ``stockout_cost`` (money per stock-out day, per series; none: service targets only),
    ``shelf_life_days`` (expected shelf life at receipt; 0 unknown), ``ceiling_days`` (the
    days-of-supply ceiling of a max; 0 none) and ``least_min`` (the lowest min of a stocked
    series: 1 at an ADC pocket, where min 0 means an empty pocket before every refill) are
    optional."""

    lead_time_days: Ints
    review_period_days: Ints
    capacity: Ints  # 0 = no limit
    vital: NDArray[np.bool_]
    unit_cost: Floats
    case_pack: Ints  # 1 for pockets
    storeroom: NDArray[np.bool_]
    order_cost: float = 4.0  # money per purchase order line (EDI line, receiving)
    refill_cost: float = 1.5  # money per pocket refill (a technician's minutes)
    holding_rate: float = 0.25  # share of unit cost per year
    max_days_of_supply: int = 90  # an order or refill never brings more than this
    stockout_cost: Floats | None = None
    shelf_life_days: Ints | None = None
    ceiling_days: Ints | None = None
    least_min: Ints | None = None

    def take(self, rows: Ints) -> Setting:
        """The settings of some series only."""
        values: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            values[f.name] = v[rows] if isinstance(v, np.ndarray) else v
        return Setting(**values)

    @staticmethod
    def concat(parts: list[Setting]) -> Setting:
        first = parts[0]
        values: dict[str, Any] = {}
        for f in fields(first):
            v = getattr(first, f.name)
            if isinstance(v, np.ndarray):
                values[f.name] = np.concatenate([getattr(p, f.name) for p in parts])
            else:
                values[f.name] = v
        return Setting(**values)

    def protection_days(self) -> Ints:
        days = np.maximum(1, self.review_period_days + self.lead_time_days - 1)
        return np.asarray(days, dtype=np.int64)

    def stockout_costs(self) -> Floats:
        """Money per stock-out day, per series (zero when none was given)."""
        return np.asarray(self._or_zero(self.stockout_cost), dtype=np.float64)

    def ceilings_days(self) -> Ints:
        """Days-of-supply ceiling per series (0: none)."""
        return np.asarray(self._or_zero(self.ceiling_days), dtype=np.int64)

    def least_mins(self) -> Ints:
        """The lowest min of a stocked series (0: none)."""
        return np.asarray(self._or_zero(self.least_min), dtype=np.int64)

    def shelf_lives(self) -> Ints:
        """Expected shelf life at receipt per series (0: unknown)."""
        return np.asarray(self._or_zero(self.shelf_life_days), dtype=np.int64)

    def _or_zero(self, values: NDArray[Any] | None) -> NDArray[Any]:
        """An optional per-series array, or zeros (none given) for every series."""
        return np.zeros(self.unit_cost.size) if values is None else values


@dataclass(frozen=True, slots=True)
class Levels:
    """The recommendation per series, with what it was computed from."""

    min_level: Ints
    max_level: Ints
    reorder_point: Ints
    order_up_to: Ints
    order_quantity: Ints
    safety_stock: Floats
    target: Floats
    capped: NDArray[np.bool_]
    do_not_stock: NDArray[np.bool_]
    ceiling: Ints | None = None  # the most a max may be (units; 0 none), storerooms
    fill_rate: Floats | None = None  # the service these levels achieve: replayed, or the model's
    cycle_service: Floats | None = None
    empty_day_chance: Floats | None = None

    @staticmethod
    def concat(parts: list[Levels]) -> Levels:
        values: dict[str, Any] = {}
        for f in fields(Levels):
            got = [getattr(p, f.name) for p in parts]
            values[f.name] = None if any(g is None for g in got) else np.concatenate(got)
        return Levels(**values)

    def taken_out(self, rows: NDArray[np.bool_]) -> Levels:
        """These levels with the series where ``rows`` is set taken out of stock: every level
        zero, nothing ordered (a do-not-stock recommendation)."""
        zero = np.zeros_like(self.min_level)
        return Levels(
            min_level=np.where(rows, zero, self.min_level),
            max_level=np.where(rows, zero, self.max_level),
            reorder_point=np.where(rows, zero, self.reorder_point),
            order_up_to=np.where(rows, zero, self.order_up_to),
            order_quantity=np.where(rows, zero, self.order_quantity),
            safety_stock=np.where(rows, 0.0, self.safety_stock),
            target=self.target,
            capped=self.capped & ~rows,
            do_not_stock=self.do_not_stock | rows,
            ceiling=None if self.ceiling is None else np.where(rows, 0, self.ceiling),
            fill_rate=_out(self.fill_rate, rows, 1.0),
            cycle_service=_out(self.cycle_service, rows, 1.0),
            empty_day_chance=_out(self.empty_day_chance, rows, 0.0),
        )


def _out(values: Floats | None, rows: NDArray[np.bool_], fill: float) -> Floats | None:
    """``values`` with the series taken out of stock at ``fill`` (nothing demanded there
    counts as served)."""
    return None if values is None else np.where(rows, fill, values)


def levels(
    *,
    daily_mean: Floats,
    interval: IntervalDemand,
    setting: Setting,
    target: Floats,
    measure: str,
    textbook: bool = False,
    history: Floats | None = None,
) -> Levels:
    """Min/max for pockets, reorder point/order-up-to for storerooms, per series.

    The min is the smallest level meeting the target with the stock position spread over the
    order cycle (:meth:`IntervalDemand.smallest_min`); given the series' ``history`` (censored
    days filled), the smallest that meets the target when that history, rescaled to the
    forecast's level (:func:`at_forecast_level`), is replayed against it instead
    (:func:`rxsupply.analytics.calibration.calibrated_min`, which has none of the model's
    approximations on lumpy demand), and for a series whose level moved (a trend, or steps)
    also when it is replayed along it (:func:`rxsupply.analytics.calibration.along_level`),
    and for one whose reorder can be skipped also a tenth below the forecast
    (:func:`rxsupply.analytics.calibration.skips_a_reorder`), and no lower than steady use
    just under its order asks (:func:`rxsupply.analytics.calibration.steady_use_floor`);
    then raised while a unit more costs less to hold than the stock-out days it saves
    (:meth:`IntervalDemand.cheapest_min`, with the setting's stock-out costs). With
    ``textbook`` it is the classic single-point rule instead: the position at the reorder
    point exactly, expected shortage
    ``E[(D - (min + 1))+] <= (1 - target) x Q`` or ``P(D <= min + 1) >= target``, and no
    costs of running out.

    A stocked pocket never gets min 0 (the setting's ``least_min``): an empty pocket before
    every refill is a STAT trip each time (min 0 is for do-not-stock recommendations only,
    :meth:`Levels.taken_out`).
    What one order or refill brings is at most ``max_days_of_supply`` days of demand, at
    most what is used within the expected shelf life at receipt, and at a storeroom in whole
    case packs with the max at most its days-of-supply ceiling (or the reorder point plus one
    case pack, when a case pack alone is more than that)."""
    if measure not in MEASURES:
        raise ValueError(f"service measure must be one of {', '.join(MEASURES)}")
    review = setting.review_period_days
    store = setting.storeroom
    n = daily_mean.size
    cycle = np.maximum(1, np.ceil(daily_mean * review - 1e-9)).astype(np.int64)
    eoq = economic_order_quantity(
        annual_units=daily_mean * 365.0,
        unit_cost=setting.unit_cost,
        order_cost=np.where(store, setting.order_cost, setting.refill_cost),
        holding_rate=setting.holding_rate,
        case_pack=setting.case_pack,
    )
    # no known cost, no economic quantity: a review period's demand
    eoq = np.where(setting.unit_cost > 0, eoq, cycle)
    pack = np.maximum(np.where(store, setting.case_pack, 1), 1).astype(np.int64)
    # an order never brings more than max_days_of_supply days of demand, nor more than is
    # used within the shelf life (whole packs, at least one)
    days_cap = np.full(n, float(setting.max_days_of_supply))
    shelf = setting.shelf_lives()
    days_cap = np.where(shelf > 0, np.minimum(days_cap, shelf), days_cap)
    supply = np.floor(daily_mean * days_cap / pack + 1e-9) * pack
    eoq = np.minimum(eoq, np.maximum(supply, pack)).astype(np.int64)
    quantity = np.maximum(eoq, np.where(store, pack, np.minimum(cycle, np.maximum(supply, 1))))
    # a pocket's capacity limits the quantity a refill can bring: max = min + Q <= capacity
    room = np.where((setting.capacity > 0) & ~store, setting.capacity, np.iinfo(np.int64).max)
    ceiling_days = setting.ceilings_days()
    ceiling_base = np.where(ceiling_days > 0, np.floor(daily_mean * ceiling_days + 1e-9), 0)
    per_period = daily_mean * review
    floor = setting.least_mins()  # a stocked pocket never gets min 0
    stocked = (daily_mean > 0) | (floor > 0)

    def fitted(m: Ints) -> Ints:
        """The quantity an order may bring above min ``m``: the capacity and the ceiling."""
        q = np.maximum(1, np.minimum(quantity, room - m))
        limit = np.maximum(ceiling_base, m + pack)
        room_left = np.floor((limit - m) / pack) * pack
        q = np.where(ceiling_days > 0, np.minimum(q, np.maximum(room_left, pack)), q)
        return np.asarray(q, dtype=np.int64)

    model, model_target = analytic_measure(measure, target, review)
    scaled = None if history is None or textbook else at_forecast_level(history, daily_mean)
    moved = None if history is None or textbook else along_level(history, daily_mean)
    if textbook:
        q1 = fitted(np.zeros(n, dtype=np.int64))
        if model == "cycle":
            q = interval.quantile(model_target)
        else:
            q = interval.smallest_with_loss_at_most((1.0 - model_target) * q1)
        min_level = q - 1
    else:
        min_level = np.zeros(n, dtype=np.int64)
        for _ in range(2):  # the min depends on Q, and Q (capacity, ceiling) on the min
            q = fitted(np.maximum(min_level, floor))
            min_level = interval.smallest_min(
                target=model_target, order_quantity=q, per_period=per_period, measure=model
            )
        if scaled is not None and moved is not None:
            q = fitted(np.maximum(min_level, floor))

            def replayed(rows: Ints, on: Floats) -> Ints:
                return calibrated_min(
                    on,
                    start=min_level[rows],
                    order_quantity=q[rows],
                    lead_time_days=setting.lead_time_days[rows],
                    review_period_days=review[rows],
                    target=target[rows],
                    measure=measure,
                )

            live = np.flatnonzero(stocked)
            calibrated = replayed(live, scaled[live])
            # a series whose level moved must also meet the target replayed along it
            again = np.flatnonzero(moved[1][live])
            if again.size:
                along = replayed(live[again], moved[0][live[again]])
                calibrated[again] = np.maximum(calibrated[again], along)
            # a series whose reorder can be skipped must also meet it on a little less use
            skippable = np.flatnonzero(
                skips_a_reorder(
                    q[live], daily_mean[live], setting.lead_time_days[live], review[live]
                )
            )
            lower, changed = below_forecast(scaled[live[skippable]], moved, live[skippable])
            short = skippable[changed]
            if short.size:
                less = replayed(live[short], lower[changed])
                calibrated[short] = np.maximum(calibrated[short], less)
            # and hold what steady use just under its order asks
            steady = live[skippable]
            calibrated[skippable] = np.maximum(
                calibrated[skippable],
                steady_use_floor(
                    daily_mean[steady],
                    review[steady],
                    setting.lead_time_days[steady],
                    target[steady],
                ),
            )
            min_level[live] = calibrated
        min_level = np.maximum(min_level, floor)
        costs = setting.stockout_costs()
        if np.any(costs > 0):
            holding = setting.holding_rate * setting.unit_cost * review / 365.0
            min_level = interval.cheapest_min(
                start=min_level,
                order_quantity=fitted(min_level),
                per_period=per_period,
                holding=holding,
                stockout=costs,
                limit=np.where((setting.capacity > 0) & ~store, setting.capacity - 1, -1),
            )
    min_level = np.where(stocked, min_level, 0)
    lowest = np.where(setting.vital, 1, 0)
    min_level = np.maximum(min_level, lowest if textbook else np.maximum(lowest, floor))
    wanted = quantity  # what an order would bring with no capacity or ceiling
    quantity = fitted(min_level)
    max_level = min_level + quantity
    capacity = setting.capacity
    limited = (capacity > 0) & ~store
    capped = limited & (max_level > capacity)
    max_level = np.where(capped, capacity, max_level)
    min_level = np.where(limited, np.minimum(min_level, np.maximum(capacity - 1, 0)), min_level)
    min_level = np.where(setting.vital, np.maximum(min_level, 1), min_level)
    max_level = np.maximum(max_level, np.where(setting.vital, 1, 0))
    max_level = np.maximum(max_level, min_level + np.where(capped, 0, 1))
    ceiling = np.where(ceiling_days > 0, np.maximum(ceiling_base, min_level + pack), 0)
    safety = min_level - daily_mean * setting.protection_days()
    order_quantity = np.maximum(max_level - min_level, 1)
    service = interval.service(
        min_level=min_level.astype(np.int64), order_quantity=order_quantity, per_period=per_period
    )
    fill, cycle_service = service.fill_rate, service.cycle_service
    empty_day = (1.0 - cycle_service) / np.maximum(review, 1)
    if scaled is not None:
        # what the levels are expected to achieve: the series' own history, replayed
        expected = expected_measures(
            scaled,
            along=moved,
            below=skips_a_reorder(order_quantity, daily_mean, setting.lead_time_days, review),
            min_level=min_level.astype(np.int64),
            order_quantity=order_quantity,
            lead_time_days=setting.lead_time_days,
            review_period_days=review,
        )
        fill, cycle_service = expected["fill-rate"], expected["cycle"]
        empty_day = 1.0 - expected["days"]
    return Levels(
        min_level=min_level.astype(np.int64),
        max_level=max_level.astype(np.int64),
        reorder_point=min_level.astype(np.int64),
        order_up_to=max_level.astype(np.int64),
        order_quantity=(max_level - min_level).astype(np.int64),
        safety_stock=np.asarray(safety, dtype=np.float64),
        target=target,
        # what the explanation says: the capacity, not the order quantity, set the max (every
        # max ``capped`` above lands on the capacity, and its min with ``wanted`` passes it)
        capped=limited & (max_level >= capacity) & (min_level + wanted > capacity),
        do_not_stock=np.zeros(min_level.size, dtype=bool),
        ceiling=ceiling.astype(np.int64),
        fill_rate=fill,
        cycle_service=cycle_service,
        empty_day_chance=empty_day,
    )


def economic_order_quantity(
    *,
    annual_units: Floats,
    unit_cost: Floats,
    order_cost: float | Floats,
    holding_rate: float,
    case_pack: Ints,
) -> Ints:
    """EOQ ``sqrt(2 K D / h)`` in units, rounded up to whole case packs (at least one)."""
    h = np.maximum(holding_rate * unit_cost, 1e-9)
    eoq = np.sqrt(2.0 * order_cost * np.maximum(annual_units, 0.0) / h)
    pack = np.maximum(case_pack, 1)
    return (np.maximum(1, np.ceil(eoq / pack - 1e-9)) * pack).astype(np.int64)
