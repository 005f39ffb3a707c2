"""The run-out projection against worked examples and a plain per-path simulation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rxsupply.analytics.runout import NEVER, days_of_supply, project, steady_history


def one(
    history: list[float], batches: list[tuple[int, int, int]], horizon: int, paths: int = 50
) -> tuple[np.ndarray, np.ndarray]:
    units = np.array([[b[0] for b in batches]])
    first = np.array([[b[1] for b in batches]])
    last = np.array([[b[2] for b in batches]])
    found = project(np.array([history]), units, first, last, horizon=horizon, paths=paths)
    return found.stockout_day[0], found.shortfall[0]


def test_a_hundred_units_at_ten_a_day_run_out_on_day_ten_and_leave_the_rest_short() -> None:
    days, short = one([10.0] * 28, [(100, 0, NEVER)], horizon=30)

    assert set(days.tolist()) == {10}  # days 0 to 9 use the 100; day 10 is short
    assert set(short.tolist()) == {200.0}


def test_what_a_lot_holds_after_its_expiry_is_lost() -> None:
    # 50 units usable through day 2, then 100 that never expire: days 0-2 use 30 of the first
    # lot, its other 20 expire, the second lot lasts days 3-12: short on day 13 (15 without
    # the expiry)
    days, _ = one([10.0] * 7, [(100, 0, NEVER), (50, 0, 2)], horizon=30)

    assert set(days.tolist()) == {13}


def test_an_order_counts_from_its_arrival_day_only() -> None:
    # 30 on hand, 100 arriving on day 5: short on days 3 and 4 (20 units), then the 100 last
    # days 5-14, and days 15-19 are short again (50)
    days, short = one([10.0] * 7, [(30, 0, NEVER), (100, 5, NEVER)], horizon=20)

    assert set(days.tolist()) == {3}
    assert set(short.tolist()) == {70.0}


def test_a_weeks_pattern_keeps_its_weekdays() -> None:
    # the history's last day is yesterday, so its weeks start on today's weekday: 5 units
    # every seventh day from today
    days, _ = one([5.0, 0, 0, 0, 0, 0, 0], [(5, 0, NEVER)], horizon=30)

    assert set(days.tolist()) == {7}


def test_weeks_are_drawn_at_random_so_a_lumpy_history_gives_a_spread_of_dates() -> None:
    quiet, busy = [0.0] * 7, [14.0] * 7
    history = np.array([quiet + busy])
    stock = np.array([[70]])

    found = project(history, stock, np.array([[0]]), np.array([[NEVER]]), horizon=28, paths=4000)

    # a path whose first week is busy runs out on day 5: about half of them
    assert abs(found.probability_by(5)[0] - 0.5) < 0.04
    assert found.day_quantile(0.1)[0] == 5
    assert found.day_quantile(0.9)[0] > 7


def test_the_cover_is_the_units_short_on_the_chosen_share_of_paths() -> None:
    found = project(
        np.array([[10.0] * 7]),
        np.array([[100]]),
        np.array([[0]]),
        np.array([[NEVER]]),
        horizon=30,
        paths=20,
    )

    assert found.cover(0.95).tolist() == [200]


def test_many_items_run_in_one_call_each_on_its_own_stock() -> None:
    history = np.array([[10.0] * 7, [1.0] * 7, [0.0] * 7])
    stock = np.array([[100, 0], [3, 2], [5, 0]])
    first = np.zeros((3, 2), dtype=np.int64)
    last = np.full((3, 2), NEVER)

    found = project(history, stock, first, last, horizon=60, paths=10)

    assert found.day_quantile(0.5).tolist() == [10, 5, 60]  # the unused item: not within 60


def test_days_of_supply_is_stock_over_daily_use() -> None:
    assert days_of_supply(np.array([100, 5]), np.array([10.0, 0.0])).tolist() == [10.0, np.inf]


def plain(demand: list[int], batches: list[tuple[int, int, int]], horizon: int) -> tuple[int, int]:
    """One path, day by day, batch by batch: the reference the vectorised code must match."""
    left = [units for units, _, _ in batches]
    order = sorted(range(len(batches)), key=lambda b: (batches[b][2], batches[b][1]))
    out, short = horizon, 0
    for day in range(horizon):
        need = demand[day % 7]
        for b in order:
            _, first, last = batches[b]
            if first <= day <= last:
                take = min(left[b], need)
                left[b] -= take
                need -= take
        if need > 0 and out == horizon:
            out = day
        short += need
        for b in order:
            if batches[b][2] == day:
                left[b] = 0
    return out, short


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.integers(0, 9), min_size=7, max_size=7),
    batches=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 12), st.integers(0, 25)),
        min_size=1,
        max_size=4,
    ),
    horizon=st.integers(1, 30),
)
def test_the_projection_matches_a_plain_day_by_day_simulation(
    demand: list[int], batches: list[tuple[int, int, int]], horizon: int
) -> None:
    days, short = one([float(d) for d in demand], batches, horizon, paths=3)

    expected = plain(demand, batches, horizon)

    assert set(days.tolist()) == {expected[0]}
    assert set(short.tolist()) == {float(expected[1])}


def test_fefo_consumption_loses_what_each_lot_still_holds_at_its_expiry() -> None:
    # 10 a day; lot A 50 units usable through day 2, lot B 100 through day 9, lot C 40 that
    # never expires (given out of order: B, C, A). Earliest expiry first:
    #   days 0-2 use 30 of A, its other 20 expire at the end of day 2;
    #   days 3-9 use 70 of B, its other 30 expire at the end of day 9;
    #   days 10-13 use C's 40, which loses nothing.
    units = np.array([[100, 40, 50]])
    last = np.array([[9, NEVER, 2]])

    found = project(
        steady_history(np.array([10.0])), units, np.zeros_like(units), last, horizon=20, paths=1
    )

    assert found.expired.tolist() == [[30.0, 0.0, 20.0]]
    assert found.stockout_day.tolist() == [[14]]


def test_a_lot_expiring_beyond_the_horizon_loses_nothing_within_it() -> None:
    # 100 units at 1 a day, usable through day 40: within 30 days nothing is lost yet
    found = project(
        steady_history(np.array([1.0])),
        np.array([[100]]),
        np.array([[0]]),
        np.array([[40]]),
        horizon=30,
        paths=1,
    )

    assert found.expired.tolist() == [[0.0]]


def test_the_expired_units_are_the_mean_over_the_paths() -> None:
    # a week of 0 and a week of 5 a day, 20 units usable through day 6: a path that draws the
    # busy week loses nothing, one that draws the quiet week loses all 20; about half each
    history = np.array([[0.0] * 7 + [5.0] * 7])

    found = project(
        history, np.array([[20]]), np.array([[0]]), np.array([[6]]), horizon=7, paths=4000
    )

    assert 8.0 < found.expired[0, 0] < 12.0
