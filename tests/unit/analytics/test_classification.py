"""ABC, XYZ, Syntetos-Boylan demand classes and lifecycle on series worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rxsupply.analytics.classification import (
    ADI_CUT,
    CV2_CUT,
    Thresholds,
    abc,
    demand_shape,
    lifecycle,
    monthly_cv,
    xyz,
)

NAN = math.nan
Matrix = np.ndarray[Any, np.dtype[np.float64]]


def _monthly(*months: list[float]) -> Matrix:
    """One series per argument: each month's total on the first of its 30 days."""
    rows = []
    for totals in months:
        row = np.zeros(30 * len(totals))
        row[::30] = totals
        rows.append(row)
    return np.array(rows)


def _every(step: int, sizes: list[float], days: int = 60) -> Matrix:
    """Demand on every ``step``-th day, cycling through ``sizes``."""
    row = np.zeros(days)
    hits = np.arange(0, days, step)
    row[hits] = np.resize(np.array(sizes), hits.size)
    return row


def test_abc_on_five_items_puts_the_item_crossing_eighty_percent_in_a() -> None:
    # shares 50 %, 25 %, 15 %, 6 %, 4 %: cumulative before each 0, 50, 75, 90, 96 %
    value = np.array([60.0, 150.0, 500.0, 40.0, 250.0])

    labels = abc(value)

    assert labels.tolist() == ["B", "A", "A", "C", "A"]


def test_abc_with_other_thresholds() -> None:
    value = np.array([60.0, 150.0, 500.0, 40.0, 250.0])

    labels = abc(value, t=Thresholds(a_share=0.5, b_share=0.45))

    assert labels.tolist() == ["B", "B", "A", "C", "B"]


def test_abc_with_groups_ranks_items_and_gives_every_location_its_items_class() -> None:
    # item 1 is worth 10 at each of four locations (40 in all), item 2 worth 50, item 3 worth 10
    value = np.array([10.0, 10.0, 50.0, 10.0, 10.0, 10.0])
    groups = np.array([1, 1, 2, 1, 1, 3], dtype=np.int64)

    by_item = abc(value, groups=groups)
    by_series = abc(value)

    # items: 50 (before 0 %), 40 (50 %), 10 (90 %); series: 50, then 10s at 50, 60, 70, 80, 90 %
    assert by_item.tolist() == ["A", "A", "A", "A", "A", "B"]
    assert by_series.tolist() == ["A", "A", "A", "A", "B", "B"]


def test_abc_without_any_value_is_all_c_and_zero_value_is_always_c() -> None:
    assert abc(np.zeros(3)).tolist() == ["C", "C", "C"]
    assert abc(np.array([10.0, 0.0])).tolist() == ["A", "C"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_a_more_valuable_series_never_gets_a_lower_abc_class(values: list[float]) -> None:
    value = np.array(values)

    labels = abc(value)

    rank = {"A": 0, "B": 1, "C": 2}
    order = np.argsort(-value, kind="stable")
    ranks = [rank[str(labels[i])] for i in order]
    assert ranks == sorted(ranks)


def test_xyz_on_known_monthly_totals() -> None:
    demand = _monthly([30, 30, 30], [10, 20, 30], [10, 30, 50], [0, 0, 60], [0, 0, 0])

    cv = monthly_cv(demand)
    labels = xyz(demand)

    # cv: 0, sqrt(200/3)/20, sqrt(800/3)/30, sqrt(2)
    np.testing.assert_allclose(
        cv[:4], [0.0, math.sqrt(200 / 3) / 20, math.sqrt(800 / 3) / 30, math.sqrt(2)]
    )
    assert math.isnan(cv[4])
    assert labels.tolist() == ["X", "X", "Y", "Z", "Z"]


def test_xyz_cut_offs_are_inclusive() -> None:
    # two months 1 and 3: cv exactly 0.5; 0 and 4: cv exactly 1.0
    demand = _monthly([1, 3], [0, 4], [1, 5])

    assert xyz(demand).tolist() == ["X", "Y", "Y"]
    assert xyz(demand, t=Thresholds(x_cv=0.4, y_cv=0.6)).tolist() == ["Y", "Z", "Z"]


def test_four_constructed_series_fall_in_the_four_syntetos_boylan_classes() -> None:
    demand = np.stack(
        [
            _every(1, [10, 12]),  # every day, sizes 10 and 12
            _every(1, [1, 10]),  # every day, sizes 1 and 10
            _every(3, [5]),  # every third day, always 5
            _every(3, [1, 10]),  # every third day, 1 and 10
        ]
    )

    shape = demand_shape(demand)

    # sizes 10, 12: mean 11, variance 1; sizes 1, 10: mean 5.5, variance 20.25
    np.testing.assert_allclose(shape.adi, [1.0, 1.0, 3.0, 3.0])
    np.testing.assert_allclose(shape.cv2, [1 / 121, 20.25 / 30.25, 0.0, 20.25 / 30.25])
    np.testing.assert_array_equal(shape.demand_days, [60, 60, 20, 20])
    assert shape.classes().tolist() == ["smooth", "erratic", "intermittent", "lumpy"]


def test_the_cut_offs_are_syntetos_boylans() -> None:
    # A. A. Syntetos, J. E. Boylan and J. D. Croston, "On the categorization of demand
    # patterns", J. Oper. Res. Soc. 56(5):495-503, 2005: cut-offs printed to two decimals
    assert (ADI_CUT, CV2_CUT) == (1.32, 0.49)


@pytest.mark.parametrize(
    ("days", "demand_days", "expected"),
    [(131, 100, "smooth"), (133, 100, "intermittent")],
)
def test_the_adi_cut_off_lies_at_1_32(days: int, demand_days: int, expected: str) -> None:
    row = np.zeros(days)
    row[:demand_days] = 4.0

    shape = demand_shape(row[None, :])

    assert shape.classes().tolist() == [expected]


def test_censored_days_are_neither_demand_nor_zero_in_the_adi() -> None:
    demand = np.array([[NAN, NAN, 2.0, 0.0, 0.0, 4.0]])

    shape = demand_shape(demand)

    # four observed days, two with demand; sizes 2 and 4: mean 3, variance 1
    np.testing.assert_allclose(shape.adi, [2.0])
    np.testing.assert_allclose(shape.cv2, [1 / 9])


def test_a_series_without_demand_has_class_none() -> None:
    demand = np.array([[0.0, 0.0, 0.0], [NAN, NAN, NAN]])

    shape = demand_shape(demand)

    assert shape.classes().tolist() == ["none", "none"]
    assert np.isinf(shape.adi).all()


def test_lifecycle_new_dead_sporadic_and_active() -> None:
    days = 400
    new = np.zeros(days)
    new[350::2] = 1.0  # first demand 50 days ago
    dead = np.zeros(days)
    dead[:101:5] = 3.0  # last demand 299 days ago
    sporadic = np.zeros(days)
    sporadic[[10, 100, 200, 300, 390]] = 1.0  # 4 demand days in the last year
    active = np.zeros(days)
    active[::10] = 2.0
    never = np.zeros(days)
    censored_recently = active.copy()
    censored_recently[-100:] = NAN  # the last 100 days unknown, not zero demand for "dead"

    labels = lifecycle(np.stack([new, dead, sporadic, active, never, censored_recently]))

    assert labels.tolist() == ["new", "dead", "sporadic", "active", "dead", "active"]


def test_a_newly_stocked_series_that_stopped_is_dead_not_new() -> None:
    row = np.zeros(400)
    row[200] = 5.0

    assert lifecycle(row[None, :]).tolist() == ["dead"]
    assert lifecycle(row[None, :], t=Thresholds(dead_days=250, new_days=250)).tolist() == ["new"]


def test_a_history_shorter_than_the_dead_days_cannot_show_a_series_without_use_is_dead() -> None:
    short = np.zeros((2, 90))  # a ledger begun three months ago
    short[1, 10] = 1.0

    assert lifecycle(short).tolist() == ["sporadic", "new"]
    assert lifecycle(np.zeros((1, 180))).tolist() == ["dead"]
    assert lifecycle(np.zeros((1, 179))).tolist() == ["sporadic"]
    late = np.zeros((3, 400))
    late[0, :300] = NAN  # set up 100 days ago, no use since
    late[1, :200] = NAN  # set up 200 days ago, no use since
    late[2, :] = NAN  # a setting, never any stock: nothing seen in the whole window
    assert lifecycle(late).tolist() == ["sporadic", "dead", "dead"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"a_share": 0.0},
        {"a_share": 1.0},
        {"a_share": 0.8, "b_share": 0.3},
        {"b_share": -0.1},
        {"x_cv": 1.5, "y_cv": 1.0},
        {"x_cv": -0.1},
    ],
)
def test_thresholds_out_of_order_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must satisfy"):
        Thresholds(**kwargs)  # type: ignore[arg-type]
