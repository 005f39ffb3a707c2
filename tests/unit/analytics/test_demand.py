"""The demand matrix: summing observations, censored days, means and monthly buckets."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from rxsupply.analytics.demand import (
    DemandMatrix,
    buckets,
    from_observations,
    mean_daily,
    std_daily,
)

NAN = math.nan
START = date(2026, 3, 1)
Matrix = np.ndarray[Any, np.dtype[np.float64]]


def _ints(values: list[int]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.array(values, dtype=np.int64)


def _matrix(rows: list[list[float]]) -> DemandMatrix:
    q = np.array(rows, dtype=np.float64)
    return DemandMatrix(
        series_ids=tuple(f"s{i}" for i in range(q.shape[0])), start=START, quantities=q
    )


def test_observations_of_the_same_series_and_day_add_up_and_missing_days_are_zero() -> None:
    series, day, qty = _ints([0, 0, 1, 0]), _ints([1, 1, 2, 3]), np.array([2.0, 3.0, 4.0, 1.0])

    m = from_observations(
        series_ids=("a", "b"),
        series_index=series,
        day_index=day,
        quantity=qty,
        start=START,
        days=4,
    )

    np.testing.assert_array_equal(m.quantities, [[0, 5, 0, 1], [0, 0, 4, 0]])
    assert (m.series, m.days, m.end) == (2, 4, date(2026, 3, 4))
    assert m.dates() == [date(2026, 3, d) for d in range(1, 5)]


def test_a_censored_day_without_demand_is_nan_but_one_with_demand_keeps_it() -> None:
    censored = np.array([[True, True, False], [False, False, False]])

    m = from_observations(
        series_ids=("a", "b"),
        series_index=_ints([0, 1]),
        day_index=_ints([1, 0]),
        quantity=np.array([3.0, 2.0]),
        start=START,
        days=3,
        censored=censored,
    )

    np.testing.assert_array_equal(m.quantities, [[NAN, 3, 0], [2, 0, 0]])
    np.testing.assert_array_equal(m.observed(), [[False, True, True], [True, True, True]])


def test_a_matrix_needs_one_row_per_series() -> None:
    with pytest.raises(ValueError, match="one row per series"):
        DemandMatrix(series_ids=("a",), start=START, quantities=np.zeros((2, 3)))


def test_the_mean_is_over_observed_days_and_zero_for_a_series_never_observed() -> None:
    q = np.array([[2.0, NAN, 4.0, NAN], [NAN, NAN, NAN, NAN], [1.0, 1.0, 1.0, 1.0]])

    mean = mean_daily(q)

    np.testing.assert_allclose(mean, [3.0, 0.0, 1.0])
    np.testing.assert_allclose(std_daily(q), [1.0, 0.0, 0.0])


def test_filled_replaces_censored_days_by_the_series_observed_mean() -> None:
    m = _matrix([[2.0, NAN, 4.0], [NAN, NAN, NAN], [1.0, 0.0, 5.0]])

    filled = m.filled()

    np.testing.assert_allclose(filled, [[2, 3, 4], [0, 0, 0], [1, 0, 5]])
    np.testing.assert_allclose(m.zeros_for_censored(), [[2, 0, 4], [0, 0, 0], [1, 0, 5]])


def test_filled_since_first_leaves_the_days_before_a_series_was_first_seen_unknown() -> None:
    m = _matrix([[NAN, NAN, 2.0, NAN, 4.0], [NAN] * 5, [1.0, NAN, 0.0, 5.0, 0.0]])

    filled = m.filled_since_first()

    expected = np.array([[NAN, NAN, 2, 3, 4], [0, 0, 0, 0, 0], [1, 1.5, 0, 5, 0]])
    np.testing.assert_allclose(filled, expected, equal_nan=True)


def test_filled_of_a_complete_matrix_is_a_copy() -> None:
    m = _matrix([[1.0, 2.0]])

    filled = m.filled()
    filled[0, 0] = 99.0

    assert m.quantities[0, 0] == 1.0


def test_split_holds_out_the_last_days_with_their_own_start() -> None:
    m = _matrix([[1.0, 2.0, 3.0, 4.0, 5.0]])

    history, holdout = m.split(2)

    np.testing.assert_array_equal(history.quantities, [[1, 2, 3]])
    np.testing.assert_array_equal(holdout.quantities, [[4, 5]])
    assert (history.start, holdout.start, holdout.end) == (
        START,
        date(2026, 3, 4),
        date(2026, 3, 5),
    )


@pytest.mark.parametrize("holdout", [0, 5, 9])
def test_split_keeps_some_history_and_some_holdout(holdout: int) -> None:
    m = _matrix([[1.0, 2.0, 3.0, 4.0, 5.0]])

    with pytest.raises(ValueError, match="keep some history"):
        m.split(holdout)


def test_select_keeps_the_chosen_rows_and_their_ids() -> None:
    m = _matrix([[1.0], [2.0], [3.0]])

    picked = m.select(_ints([2, 0]))

    assert picked.series_ids == ("s2", "s0")
    np.testing.assert_array_equal(picked.quantities, [[3], [1]])


def test_buckets_count_back_from_the_last_day_and_drop_the_oldest_partial_one() -> None:
    q = np.array([[1.0, 1.0, 2.0, NAN, 3.0, 4.0, 5.0]])

    sums = buckets(q, 3)

    # days 1..6 in two buckets (day 0 is a partial bucket); the censored day counts as zero
    np.testing.assert_allclose(sums, [[1 + 2 + 0, 3 + 4 + 5]])


def test_buckets_of_a_history_shorter_than_one_bucket_are_empty() -> None:
    assert buckets(np.ones((2, 5)), 30).shape == (2, 0)
