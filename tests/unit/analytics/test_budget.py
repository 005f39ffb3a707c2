"""Marginal allocation of a budget across service-level menus, against brute force."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rxsupply.analytics.budget import allocate_budget
from rxsupply.errors import InvalidValue

Matrix = np.ndarray[Any, np.dtype[np.float64]]


def _best(value: Matrix, fill: Matrix, budget: float) -> float:
    """The discrete optimum by trying every choice (-inf when nothing fits)."""
    n, k = value.shape
    best = -np.inf
    for choice in itertools.product(range(k), repeat=n):
        cost = sum(value[i, j] for i, j in enumerate(choice))
        if cost <= budget:
            best = max(best, sum(fill[i, j] for i, j in enumerate(choice)))
    return float(best)


@st.composite
def menus(draw: st.DrawFn) -> tuple[Matrix, Matrix]:
    """Small menus with whole-number steps (so every sum is exact in floating point)."""
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 4))
    steps = st.lists(st.integers(0, 9), min_size=k * n, max_size=k * n)
    value = np.cumsum(np.array(draw(steps), dtype=np.float64).reshape(n, k), axis=1)
    fill = np.cumsum(np.array(draw(steps), dtype=np.float64).reshape(n, k), axis=1)
    return value, fill


@settings(max_examples=400, deadline=None)
@given(menu=menus(), budget=st.integers(0, 80))
def test_the_allocation_fits_and_is_optimal_for_the_money_it_spends(
    menu: tuple[Matrix, Matrix], budget: int
) -> None:
    value, fill = menu

    allocation = allocate_budget(value=value, fill=fill, budget=budget)

    rows = np.arange(value.shape[0])
    assert allocation.total_value == value[rows, allocation.choice].sum()
    assert allocation.total_fill == fill[rows, allocation.choice].sum()
    if value[:, 0].sum() > budget:
        assert not allocation.feasible
        assert allocation.choice.tolist() == [0] * value.shape[0]
        return
    assert allocation.feasible
    assert allocation.total_value <= budget
    assert allocation.total_fill == _best(value, fill, allocation.total_value)


@settings(max_examples=400, deadline=None)
@given(menu=menus(), budget=st.integers(0, 80))
def test_the_allocation_is_within_one_step_of_the_brute_force_optimum(
    menu: tuple[Matrix, Matrix], budget: int
) -> None:
    value, fill = menu
    widest_cost = float((value[:, -1] - value[:, 0]).max())
    widest_fill = float((fill[:, -1] - fill[:, 0]).max())

    allocation = allocate_budget(value=value, fill=fill, budget=budget)

    optimum = _best(value, fill, budget)
    if not allocation.feasible:
        assert optimum == -np.inf
        return
    # A step of the hull costs and yields at most what a whole menu does.
    assert allocation.total_fill <= optimum
    assert allocation.total_fill >= optimum - widest_fill
    assert allocation.total_fill >= _best(value, fill, budget - widest_cost)


@settings(max_examples=200, deadline=None)
@given(menu=menus(), budget=st.integers(0, 80), more=st.integers(0, 40))
def test_more_budget_never_fills_less(menu: tuple[Matrix, Matrix], budget: int, more: int) -> None:
    value, fill = menu

    smaller = allocate_budget(value=value, fill=fill, budget=budget)
    larger = allocate_budget(value=value, fill=fill, budget=budget + more)

    assert larger.total_fill >= smaller.total_fill
    assert (larger.choice >= smaller.choice).all()


# Worked example. Series A: steps (10 -> +30 fill), then (20 -> +10): ratios 3 and 0.5.
# Series B: option 1 lies under the chord from option 0 to option 2, so its hull is one step
# (15 -> +25, ratio 5/3). Series C: one step (10 -> +40, ratio 4). Options 0 cost 15 and fill 70.
# Best first: C (total 25), A1 (35), B (50), A2 (70).
VALUE = np.array([[10.0, 20.0, 40.0], [5.0, 15.0, 20.0], [0.0, 10.0, 10.0]])
FILL = np.array([[50.0, 80.0, 90.0], [20.0, 25.0, 45.0], [0.0, 40.0, 40.0]])


@pytest.mark.parametrize(
    ("budget", "choice", "total_value", "total_fill"),
    [
        (15.0, [0, 0, 0], 15.0, 70.0),
        (24.9, [0, 0, 0], 15.0, 70.0),
        (25.0, [0, 0, 1], 25.0, 110.0),
        (35.0, [1, 0, 1], 35.0, 140.0),
        # B's step (15) does not fit in 45: the prefix stops there, although A1 + B1 + C1
        # (45, fill 145) would. That is the one-step gap the method allows.
        (45.0, [1, 0, 1], 35.0, 140.0),
        (50.0, [1, 2, 1], 50.0, 165.0),
        (1000.0, [2, 2, 1], 70.0, 175.0),
    ],
)
def test_a_hand_worked_menu_is_allocated_best_ratio_first(
    budget: float, choice: list[int], total_value: float, total_fill: float
) -> None:
    allocation = allocate_budget(value=VALUE, fill=FILL, budget=budget)

    assert allocation.choice.tolist() == choice
    assert allocation.total_value == total_value
    assert allocation.total_fill == total_fill
    assert allocation.feasible


def test_a_budget_below_the_cheapest_options_keeps_them_and_says_infeasible() -> None:
    allocation = allocate_budget(value=VALUE, fill=FILL, budget=14.0)

    assert allocation.choice.tolist() == [0, 0, 0]
    assert allocation.total_value == 15.0
    assert allocation.total_fill == 70.0
    assert not allocation.feasible


def test_a_free_better_option_is_taken_even_with_no_money_to_spare() -> None:
    value = np.array([[5.0, 5.0, 9.0]])
    fill = np.array([[1.0, 3.0, 4.0]])

    allocation = allocate_budget(value=value, fill=fill, budget=5.0)

    assert allocation.choice.tolist() == [1]
    assert allocation.total_fill == 3.0


def test_menus_that_decrease_or_do_not_match_are_refused() -> None:
    value = np.array([[1.0, 2.0]])

    with pytest.raises(InvalidValue, match="value"):
        allocate_budget(value=np.array([[2.0, 1.0]]), fill=np.array([[1.0, 2.0]]), budget=5.0)
    with pytest.raises(InvalidValue, match="fill"):
        allocate_budget(value=value, fill=np.array([[1.0]]), budget=5.0)
    with pytest.raises(InvalidValue, match="fill"):
        allocate_budget(value=value, fill=np.array([[2.0, 1.0]]), budget=5.0)


def test_options_on_a_straight_line_stay_so_the_allocation_can_stop_halfway() -> None:
    value = np.array([[0.0, 1.0, 11.0], [0.0, 2.0, 2.0]])
    fill = np.array([[0.0, 1.0, 11.0], [0.0, 4.0, 4.0]])

    allocation = allocate_budget(value=value, fill=fill, budget=5.0)

    # Series 1's step gains 2 per unit of money, series 0's two steps 1 each: the cheap one
    # comes first, and the costly one (10) does not fit.
    assert allocation.choice.tolist() == [1, 1]
    assert allocation.total_value == 3.0
    assert allocation.total_fill == 5.0
