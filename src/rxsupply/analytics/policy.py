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
  needed), whole units, and for vital items never below one.
- Storeroom: ``reorder point = min`` against the wholesaler's lead time and
  ``order-up-to = reorder point + Q``.
- Safety stock is ``min + 1 - mean demand over P`` (negative when the target needs less
  than the mean, as slow movers often do).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.demand import Floats
from rxsupply.analytics.leadtime import IntervalDemand

Ints = NDArray[np.int64]
Labels = NDArray[np.str_]
MEASURES = ("fill-rate", "cycle")


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
class Setting:
    """Where and how each series is replenished."""

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

    def take(self, rows: Ints) -> Setting:
        """The settings of some series only."""
        return Setting(
            lead_time_days=self.lead_time_days[rows],
            review_period_days=self.review_period_days[rows],
            capacity=self.capacity[rows],
            vital=self.vital[rows],
            unit_cost=self.unit_cost[rows],
            case_pack=self.case_pack[rows],
            storeroom=self.storeroom[rows],
            order_cost=self.order_cost,
            refill_cost=self.refill_cost,
            holding_rate=self.holding_rate,
            max_days_of_supply=self.max_days_of_supply,
        )

    @staticmethod
    def concat(parts: list[Setting]) -> Setting:
        first = parts[0]
        return Setting(
            lead_time_days=np.concatenate([p.lead_time_days for p in parts]),
            review_period_days=np.concatenate([p.review_period_days for p in parts]),
            capacity=np.concatenate([p.capacity for p in parts]),
            vital=np.concatenate([p.vital for p in parts]),
            unit_cost=np.concatenate([p.unit_cost for p in parts]),
            case_pack=np.concatenate([p.case_pack for p in parts]),
            storeroom=np.concatenate([p.storeroom for p in parts]),
            order_cost=first.order_cost,
            refill_cost=first.refill_cost,
            holding_rate=first.holding_rate,
            max_days_of_supply=first.max_days_of_supply,
        )

    def protection_days(self) -> Ints:
        days = np.maximum(1, self.review_period_days + self.lead_time_days - 1)
        return np.asarray(days, dtype=np.int64)


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

    @staticmethod
    def concat(parts: list[Levels]) -> Levels:
        return Levels(
            **{name: np.concatenate([getattr(p, name) for p in parts]) for name in Levels.__slots__}
        )

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
        )


def levels(
    *,
    daily_mean: Floats,
    interval: IntervalDemand,
    setting: Setting,
    target: Floats,
    measure: str,
    textbook: bool = False,
) -> Levels:
    """Min/max for pockets, reorder point/order-up-to for storerooms, per series.

    The min is the smallest level meeting the target with the stock position spread over the
    order cycle (:meth:`IntervalDemand.smallest_min`). With ``textbook`` it is the classic
    single-point rule instead: the position at the reorder point exactly, expected shortage
    ``E[(D - (min + 1))+] <= (1 - target) x Q`` or ``P(D <= min + 1) >= target``."""
    if measure not in MEASURES:
        raise ValueError(f"service measure must be one of {', '.join(MEASURES)}")
    review = setting.review_period_days
    store = setting.storeroom
    cycle = np.maximum(1, np.ceil(daily_mean * review - 1e-9)).astype(np.int64)
    eoq = economic_order_quantity(
        annual_units=daily_mean * 365.0,
        unit_cost=setting.unit_cost,
        order_cost=np.where(store, setting.order_cost, setting.refill_cost),
        holding_rate=setting.holding_rate,
        case_pack=setting.case_pack,
    )
    # no known cost, no economic quantity: a review period's demand; and never more than
    # max_days_of_supply days of demand (in whole case packs), whatever the EOQ says
    eoq = np.where(setting.unit_cost > 0, eoq, cycle)
    pack = np.maximum(np.where(store, setting.case_pack, 1), 1)
    supply = np.ceil(daily_mean * setting.max_days_of_supply / pack - 1e-9) * pack
    eoq = np.minimum(eoq, np.maximum(supply, pack)).astype(np.int64)
    quantity = np.maximum(eoq, np.where(store, 1, cycle))
    # a pocket's capacity limits the quantity a refill can bring: max = min + Q <= capacity
    room = np.where((setting.capacity > 0) & ~store, setting.capacity, np.iinfo(np.int64).max)
    q1 = np.maximum(1, np.minimum(quantity, room - 1))
    if textbook:
        if measure == "cycle":
            q = interval.quantile(target)
        else:
            q = interval.smallest_with_loss_at_most((1.0 - target) * q1)
        min_level = q - 1
    else:
        per_period = daily_mean * review
        first = interval.smallest_min(
            target=target, order_quantity=q1, per_period=per_period, measure=measure
        )
        q2 = np.maximum(1, np.minimum(quantity, room - first))
        min_level = interval.smallest_min(
            target=target, order_quantity=q2, per_period=per_period, measure=measure
        )
    min_level = np.where(daily_mean > 0, min_level, 0)
    min_level = np.where(setting.vital, np.maximum(min_level, 1), np.maximum(min_level, 0))
    max_level = min_level + quantity
    capacity = setting.capacity
    limited = (capacity > 0) & ~store
    capped = limited & (max_level > capacity)
    max_level = np.where(capped, capacity, max_level)
    min_level = np.where(limited, np.minimum(min_level, np.maximum(capacity - 1, 0)), min_level)
    min_level = np.where(setting.vital, np.maximum(min_level, 1), min_level)
    max_level = np.maximum(max_level, np.where(setting.vital, 1, 0))
    max_level = np.maximum(max_level, min_level + np.where(capped, 0, 1))
    safety = (min_level + 1) - daily_mean * setting.protection_days()
    return Levels(
        min_level=min_level.astype(np.int64),
        max_level=max_level.astype(np.int64),
        reorder_point=min_level.astype(np.int64),
        order_up_to=max_level.astype(np.int64),
        order_quantity=(max_level - min_level).astype(np.int64),
        safety_stock=np.asarray(safety, dtype=np.float64),
        target=target,
        capped=capped,
        do_not_stock=np.zeros(min_level.size, dtype=bool),
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
