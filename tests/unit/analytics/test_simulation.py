"""The vectorised (min, max) replay against a plain-Python one, stockpyl, and worked examples."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stockpyl import sim as sp_sim
from stockpyl import supply_chain_network as sp_network

from rxsupply.analytics.simulation import Policy, SimulationResult, simulate
from rxsupply.errors import InvalidValue

NAN = math.nan

# stockpyl ships no type hints; these typed handles are the oracle's entry points.
Oracle = Callable[..., Any]
sp_single_stage_system: Oracle = sp_network.single_stage_system
sp_simulation: Oracle = sp_sim.simulation


def _policy(
    *,
    min_level: list[int],
    max_level: list[int],
    lead_time_days: list[int] | int = 1,
    review_period_days: list[int] | int = 1,
    unit_cost: list[float] | float = 1.0,
    shelf_life_days: list[int] | int = 10_000,
    initial_on_hand: list[int] | None = None,
) -> Policy:
    n = len(min_level)

    def ints(x: list[int] | int) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.broadcast_to(np.asarray(x, dtype=np.int64), (n,)).copy()

    return Policy(
        min_level=ints(min_level),
        max_level=ints(max_level),
        lead_time_days=ints(lead_time_days),
        review_period_days=ints(review_period_days),
        unit_cost=np.broadcast_to(np.asarray(unit_cost, dtype=np.float64), (n,)).copy(),
        shelf_life_days=ints(shelf_life_days),
        initial_on_hand=None if initial_on_hand is None else ints(initial_on_hand),
    )


def _demand(rows: list[list[float]] | list[list[int]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array(rows, dtype=np.float64)


# --- A plain-Python reference: one series, a list of lots, a loop over days -----------------


@dataclass
class Reference:
    demand: int = 0
    served: int = 0
    stockout_days: int = 0
    trips: int = 0
    expired: int = 0
    received: int = 0
    censored: int = 0
    path: list[int] = field(default_factory=list)
    cycle_service_level: float = 1.0
    unmet_by_day: list[int] = field(default_factory=list)


def _reference(
    demand: list[float],
    *,
    s: int,
    big_s: int,
    lead: int,
    review: int,
    shelf: int,
    initial: int,
    slots: int,
) -> Reference:
    out = Reference()
    lots: list[list[int]] = [[initial, shelf]] if initial > 0 else []  # [quantity, expiry day]
    arrivals: dict[int, int] = {}
    on_order = 0
    cycle_seen: dict[int, bool] = {}
    cycle_short: dict[int, bool] = {}
    for t, d in enumerate(demand):
        q = arrivals.pop(t, 0)
        if q:
            if len(lots) < slots:
                lots.append([q, t + shelf])
            else:
                max(lots, key=lambda lot: lot[1])[0] += q
            on_order -= q
            out.received += q
        if math.isnan(d):
            out.censored += 1
            units = 0
        else:
            units = round(d)
        out.demand += units
        left = units
        for lot in sorted(lots, key=lambda lot: lot[1]):
            take = min(lot[0], left)
            lot[0] -= take
            left -= take
        lots = [lot for lot in lots if lot[0] > 0]
        out.served += units - left
        out.unmet_by_day.append(left)
        out.stockout_days += left > 0
        cycle = t // review
        cycle_seen[cycle] = cycle_seen.get(cycle, False) or not math.isnan(d)
        cycle_short[cycle] = cycle_short.get(cycle, False) or left > 0
        if t % review == review - 1:
            position = sum(lot[0] for lot in lots) + on_order
            if position <= s and big_s - position > 0:
                arrivals[t + max(lead, 1)] = arrivals.get(t + max(lead, 1), 0) + big_s - position
                on_order += big_s - position
                out.trips += 1
        out.expired += sum(lot[0] for lot in lots if lot[1] <= t)
        lots = [lot for lot in lots if lot[1] > t]
        out.path.append(sum(lot[0] for lot in lots))
    seen = [c for c, v in cycle_seen.items() if v]
    if seen:
        out.cycle_service_level = sum(not cycle_short[c] for c in seen) / len(seen)
    return out


series_strategy = st.fixed_dictionaries(
    {
        "max": st.integers(0, 15),
        "min_gap": st.integers(0, 16),
        "lead": st.integers(0, 4),
        "review": st.integers(1, 4),
        "shelf": st.integers(0, 25),
        "initial": st.none() | st.integers(0, 20),
        "cost": st.floats(0, 50),
    }
)
day_strategy = st.one_of(st.integers(0, 6).map(float), st.just(NAN))


@settings(max_examples=200, deadline=None)
@given(
    series=st.lists(series_strategy, min_size=1, max_size=5),
    days=st.integers(1, 40),
    slots=st.integers(1, 4),
    data=st.data(),
)
def test_every_series_matches_a_plain_python_replay(
    series: list[dict[str, Any]], days: int, slots: int, data: st.DataObject
) -> None:
    rows = [data.draw(st.lists(day_strategy, min_size=days, max_size=days)) for _ in series]
    initial = [s["max"] if s["initial"] is None else s["initial"] for s in series]
    policy = _policy(
        min_level=[s["max"] - s["min_gap"] for s in series],
        max_level=[s["max"] for s in series],
        lead_time_days=[s["lead"] for s in series],
        review_period_days=[s["review"] for s in series],
        unit_cost=[s["cost"] for s in series],
        shelf_life_days=[s["shelf"] for s in series],
        initial_on_hand=None if all(s["initial"] is None for s in series) else initial,
    )

    result = simulate(_demand(rows), policy, lots=slots, keep_path=True)

    assert result.on_hand is not None
    for i, s in enumerate(series):
        ref = _reference(
            rows[i],
            s=s["max"] - s["min_gap"],
            big_s=s["max"],
            lead=s["lead"],
            review=s["review"],
            shelf=s["shelf"],
            initial=initial[i],
            slots=slots,
        )
        assert result.on_hand[i].tolist() == ref.path
        assert result.demand[i] == ref.demand
        assert result.served[i] == ref.served
        assert result.stockout_days[i] == ref.stockout_days
        assert result.refill_trips[i] == ref.trips
        assert result.expired_units[i] == ref.expired
        assert result.received_units[i] == ref.received
        assert result.censored_days[i] == ref.censored
        assert result.cycle_service_level[i] == pytest.approx(ref.cycle_service_level)
        assert result.fill_rate[i] == pytest.approx(ref.served / ref.demand if ref.demand else 1)
        assert result.average_on_hand[i] == pytest.approx(sum(ref.path) / days)
        assert result.average_value[i] == pytest.approx(sum(ref.path) / days * s["cost"])
        if ref.trips:
            assert result.vend_fill_ratio[i] == pytest.approx(ref.served / ref.trips)
        else:
            assert math.isnan(result.vend_fill_ratio[i])


@settings(max_examples=100, deadline=None)
@given(
    series=st.lists(series_strategy, min_size=1, max_size=6),
    days=st.integers(1, 60),
    slots=st.integers(1, 8),
    data=st.data(),
)
def test_stock_is_never_negative_and_is_conserved(
    series: list[dict[str, Any]], days: int, slots: int, data: st.DataObject
) -> None:
    rows = [
        data.draw(st.lists(st.integers(0, 30).map(float), min_size=days, max_size=days))
        for _ in series
    ]
    policy = _policy(
        min_level=[s["max"] - s["min_gap"] for s in series],
        max_level=[s["max"] for s in series],
        lead_time_days=[s["lead"] for s in series],
        review_period_days=[s["review"] for s in series],
        shelf_life_days=[s["shelf"] for s in series],
    )

    result = simulate(_demand(rows), policy, lots=slots, keep_path=True)

    assert result.on_hand is not None
    assert (result.on_hand >= 0).all()
    assert (result.served <= result.demand).all()
    unmet = result.demand - result.served
    assert ((unmet > 0) == (result.stockout_days > 0)).all()
    assert (unmet >= 0).all()
    assert (result.served + unmet == result.demand).all()
    initial = policy.max_level
    balance = initial + result.received_units - result.served - result.expired_units
    np.testing.assert_array_equal(balance, result.on_hand[:, -1])


# --- stockpyl: the same (s, S) replay where our conventions meet ------------------------------
#
# stockpyl's single-stage simulation ('sS' policy, deterministic demand list 'D') reviews every
# period, backorders unmet demand and never expires stock. In period t it computes the position
# after the period's demand, orders, and receives in period t + L (L >= 1) before that period's
# demand: our day order for R = 1 and L >= 1. So with daily review, a shelf life longer than
# the horizon and a min high enough that nothing is ever short (then lost sales and backorders
# coincide), stockpyl's ending inventory level must equal our end-of-day on hand, day by day,
# and its orders our refill trips. With a stock-out the two models part ways by design
# (backorders raise stockpyl's later orders; a lost sale does not), so no comparison there.


@settings(max_examples=25, deadline=None)
@given(
    lead=st.integers(1, 4),
    peak=st.integers(1, 6),
    spread=st.integers(1, 20),
    extra=st.integers(0, 10),
    data=st.data(),
)
def test_daily_replay_without_stockouts_matches_stockpyl(
    lead: int, peak: int, spread: int, extra: int, data: st.DataObject
) -> None:
    demand = data.draw(st.lists(st.integers(0, peak), min_size=30, max_size=30))
    s = (lead + 1) * peak + extra  # covers the lead time: no stock-out can happen
    big_s = s + spread
    network = sp_single_stage_system(
        holding_cost=1,
        stockout_cost=1,
        demand_type="D",
        demand_list=demand,
        policy_type="sS",
        reorder_point=s,
        order_up_to_level=big_s,
        shipment_lead_time=lead,
        initial_inventory_level=big_s,
    )
    sp_simulation(network, len(demand), progress_bar=False, consistency_checks="N")
    node = network.nodes[0]
    theirs_level = [node.state_vars[t].inventory_level[node.product_indices[0]] for t in range(30)]
    theirs_orders = [
        sum(q for by_rm in node.state_vars[t].order_quantity.values() for q in by_rm.values())
        for t in range(30)
    ]

    ours = simulate(
        _demand([demand]),
        _policy(min_level=[s], max_level=[big_s], lead_time_days=lead),
        keep_path=True,
    )

    assert ours.stockout_days[0] == 0
    assert ours.on_hand is not None
    assert ours.on_hand[0].tolist() == [round(x) for x in theirs_level]
    assert ours.refill_trips[0] == sum(q > 0 for q in theirs_orders)
    assert ours.received_units[0] + big_s - ours.on_hand[0, -1] == sum(demand)


# --- Worked examples ------------------------------------------------------------------------


def test_fefo_serves_the_old_lot_first_and_expires_what_is_left() -> None:
    policy = _policy(min_level=[4], max_level=[10], lead_time_days=2, shelf_life_days=3)
    demand = _demand([[3, 3, 0, 2, 0]])

    result = simulate(demand, policy, keep_path=True)

    # Day 1 ends at 4 <= min: 6 ordered, in on day 3 with expiry day 6. Day 3's 2 units come
    # from the initial lot (expiry day 3), whose other 2 units expire that evening.
    assert result.on_hand is not None
    assert result.on_hand.tolist() == [[7, 4, 4, 6, 6]]
    assert result.expired_units.tolist() == [2]
    assert result.received_units.tolist() == [6]
    assert result.refill_trips.tolist() == [1]
    assert result.fill_rate.tolist() == [1.0]


def test_demand_beyond_stock_is_lost_not_backordered() -> None:
    policy = _policy(min_level=[1], max_level=[5], lead_time_days=1, unit_cost=2.0)
    demand = _demand([[7, 2, 0]])

    result = simulate(demand, policy, keep_path=True)

    assert result.on_hand is not None
    assert result.on_hand.tolist() == [[0, 3, 3]]
    assert result.served.tolist() == [7.0]
    assert result.fill_rate[0] == pytest.approx(7 / 9)
    assert result.stockout_days.tolist() == [1]
    assert result.cycle_service_level[0] == pytest.approx(2 / 3)
    assert result.refill_trips.tolist() == [1]
    assert result.vend_fill_ratio.tolist() == [7.0]
    assert result.average_on_hand[0] == pytest.approx(2.0)
    assert result.average_value[0] == pytest.approx(4.0)


def test_censored_days_carry_no_demand_and_a_censored_cycle_is_not_counted() -> None:
    policy = _policy(min_level=[0], max_level=[5], review_period_days=2)
    demand = _demand([[NAN, NAN, 9, NAN]])

    result = simulate(demand, policy)

    assert result.censored_days.tolist() == [3]
    assert result.demand.tolist() == [9.0]
    assert result.served.tolist() == [5.0]
    assert result.cycle_service_level.tolist() == [0.0]


def test_a_full_set_of_lot_slots_merges_the_receipt_into_the_latest_lot_keeping_its_expiry() -> (
    None
):
    policy = _policy(
        min_level=[2], max_level=[4], lead_time_days=1, shelf_life_days=3, initial_on_hand=[2]
    )
    demand = _demand([[1, 0, 0, 0]])

    one_slot = simulate(demand, policy, lots=1, keep_path=True)
    two_slots = simulate(demand, policy, lots=2, keep_path=True)

    assert one_slot.on_hand is not None
    assert two_slots.on_hand is not None
    assert one_slot.on_hand.tolist() == [[1, 4, 4, 0]]
    assert one_slot.expired_units.tolist() == [4]
    assert two_slots.on_hand.tolist() == [[1, 4, 4, 3]]
    assert two_slots.expired_units.tolist() == [1]


def test_a_lead_time_of_zero_days_behaves_like_one_day() -> None:
    demand = _demand([[4, 1, 5, 0, 3, 6, 2, 2]])
    same_day = _policy(min_level=[3], max_level=[8], lead_time_days=0)
    next_day = _policy(min_level=[3], max_level=[8], lead_time_days=1)

    zero = simulate(demand, same_day, keep_path=True)
    one = simulate(demand, next_day, keep_path=True)

    assert zero.on_hand is not None
    assert one.on_hand is not None
    assert zero.on_hand.tolist() == one.on_hand.tolist()
    assert zero.refill_trips.tolist() == one.refill_trips.tolist()


def test_a_series_reviews_only_at_the_end_of_each_review_period() -> None:
    policy = _policy(min_level=[9], max_level=[10], lead_time_days=1, review_period_days=3)
    demand = _demand([[1, 1, 1, 1, 1, 1, 1]])

    result = simulate(demand, policy, keep_path=True)

    # Reviews close days 2 and 5; each refill arrives the next morning.
    assert result.on_hand is not None
    assert result.on_hand.tolist() == [[9, 8, 7, 9, 8, 7, 9]]
    assert result.refill_trips.tolist() == [2]


def test_series_are_independent_of_the_others_in_the_matrix() -> None:
    rng = np.random.default_rng(7)
    demand = rng.poisson(2.0, size=(30, 50)).astype(np.float64)
    demand[rng.random(demand.shape) < 0.1] = NAN
    policy = _policy(
        min_level=rng.integers(0, 8, 30).tolist(),
        max_level=rng.integers(8, 20, 30).tolist(),
        lead_time_days=rng.integers(0, 5, 30).tolist(),
        review_period_days=rng.integers(1, 4, 30).tolist(),
        shelf_life_days=rng.integers(2, 30, 30).tolist(),
    )

    together = simulate(demand, policy, lots=3)

    for i in range(30):
        alone = simulate(demand[i : i + 1], _row(policy, i), lots=3)
        for name in ("served", "stockout_days", "expired_units", "refill_trips"):
            assert getattr(alone, name)[0] == getattr(together, name)[i]


def _row(policy: Policy, i: int) -> Policy:
    return Policy(
        min_level=policy.min_level[i : i + 1],
        max_level=policy.max_level[i : i + 1],
        lead_time_days=policy.lead_time_days[i : i + 1],
        review_period_days=policy.review_period_days[i : i + 1],
        unit_cost=policy.unit_cost[i : i + 1],
        shelf_life_days=policy.shelf_life_days[i : i + 1],
    )


def test_totals_weight_the_fill_rate_by_units() -> None:
    policy = _policy(min_level=[1, 0], max_level=[5, 3], unit_cost=[2.0, 10.0])
    demand = _demand([[7, 2, 0], [0, 0, 0]])

    result: SimulationResult = simulate(demand, policy)
    totals = result.totals()

    assert totals["fill_rate"] == pytest.approx(7 / 9)
    assert totals["cycle_service_level"] == pytest.approx((2 / 3 + 1) / 2)
    assert totals["stockout_days"] == 1
    assert totals["average_value"] == pytest.approx(2.0 * 2 + 3.0 * 10)
    assert totals["refill_trips"] == 1
    assert totals["expired_units"] == 0


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"min_level": [6]}, "min_level"),
        ({"max_level": [-1], "min_level": [-2]}, "max_level"),
        ({"review_period_days": 0}, "review_period_days"),
        ({"lead_time_days": -1}, "lead_time_days"),
        ({"shelf_life_days": -1}, "shelf_life_days"),
        ({"unit_cost": math.inf}, "unit_cost"),
    ],
)
def test_a_policy_out_of_range_is_refused_naming_the_field(
    changes: dict[str, Any], field_name: str
) -> None:
    arguments: dict[str, Any] = {"min_level": [1], "max_level": [5], **changes}

    with pytest.raises(InvalidValue) as caught:
        _policy(**arguments)

    assert caught.value.field == field_name


def test_negative_demand_and_a_policy_of_the_wrong_size_are_refused() -> None:
    policy = _policy(min_level=[1], max_level=[5])

    with pytest.raises(InvalidValue, match="demand"):
        simulate(_demand([[1, -1]]), policy)
    with pytest.raises(InvalidValue, match="policy"):
        simulate(_demand([[1, 1], [2, 2]]), policy)
