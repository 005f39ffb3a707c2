"""Classic inventory formulas against Snyder & Shen's worked examples and against stockpyl.

The formulas are the textbook reference in the ``textbook_*.py`` modules next to this file.
Each worked example is checked three ways:

* against stockpyl (Snyder's reference implementation, run on the same inputs; the oracle, to
  a relative 1e-6);
* against the full-precision outputs stockpyl records for it in its doctests and test-suite
  (``stockpyl_*`` below: oracle values, not numbers the book prints);
* against the number L. V. Snyder and Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*,
  2nd ed., Wiley, 2019 ("S&S") prints, at the precision it prints it
  (``round(x, decimals) == printed``), so a wrong formula cannot pass on a loose tolerance.
  Chapters, with their pages from the book's table of contents: Ch. 3 "Deterministic Inventory
  Models", pp. 45-86; Ch. 4 "Stochastic Inventory Models: Periodic Review", pp. 87-154;
  Ch. 5 "Stochastic Inventory Models: Continuous Review", from p. 155. The printed values are
  those the textbook modules' docstrings quote for each example; the page of each example
  has not been checked against a copy of the book.

The Zheng-Federgruen (1991) (s, S) table is checked row by row against its published 3-decimal
costs. Property tests then check optimality and monotonicity on random inputs.

Example data (S&S 2nd ed., as stored in stockpyl's instance file):
Ex. 3.1 EOQ        K = 8, h = 0.225, lambda = 1300.
Ex. 4.1/4.3        h = 0.18, p = 0.70, N(50, 8^2); Ex. 4.4 adds L = 4.
Ex. 4.7            h = 1, p = 4, K = 5, Poisson(6).
Ex. 5.1-5.6        h = 0.225, p = 7.5, K = 8, lambda = 1300, tau = 150, L = 1/12.
Ex. 5.8            h = 20, p = 150, K = 100, lambda = 1.5, L = 2; Problem 5.2: 4, 28, 4, 12, 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stockpyl import eoq as sp_eoq
from stockpyl import loss_functions as sp_loss
from stockpyl import newsvendor as sp_newsvendor
from stockpyl import rq as sp_rq
from stockpyl import ss as sp_ss
from tests.unit.analytics.textbook_eoq_newsvendor import (
    base_stock_normal,
    base_stock_normal_cost,
    economic_order_quantity,
    eoq_cost,
    newsvendor_normal,
    newsvendor_normal_cost,
    newsvendor_poisson,
    newsvendor_poisson_cost,
)
from tests.unit.analytics.textbook_loss import normal_loss, normal_second_loss, poisson_loss
from tests.unit.analytics.textbook_rq import (
    r_q_cost_normal,
    r_q_cost_poisson,
    r_q_normal_optimal,
    r_q_optimal_reorder_point,
    r_q_poisson_optimal,
)
from tests.unit.analytics.textbook_rq_approximations import (
    r_q_eil_approximation,
    r_q_eoqb_approximation,
    r_q_eoqss_approximation,
    r_q_loss_function_approximation,
)
from tests.unit.analytics.textbook_ss import s_s_cost_poisson, s_s_poisson_optimal

# stockpyl ships no type hints; these typed handles are the oracle's entry points.
Oracle = Callable[..., Any]
sp_economic_order_quantity: Oracle = sp_eoq.economic_order_quantity
sp_newsvendor_normal: Oracle = sp_newsvendor.newsvendor_normal
sp_newsvendor_normal_cost: Oracle = sp_newsvendor.newsvendor_normal_cost
sp_newsvendor_poisson: Oracle = sp_newsvendor.newsvendor_poisson
sp_newsvendor_poisson_cost: Oracle = sp_newsvendor.newsvendor_poisson_cost
sp_normal_loss: Oracle = sp_loss.normal_loss
sp_normal_second_loss: Oracle = sp_loss.normal_second_loss
sp_poisson_loss: Oracle = sp_loss.poisson_loss
sp_r_q_cost: Oracle = sp_rq.r_q_cost
sp_r_q_optimal_r_for_q: Oracle = sp_rq.r_q_optimal_r_for_q
sp_r_q_eil: Oracle = sp_rq.r_q_eil_approximation
sp_r_q_eoqb: Oracle = sp_rq.r_q_eoqb_approximation
sp_r_q_eoqss: Oracle = sp_rq.r_q_eoqss_approximation
sp_r_q_loss_function: Oracle = sp_rq.r_q_loss_function_approximation
sp_r_q_cost_poisson: Oracle = sp_rq.r_q_cost_poisson
sp_r_q_poisson_exact: Oracle = sp_rq.r_q_poisson_exact
sp_s_s_cost_discrete: Oracle = sp_ss.s_s_cost_discrete
sp_s_s_discrete_exact: Oracle = sp_ss.s_s_discrete_exact

ORACLE_REL = 1e-6

EX_4_3 = {"holding_cost": 0.18, "stockout_cost": 0.70, "mean": 50.0, "sd": 8.0}
EX_4_7 = {"holding_cost": 1.0, "stockout_cost": 4.0, "mean": 6.0}
EX_4_7_SS = {"holding_cost": 1.0, "stockout_cost": 4.0, "fixed_cost": 5.0, "mean": 6.0}
EX_5_1 = {
    "holding_cost": 0.225,
    "stockout_cost": 7.5,
    "fixed_cost": 8.0,
    "demand_rate": 1300.0,
    "demand_sd": 150.0,
    "lead_time": 1 / 12,
}
EX_5_1_NO_K = {key: value for key, value in EX_5_1.items() if key != "fixed_cost"}
EX_5_1_STOCKPYL = (0.225, 7.5, 8.0, 1300.0, 150.0, 1 / 12)
EX_5_8 = {
    "holding_cost": 20.0,
    "stockout_cost": 150.0,
    "fixed_cost": 100.0,
    "demand_rate": 1.5,
    "lead_time": 2.0,
}
PROBLEM_5_2 = {
    "holding_cost": 4.0,
    "stockout_cost": 28.0,
    "fixed_cost": 4.0,
    "demand_rate": 12.0,
    "lead_time": 0.5,
}

# Zheng & Federgruen, "Finding optimal (s, S) policies is about as simple as evaluating a single
# policy", Operations Research 39(4):654-665, 1991, test instances: h = 1, p = 9, K = 64,
# Poisson demand, mean mu; optimal (s*, S*) and cost as printed, to 3 decimals (as transcribed
# in stockpyl's tests/test_ss.py), so compared to within half a unit of the third decimal.
ZHENG_FEDERGRUEN_TABLE = [
    (10, 6, 40, 35.022),
    (15, 10, 49, 42.698),
    (20, 14, 62, 49.173),
    (25, 19, 56, 54.262),
    (30, 23, 66, 57.819),
    (35, 28, 77, 61.215),
    (40, 33, 87, 64.512),
    (45, 37, 97, 67.776),
    (50, 42, 108, 70.975),
    (55, 47, 118, 74.149),
    (60, 52, 129, 77.306),
    (65, 56, 75, 78.518),
    (70, 62, 81, 79.037),
    (75, 67, 86, 79.554),
    (21, 15, 65, 50.406),
    (22, 16, 68, 51.632),
    (23, 17, 52, 52.757),
    (24, 18, 54, 53.518),
    (51, 43, 110, 71.611),
    (52, 44, 112, 72.246),
    (59, 51, 126, 76.679),
    (61, 52, 131, 77.929),
    (63, 54, 73, 78.287),
    (64, 55, 74, 78.402),
]
ZF_COSTS = {"holding_cost": 1.0, "stockout_cost": 9.0, "fixed_cost": 64.0}


# --- loss functions (S&S Appendix C) ---------------------------------------------------------


def test_normal_loss_functions_match_stockpyl_and_its_published_values() -> None:
    x = np.array([-10.0, 9.0, 15.0, 18.6, 30.0])

    first = normal_loss(x, mean=15, sd=3)
    second = normal_second_loss(x, mean=15, sd=3)

    assert normal_loss(18.6, mean=15, sd=3) == pytest.approx(0.1683073521514889, rel=1e-12)
    assert normal_second_loss(18.6, mean=15, sd=3) == pytest.approx(0.21486028212500707, rel=1e-12)
    for xi, n, n2 in zip(x, first, second, strict=True):
        assert n == pytest.approx(sp_normal_loss(xi, 15, 3)[0], rel=ORACLE_REL, abs=1e-12)
        assert n2 == pytest.approx(sp_normal_second_loss(xi, 15, 3)[0], rel=ORACLE_REL, abs=1e-12)


def test_poisson_loss_matches_stockpyl_and_its_published_value() -> None:
    x = np.arange(-3, 40)

    losses = poisson_loss(x, mean=15)

    assert poisson_loss(18, mean=15) == pytest.approx(0.5176095282584724, rel=1e-12)
    for xi, n in zip(x, losses, strict=True):
        assert n == pytest.approx(sp_poisson_loss(int(xi), 15)[0], rel=ORACLE_REL, abs=1e-12)


def test_poisson_loss_rejects_a_fractional_argument() -> None:
    fractional = np.array([1.5])

    with pytest.raises(ValueError, match="integer"):
        poisson_loss(fractional, mean=3)


# --- EOQ (S&S Ch. 3) ---------------------------------------------------------------------------


def test_eoq_matches_snyder_shen_example_3_1() -> None:
    expected_q, expected_cost = sp_economic_order_quantity(8, 0.225, 1300)

    result = economic_order_quantity(fixed_cost=8, holding_cost=0.225, demand_rate=1300)

    assert result.order_quantity == pytest.approx(expected_q, rel=ORACLE_REL)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.order_quantity == pytest.approx(304.0467800264368, rel=1e-12)  # stockpyl
    assert result.cost == pytest.approx(68.41052550594829, rel=1e-12)  # stockpyl
    # S&S Ch. 3, Example 3.1 prints Q* = 304.05 and g* = 68.41
    assert round(result.order_quantity, 2) == 304.05
    assert round(result.cost, 2) == 68.41


def test_eoq_cost_of_any_order_quantity_matches_stockpyl_elementwise() -> None:
    quantities = np.array([50.0, 200.0, 304.0467800264368, 1000.0])

    costs = eoq_cost(quantities, fixed_cost=8, holding_cost=0.225, demand_rate=1300)

    for q, cost in zip(quantities, costs, strict=True):
        assert cost == pytest.approx(sp_economic_order_quantity(8, 0.225, 1300, q)[1], rel=1e-12)


# --- newsvendor and base-stock (S&S Ch. 4) ------------------------------------------------------


def test_newsvendor_normal_matches_snyder_shen_example_4_3() -> None:
    expected_level, expected_cost = sp_newsvendor_normal(0.18, 0.70, 50, 8)

    result = newsvendor_normal(**EX_4_3)

    assert result.base_stock_level == pytest.approx(expected_level, rel=ORACLE_REL)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.base_stock_level == pytest.approx(56.60395592743389, rel=1e-12)  # stockpyl
    assert result.cost == pytest.approx(1.9976051931766445, rel=1e-12)  # stockpyl
    # S&S Ch. 4, Example 4.3 prints S* = 56.60 and g* = 1.998
    assert round(result.base_stock_level, 2) == 56.60
    assert round(result.cost, 3) == 1.998


@pytest.mark.parametrize(
    ("level", "stockpyl_value"), [(60.0, 2.156131552870387), (40.0, 7.356131552870388)]
)
def test_newsvendor_normal_cost_matches_snyder_shen_example_4_1(
    level: float, stockpyl_value: float
) -> None:
    expected = sp_newsvendor_normal_cost(level, 0.18, 0.70, 50, 8)

    cost = newsvendor_normal_cost(level, **EX_4_3)

    assert cost == pytest.approx(expected, rel=ORACLE_REL)
    assert cost == pytest.approx(stockpyl_value, rel=1e-12)


def test_newsvendor_normal_cost_is_the_one_printed_in_snyder_shen_example_4_1() -> None:
    cost = newsvendor_normal_cost(60.0, **EX_4_3)

    # S&S Ch. 4, Example 4.1 prints g(60) = 2.156
    assert round(cost, 3) == 2.156


def test_base_stock_with_lead_time_matches_snyder_shen_example_4_4() -> None:
    expected_level, expected_cost = sp_newsvendor_normal(0.18, 0.70, 50, 8, lead_time=4)

    result = base_stock_normal(**EX_4_3, lead_time=4)
    cost_at_180 = base_stock_normal_cost(180, **EX_4_3, lead_time=4)

    assert result.base_stock_level == pytest.approx(expected_level, rel=ORACLE_REL)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.base_stock_level == pytest.approx(264.7668943741548, rel=1e-12)  # stockpyl
    assert result.cost == pytest.approx(4.466781004149578, rel=1e-12)  # stockpyl
    assert cost_at_180 == pytest.approx(sp_newsvendor_normal_cost(180, 0.18, 0.70, 50, 8, 4))
    assert cost_at_180 == pytest.approx(49.000164748034095, rel=1e-12)  # stockpyl
    # S&S Ch. 4, Example 4.4 prints S* = 264.77 and g* = 4.467
    assert round(result.base_stock_level, 2) == 264.77
    assert round(result.cost, 3) == 4.467


def test_base_stock_lead_time_demand_covers_l_plus_one_periods() -> None:
    lead_time = 4

    with_lead_time = base_stock_normal(**EX_4_3, lead_time=lead_time)
    over_five_periods = newsvendor_normal(
        holding_cost=0.18, stockout_cost=0.70, mean=50.0 * 5, sd=8.0 * math.sqrt(5)
    )

    assert with_lead_time == over_five_periods
    assert with_lead_time.base_stock_level - 250.0 == pytest.approx(14.7668943741548)


@pytest.mark.parametrize(
    ("data", "stockpyl_level", "stockpyl_cost"),
    [
        (EX_4_7, 8, 3.570106945770946),
        ({"holding_cost": 200.0, "stockout_cost": 270.0, "mean": 18.0}, 19, 786.0884409351115),
    ],
    ids=["example_4_7", "problem_4_8a"],
)
def test_newsvendor_poisson_matches_snyder_shen_example_4_7(
    data: dict[str, float], stockpyl_level: int, stockpyl_cost: float
) -> None:
    expected_level, expected_cost = sp_newsvendor_poisson(
        data["holding_cost"], data["stockout_cost"], data["mean"]
    )

    result = newsvendor_poisson(**data)

    assert result.base_stock_level == expected_level == stockpyl_level
    assert isinstance(result.base_stock_level, int)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.cost == pytest.approx(stockpyl_cost, rel=1e-12)


def test_newsvendor_poisson_cost_of_a_given_level_matches_example_4_7() -> None:
    levels = np.arange(0, 20)

    costs = newsvendor_poisson_cost(levels, **EX_4_7)

    assert newsvendor_poisson_cost(5, **EX_4_7) == pytest.approx(6.590296024616343, rel=1e-12)
    for level, cost in zip(levels, costs, strict=True):
        expected = sp_newsvendor_poisson_cost(int(level), 1, 4, 6)
        assert cost == pytest.approx(expected, rel=ORACLE_REL)


# --- (r, Q) with normal lead-time demand (S&S Ch. 5) ------------------------------------------


@pytest.mark.parametrize(
    ("r", "q", "stockpyl_value"),
    [(126.8, 328.5, 78.07116250928294), (100.0, 250.0, 87.34647802817499)],
)
def test_r_q_exact_cost_matches_snyder_shen_example_5_1(
    r: float, q: float, stockpyl_value: float
) -> None:
    expected = sp_r_q_cost(r, q, *EX_5_1_STOCKPYL)

    cost = r_q_cost_normal(r, q, **EX_5_1)

    assert cost == pytest.approx(expected, rel=ORACLE_REL)
    assert cost == pytest.approx(stockpyl_value, rel=1e-9)


def test_r_q_exact_cost_is_the_one_printed_in_snyder_shen_example_5_1() -> None:
    cost = r_q_cost_normal(126.8, 328.5, **EX_5_1)

    # S&S Ch. 5, Example 5.1 prints g(126.8, 328.5) = 78.07
    assert round(cost, 2) == 78.07


@pytest.mark.parametrize(
    ("q", "stockpyl_value"),
    [
        (300.0, 129.4272799263067),
        (318.0, 127.7880348669655),
        (150.0, 147.1949581740714),
        (750.0, 99.85377339616528),
    ],
)
def test_optimal_reorder_point_for_q_matches_snyder_shen_example_5_2(
    q: float, stockpyl_value: float
) -> None:
    h, p, _, lam, tau, lead = EX_5_1_STOCKPYL
    expected = sp_r_q_optimal_r_for_q(q, h, p, lam, tau, lead)

    r = r_q_optimal_reorder_point(q, **EX_5_1_NO_K)

    assert r == pytest.approx(expected, rel=ORACLE_REL)
    assert r == pytest.approx(stockpyl_value, rel=ORACLE_REL)


def test_eil_approximation_matches_snyder_shen_example_5_2() -> None:
    expected_r, expected_q, expected_cost = sp_r_q_eil(*EX_5_1_STOCKPYL)

    result = r_q_eil_approximation(**EX_5_1)

    assert result.reorder_point == pytest.approx(expected_r, rel=ORACLE_REL)
    assert result.order_quantity == pytest.approx(expected_q, rel=ORACLE_REL)
    assert result.approximate_cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.cost == pytest.approx(sp_r_q_cost(expected_r, expected_q, *EX_5_1_STOCKPYL))
    assert result.reorder_point == pytest.approx(213.97044213580244, rel=1e-9)  # stockpyl
    assert result.order_quantity == pytest.approx(318.5901810768729, rel=1e-9)  # stockpyl
    assert result.approximate_cost == pytest.approx(95.45114022285196, rel=1e-9)  # stockpyl
    # S&S Ch. 5, Example 5.2 prints r = 213.97, Q = 318.59 and an approximate cost of 95.45
    assert round(result.reorder_point, 2) == 213.97
    assert round(result.order_quantity, 2) == 318.59
    assert round(result.approximate_cost, 2) == 95.45


def test_eoqb_approximation_matches_snyder_shen_example_5_4() -> None:
    expected_r, expected_q = sp_r_q_eoqb(*EX_5_1_STOCKPYL)

    result = r_q_eoqb_approximation(**EX_5_1)

    assert result.reorder_point == pytest.approx(expected_r, rel=ORACLE_REL)
    assert result.order_quantity == pytest.approx(expected_q, rel=ORACLE_REL)
    assert result.cost == pytest.approx(sp_r_q_cost(expected_r, expected_q, *EX_5_1_STOCKPYL))
    assert result.reorder_point == pytest.approx(128.63781442427097, rel=ORACLE_REL)  # stockpyl
    assert result.order_quantity == pytest.approx(308.5737801203754, rel=1e-12)  # stockpyl
    # S&S Ch. 5, Example 5.4 prints r = 128.64 and Q = 308.57
    assert round(result.reorder_point, 2) == 128.64
    assert round(result.order_quantity, 2) == 308.57


def test_eoqss_approximation_matches_snyder_shen_example_5_5() -> None:
    expected_r, expected_q = sp_r_q_eoqss(*EX_5_1_STOCKPYL)

    result = r_q_eoqss_approximation(**EX_5_1)

    assert result.reorder_point == pytest.approx(expected_r, rel=ORACLE_REL)
    assert result.order_quantity == pytest.approx(expected_q, rel=ORACLE_REL)
    assert result.cost == pytest.approx(sp_r_q_cost(expected_r, expected_q, *EX_5_1_STOCKPYL))
    assert result.reorder_point == pytest.approx(190.3369965715624, rel=1e-12)  # stockpyl
    assert result.order_quantity == pytest.approx(304.0467800264368, rel=1e-12)  # stockpyl
    # S&S Ch. 5, Example 5.5 prints r = 190.34 and Q = 304.05
    assert round(result.reorder_point, 2) == 190.34
    assert round(result.order_quantity, 2) == 304.05


def test_loss_function_approximation_matches_snyder_shen_example_5_6() -> None:
    expected_r, expected_q = sp_r_q_loss_function(*EX_5_1_STOCKPYL)

    result = r_q_loss_function_approximation(**EX_5_1)

    assert result.reorder_point == pytest.approx(expected_r, rel=ORACLE_REL)
    assert result.order_quantity == pytest.approx(expected_q, rel=ORACLE_REL)
    assert result.reorder_point == pytest.approx(126.8670634479628, rel=ORACLE_REL)  # stockpyl
    assert result.order_quantity == pytest.approx(328.4491421980451, rel=ORACLE_REL)  # stockpyl
    # S&S Ch. 5, Example 5.6 prints r = 126.87 and Q = 328.45
    assert round(result.reorder_point, 2) == 126.87
    assert round(result.order_quantity, 2) == 328.45


def test_exact_normal_r_q_optimum_beats_every_stockpyl_policy_for_example_5_1() -> None:
    stockpyl_policies = [
        (126.8, 328.5),
        sp_r_q_eil(*EX_5_1_STOCKPYL)[:2],
        sp_r_q_eoqb(*EX_5_1_STOCKPYL),
        sp_r_q_eoqss(*EX_5_1_STOCKPYL),
        sp_r_q_loss_function(*EX_5_1_STOCKPYL),
    ]

    result = r_q_normal_optimal(**EX_5_1)

    assert result.cost == pytest.approx(
        sp_r_q_cost(result.reorder_point, result.order_quantity, *EX_5_1_STOCKPYL), rel=ORACLE_REL
    )
    for r, q in stockpyl_policies:
        assert result.cost <= sp_r_q_cost(r, q, *EX_5_1_STOCKPYL) + 1e-9
    # S&S Ch. 5, Example 5.1 prints the policy (126.8, 328.5) at a cost of 78.07. The exact
    # optimum, (126.867, 328.449), does not round to that policy at the one decimal printed
    # (it is no worse than it, above), so only the cost is compared at its printed precision.
    assert round(result.cost, 2) == 78.07


# --- (r, Q) with Poisson demand (S&S Ch. 5) ----------------------------------------------------


@pytest.mark.parametrize(
    ("r", "q", "stockpyl_value"), [(3, 5, 107.92358063314975), (8, 12, 242.5281637662021)]
)
def test_poisson_r_q_cost_matches_snyder_shen_example_5_8(
    r: int, q: int, stockpyl_value: float
) -> None:
    expected = sp_r_q_cost_poisson(r, q, 20, 150, 100, 1.5, 2)

    cost = r_q_cost_poisson(r, q, **EX_5_8)

    assert cost == pytest.approx(expected, rel=ORACLE_REL)
    assert cost == pytest.approx(stockpyl_value, rel=1e-12)


@pytest.mark.parametrize(
    ("data", "stockpyl_policy"),
    [(EX_5_8, (3, 5, 107.92358063314975)), (PROBLEM_5_2, (6, 7, 28.241312842169155))],
    ids=["example_5_8", "problem_5_2"],
)
def test_poisson_r_q_optimum_matches_snyder_shen_example_5_8(
    data: dict[str, float], stockpyl_policy: tuple[int, int, float]
) -> None:
    expected_r, expected_q, expected_cost = sp_r_q_poisson_exact(
        data["holding_cost"],
        data["stockout_cost"],
        data["fixed_cost"],
        data["demand_rate"],
        data["lead_time"],
    )

    result = r_q_poisson_optimal(**data)

    assert (result.reorder_point, result.order_quantity) == (expected_r, expected_q)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert (result.reorder_point, result.order_quantity) == stockpyl_policy[:2]
    assert result.cost == pytest.approx(stockpyl_policy[2], rel=1e-12)


def test_poisson_r_q_optimum_is_the_one_printed_in_snyder_shen_example_5_8() -> None:
    result = r_q_poisson_optimal(**EX_5_8)

    # S&S Ch. 5, Example 5.8 prints r* = 3, Q* = 5 and g(3, 5) = 107.92
    assert (result.reorder_point, result.order_quantity) == (3, 5)
    assert round(result.cost, 2) == 107.92
    assert round(r_q_cost_poisson(3, 5, **EX_5_8), 2) == 107.92


# --- (s, S) with Poisson demand (S&S Ch. 4, Zheng & Federgruen 1991) -------------------------


@pytest.mark.parametrize(
    ("s", "big_s", "stockpyl_value"), [(4, 10, 8.034111561471644), (6, 18, 10.193798671644046)]
)
def test_s_s_cost_matches_snyder_shen_example_4_7(
    s: int, big_s: int, stockpyl_value: float
) -> None:
    expected = sp_s_s_cost_discrete(s, big_s, 1, 4, 5, True, 6)

    cost = s_s_cost_poisson(s, big_s, **EX_4_7_SS)

    assert cost == pytest.approx(expected, rel=ORACLE_REL)
    assert cost == pytest.approx(stockpyl_value, rel=1e-12)


def test_zheng_federgruen_finds_the_optimal_s_s_of_snyder_shen_example_4_7() -> None:
    expected_s, expected_big_s, expected_cost = sp_s_s_discrete_exact(1, 4, 5, True, 6)

    result = s_s_poisson_optimal(**EX_4_7_SS)

    assert (result.reorder_point, result.order_up_to_level) == (expected_s, expected_big_s)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)
    assert result.cost == pytest.approx(8.034111561471644, rel=1e-12)  # stockpyl
    # S&S Ch. 4, Example 4.7 prints (s*, S*) = (4, 10) and g* = 8.034
    assert (result.reorder_point, result.order_up_to_level) == (4, 10)
    assert round(result.cost, 3) == 8.034


@pytest.mark.parametrize(("mean", "s", "big_s", "published"), ZHENG_FEDERGRUEN_TABLE)
def test_zheng_federgruen_reproduces_their_published_table(
    mean: int, s: int, big_s: int, published: float
) -> None:
    expected_cost_of_published_policy = sp_s_s_cost_discrete(s, big_s, 1, 9, 64, True, mean)

    result = s_s_poisson_optimal(**ZF_COSTS, mean=mean)
    cost_of_published_policy = s_s_cost_poisson(s, big_s, **ZF_COSTS, mean=mean)

    assert (result.reorder_point, result.order_up_to_level) == (s, big_s)
    assert result.cost == pytest.approx(published, abs=5e-4)  # half a unit of the 3rd decimal
    assert cost_of_published_policy == pytest.approx(
        expected_cost_of_published_policy, rel=ORACLE_REL
    )


@pytest.mark.parametrize("mean", [10, 23, 65])
def test_zheng_federgruen_agrees_with_stockpyl_on_table_rows(mean: int) -> None:
    expected_s, expected_big_s, expected_cost = sp_s_s_discrete_exact(1, 9, 64, True, mean)

    result = s_s_poisson_optimal(**ZF_COSTS, mean=mean)

    assert (result.reorder_point, result.order_up_to_level) == (expected_s, expected_big_s)
    assert result.cost == pytest.approx(expected_cost, rel=ORACLE_REL)


# --- input validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: economic_order_quantity(fixed_cost=8, holding_cost=0, demand_rate=1300),
        lambda: eoq_cost(0.0, fixed_cost=8, holding_cost=0.2, demand_rate=1300),
        lambda: newsvendor_normal(holding_cost=-1, stockout_cost=1, mean=5, sd=1),
        lambda: newsvendor_normal(holding_cost=1, stockout_cost=1, mean=5, sd=0),
        lambda: base_stock_normal(holding_cost=1, stockout_cost=1, mean=5, sd=1, lead_time=-1),
        lambda: newsvendor_poisson(holding_cost=1, stockout_cost=0, mean=5),
        lambda: r_q_cost_normal(1.0, 0.0, **EX_5_1),
        lambda: r_q_cost_poisson(1, 0, **EX_5_8),
        lambda: s_s_cost_poisson(5, 5, **EX_4_7_SS),
        lambda: s_s_poisson_optimal(holding_cost=1, stockout_cost=4, fixed_cost=0, mean=6),
    ],
    ids=[
        "eoq-zero-h",
        "eoq-cost-zero-q",
        "newsvendor-negative-h",
        "newsvendor-zero-sd",
        "base-stock-negative-lead-time",
        "poisson-zero-p",
        "rq-zero-q",
        "poisson-rq-zero-q",
        "ss-s-not-below-S",
        "ss-zero-K",
    ],
)
def test_invalid_parameters_are_rejected_with_a_value_error(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="must"):
        call()


# --- properties ------------------------------------------------------------------------------


def _poisson_cdf(k: int, mean: float) -> float:
    """Poisson cdf summed term by term in log space (independent of the module under test)."""
    return math.fsum(math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k + 1))


positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
cost_rate = st.floats(min_value=0.05, max_value=50.0, allow_nan=False, allow_infinity=False)


@settings(deadline=None)
@given(
    fixed_cost=positive,
    holding_cost=positive,
    demand_rate=positive,
    scale=st.floats(min_value=1e-3, max_value=1e3),
)
def test_eoq_cost_is_minimal_at_the_economic_order_quantity(
    fixed_cost: float, holding_cost: float, demand_rate: float, scale: float
) -> None:
    optimum = economic_order_quantity(
        fixed_cost=fixed_cost, holding_cost=holding_cost, demand_rate=demand_rate
    )

    other = eoq_cost(
        optimum.order_quantity * scale,
        fixed_cost=fixed_cost,
        holding_cost=holding_cost,
        demand_rate=demand_rate,
    )
    at_optimum = eoq_cost(
        optimum.order_quantity,
        fixed_cost=fixed_cost,
        holding_cost=holding_cost,
        demand_rate=demand_rate,
    )

    assert at_optimum == pytest.approx(optimum.cost, rel=1e-12)
    assert other >= optimum.cost * (1 - 1e-12)


@settings(deadline=None)
@given(
    holding_cost=cost_rate,
    stockout_a=cost_rate,
    stockout_b=cost_rate,
    mean=st.floats(min_value=0.0, max_value=1e3),
    sd=st.floats(min_value=0.1, max_value=100.0),
    poisson_mean=st.floats(min_value=0.1, max_value=200.0),
)
def test_newsvendor_quantile_is_monotone_in_the_critical_ratio(
    holding_cost: float,
    stockout_a: float,
    stockout_b: float,
    mean: float,
    sd: float,
    poisson_mean: float,
) -> None:
    low, high = sorted((stockout_a, stockout_b))

    at_low = newsvendor_normal(holding_cost=holding_cost, stockout_cost=low, mean=mean, sd=sd)
    at_high = newsvendor_normal(holding_cost=holding_cost, stockout_cost=high, mean=mean, sd=sd)
    poisson_low = newsvendor_poisson(
        holding_cost=holding_cost, stockout_cost=low, mean=poisson_mean
    )
    poisson_high = newsvendor_poisson(
        holding_cost=holding_cost, stockout_cost=high, mean=poisson_mean
    )

    assert at_low.base_stock_level <= at_high.base_stock_level
    assert poisson_low.base_stock_level <= poisson_high.base_stock_level


@settings(deadline=None)
@given(
    holding_cost=cost_rate,
    stockout_cost=cost_rate,
    mean=st.floats(min_value=0.0, max_value=1e3),
    sd=st.floats(min_value=0.1, max_value=100.0),
    shift=st.floats(min_value=-3.0, max_value=3.0),
)
def test_newsvendor_normal_optimum_minimises_the_expected_cost(
    holding_cost: float, stockout_cost: float, mean: float, sd: float, shift: float
) -> None:
    data = {"holding_cost": holding_cost, "stockout_cost": stockout_cost, "mean": mean, "sd": sd}

    optimum = newsvendor_normal(**data)
    cost_at_optimum = newsvendor_normal_cost(optimum.base_stock_level, **data)
    cost_elsewhere = newsvendor_normal_cost(optimum.base_stock_level + shift * sd, **data)

    assert cost_at_optimum == pytest.approx(optimum.cost, rel=1e-9)
    assert cost_elsewhere >= optimum.cost * (1 - 1e-9)


@settings(deadline=None)
@given(
    holding_cost=cost_rate,
    stockout_cost=cost_rate,
    mean=st.floats(min_value=0.1, max_value=200.0),
)
def test_newsvendor_poisson_optimum_is_the_smallest_level_reaching_the_critical_ratio(
    holding_cost: float, stockout_cost: float, mean: float
) -> None:
    data = {"holding_cost": holding_cost, "stockout_cost": stockout_cost, "mean": mean}
    critical_ratio = stockout_cost / (holding_cost + stockout_cost)

    optimum = newsvendor_poisson(**data)
    neighbours = newsvendor_poisson_cost(
        np.array([optimum.base_stock_level - 1, optimum.base_stock_level + 1]), **data
    )

    assert _poisson_cdf(optimum.base_stock_level, mean) >= critical_ratio - 1e-12
    assert _poisson_cdf(optimum.base_stock_level - 1, mean) < critical_ratio + 1e-12
    assert np.all(neighbours >= optimum.cost * (1 - 1e-9))
    assert optimum.base_stock_level == int(
        sp_newsvendor_poisson(holding_cost, stockout_cost, mean)[0]
    )


@settings(deadline=None)
@given(
    holding_cost=cost_rate,
    stockout_cost=cost_rate,
    mean=st.floats(min_value=0.0, max_value=500.0),
    sd=st.floats(min_value=0.1, max_value=50.0),
    lead_time=st.integers(min_value=0, max_value=12),
)
def test_base_stock_lead_time_demand_always_spans_l_plus_one_periods(
    holding_cost: float, stockout_cost: float, mean: float, sd: float, lead_time: int
) -> None:
    periods = lead_time + 1

    result = base_stock_normal(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        mean=mean,
        sd=sd,
        lead_time=lead_time,
    )
    pooled = newsvendor_normal(
        holding_cost=holding_cost,
        stockout_cost=stockout_cost,
        mean=mean * periods,
        sd=sd * math.sqrt(periods),
    )

    assert result.base_stock_level == pytest.approx(pooled.base_stock_level, rel=1e-12, abs=1e-9)
    assert result.cost == pytest.approx(pooled.cost, rel=1e-12)


rq_normal = st.fixed_dictionaries(
    {
        "holding_cost": st.floats(min_value=0.05, max_value=5.0),
        "stockout_cost": st.floats(min_value=0.5, max_value=50.0),
        "fixed_cost": st.floats(min_value=1.0, max_value=200.0),
        "demand_rate": st.floats(min_value=10.0, max_value=5000.0),
        "demand_sd": st.floats(min_value=1.0, max_value=300.0),
        "lead_time": st.floats(min_value=0.01, max_value=1.0),
    }
)


@settings(deadline=None, max_examples=40)
@given(data=rq_normal, q_scale=st.floats(min_value=0.2, max_value=5.0))
def test_optimal_reorder_point_equalises_newsvendor_cost_at_r_and_r_plus_q(
    data: dict[str, float], q_scale: float
) -> None:
    q = q_scale * math.sqrt(2 * data["fixed_cost"] * data["demand_rate"] / data["holding_cost"])
    lead_time_demand = {
        "holding_cost": data["holding_cost"],
        "stockout_cost": data["stockout_cost"],
        "mean": data["demand_rate"] * data["lead_time"],
        "sd": data["demand_sd"] * math.sqrt(data["lead_time"]),
    }
    without_k = {key: value for key, value in data.items() if key != "fixed_cost"}

    r = r_q_optimal_reorder_point(q, **without_k)

    g_r = newsvendor_normal_cost(r, **lead_time_demand)
    g_r_plus_q = newsvendor_normal_cost(r + q, **lead_time_demand)
    assert g_r == pytest.approx(g_r_plus_q, rel=1e-8, abs=1e-9)


@settings(deadline=None, max_examples=40)
@given(
    data=rq_normal,
    dr=st.floats(min_value=-0.2, max_value=0.2),
    dq=st.floats(min_value=-0.2, max_value=0.2),
)
def test_exact_normal_r_q_is_no_worse_than_approximations_or_perturbations(
    data: dict[str, float], dr: float, dq: float
) -> None:
    optimum = r_q_normal_optimal(**data)

    perturbed = r_q_cost_normal(
        optimum.reorder_point + dr * optimum.order_quantity,
        optimum.order_quantity * (1 + dq),
        **data,
    )
    approximations = [
        r_q_eoqb_approximation(**data).cost,
        r_q_eoqss_approximation(**data).cost,
        r_q_loss_function_approximation(**data).cost,
    ]

    tolerance = optimum.cost * 1e-9
    assert perturbed >= optimum.cost - tolerance
    assert all(cost >= optimum.cost - tolerance for cost in approximations)
    assert r_q_eoqb_approximation(**data).cost <= optimum.cost * 1.125 + tolerance


@settings(deadline=None, max_examples=40)
@given(
    data=st.fixed_dictionaries(
        {
            "holding_cost": st.floats(min_value=0.5, max_value=5.0),
            "stockout_cost": st.floats(min_value=1.0, max_value=50.0),
            "fixed_cost": st.floats(min_value=1.0, max_value=50.0),
            "demand_rate": st.floats(min_value=0.2, max_value=5.0),
            "lead_time": st.floats(min_value=0.1, max_value=2.0),
        }
    )
)
def test_poisson_r_q_optimum_matches_a_brute_force_search(data: dict[str, float]) -> None:
    y = np.arange(-20, 250)
    g = newsvendor_poisson_cost(
        y,
        holding_cost=data["holding_cost"],
        stockout_cost=data["stockout_cost"],
        mean=data["demand_rate"] * data["lead_time"],
    )
    prefix = np.concatenate([[0.0], np.cumsum(g)])
    q = np.arange(1, 150)[:, None]
    start = np.arange(0, 60)[None, :]  # r + 1 = y[start]
    costs = (data["fixed_cost"] * data["demand_rate"] + prefix[start + q] - prefix[start]) / q

    result = r_q_poisson_optimal(**data)

    assert result.cost == pytest.approx(float(costs.min()), rel=1e-9)


@settings(deadline=None, max_examples=15)
@given(
    data=st.fixed_dictionaries(
        {
            "holding_cost": st.floats(min_value=0.5, max_value=3.0),
            "stockout_cost": st.floats(min_value=1.0, max_value=20.0),
            "fixed_cost": st.floats(min_value=1.0, max_value=20.0),
            "mean": st.floats(min_value=0.5, max_value=5.0),
        }
    )
)
def test_zheng_federgruen_matches_a_brute_force_search(data: dict[str, float]) -> None:
    grid = [s_s_cost_poisson(s, big_s, **data) for big_s in range(0, 40) for s in range(-25, big_s)]

    result = s_s_poisson_optimal(**data)

    assert -25 < result.reorder_point < result.order_up_to_level < 39  # inside the grid
    assert result.cost == pytest.approx(min(grid), rel=1e-9)
    assert result.cost == pytest.approx(
        s_s_cost_poisson(result.reorder_point, result.order_up_to_level, **data), rel=1e-12
    )


@settings(deadline=None)
@given(
    mean=st.floats(min_value=-100.0, max_value=100.0),
    sd=st.floats(min_value=0.1, max_value=50.0),
    x=st.floats(min_value=-200.0, max_value=200.0),
)
def test_second_order_loss_decreases_at_the_rate_of_the_first_order_loss(
    mean: float, sd: float, x: float
) -> None:
    step = 1e-4 * sd

    slope = (
        normal_second_loss(x + step, mean=mean, sd=sd)
        - normal_second_loss(x - step, mean=mean, sd=sd)
    ) / (2 * step)

    assert slope == pytest.approx(-normal_loss(x, mean=mean, sd=sd), rel=1e-5, abs=1e-6 * sd)
